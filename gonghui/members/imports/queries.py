"""Scoped reads of import batches, for pages and the API.

A batch is visible to the user who started it (while they may still manage members) and to
operators; anyone else gets 404, as for a missing batch.
"""

import uuid

from django.db.models import QuerySet
from django.http import Http404

from gonghui.members import permissions
from gonghui.members.models import ImportBatch
from gonghui.organisations import scoping


def visible_batches(user) -> QuerySet:
    qs = ImportBatch.objects.select_related("organisation", "created_by")
    if scoping.is_operator(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    # Only the person who started it: a batch's rows and errors may name unions beyond the
    # scope of other officers of its default union, and it runs with its creator's rights.
    if not permissions.is_roster_keeper(user):
        return qs.none()
    return qs.filter(created_by=user)


def batch_or_404(user, batch_id) -> ImportBatch:
    try:
        pk = uuid.UUID(str(batch_id))
    except ValueError:
        raise Http404 from None
    batch = visible_batches(user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


def recent_batches(user, limit: int = 20) -> list[ImportBatch]:
    return list(visible_batches(user).order_by("-created_at")[:limit])
