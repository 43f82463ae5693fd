"""``{% upcoming_activities %}``: the next activities the person at the screen may sign up for,
for the public landing page (visitors: those open to anyone signed in) and the service hall."""

from django import template

from gonghui.activities.choices import Status
from gonghui.activities.selectors import activity_list

register = template.Library()
UPCOMING = 5


@register.inclusion_tag("activities/_upcoming.html", takes_context=True)
def upcoming_activities(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    shown = activity_list(user, upcoming_only=True).filter(status=Status.PUBLISHED)
    signed_in = user is not None and user.is_authenticated
    return {"upcoming_activities": list(shown[:UPCOMING]), "signed_in": signed_in}
