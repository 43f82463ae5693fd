"""Activities as a search source (``gonghui.search``), beside news and notices, and the hooks
the activity services call: :func:`index_activity` when an activity is published or edited
while published, :func:`unindex_activity` when it is cancelled.

Readers find only published activities they may see (``selectors.activities_visible_to``:
anyone for a ``signed_in`` activity, the members of its target unions and officers in scope for
a members-only one)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.activities.choices import Status
from gonghui.activities.models import Activity
from gonghui.activities.selectors import activities_visible_to
from gonghui.search import index
from gonghui.search.sources import SearchSource

KEY = "activities"


def _text(activity):
    if activity.status != Status.PUBLISHED:
        return None
    return f"{activity.title}\n{activity.description}\n{activity.address}"


def _result(activity):
    return (
        activity.title,
        reverse("activities:detail", kwargs={"activity_id": activity.pk}),
        activity.starts_at,
    )


SOURCES = (
    SearchSource(
        key=KEY,
        label=_("Activities"),
        # Drafts an organiser may see are not results: only what readers can sign up for.
        readable=lambda user: activities_visible_to(user).filter(status=Status.PUBLISHED),
        text=_text,
        result=_result,
        indexable=lambda: Activity.objects.filter(status=Status.PUBLISHED),
    ),
)


def index_activity(activity: Activity) -> None:
    """Make ``activity`` findable with its current text (anything but a published activity is
    taken out of the index)."""
    index.index_object(KEY, activity)


def unindex_activity(activity: Activity) -> None:
    index.unindex_object(KEY, activity)
