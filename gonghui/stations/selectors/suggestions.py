"""Reads of suggested sites: the officers' queue of the unions in their scope
(``organisations.scoping``; out of scope answers 404) and the suggester's page, reached by the
suggestion's unguessable id (no personal data)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from gonghui.organisations import scoping
from gonghui.stations.choices import SuggestionStatus
from gonghui.stations.models import Suggestion


def _suggestions() -> QuerySet:
    return Suggestion.objects.select_related("organisation", "station")


def suggestion_queue(user, *, status: str = SuggestionStatus.PENDING) -> QuerySet:
    """Suggestions routed to the unions in the user's view scope; pending ones oldest first."""
    qs = scoping.restrict(_suggestions(), user, scoping.Action.VIEW)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("created_at", "pk") if status == SuggestionStatus.PENDING else qs


def suggestion_or_404(user, pk) -> Suggestion:
    """A suggestion routed to a union in the user's view scope; else 404."""
    return get_object_or_404(scoping.restrict(_suggestions(), user, scoping.Action.VIEW), pk=pk)


def suggestion_public_or_404(pk) -> Suggestion:
    """A suggestion by its id, for the suggester's page."""
    return get_object_or_404(_suggestions(), pk=pk)
