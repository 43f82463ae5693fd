"""Scoped reads of import batches, for pages and the API.

A batch is visible to the user who started it (while they may still manage members) and to
operators (``permissions.visible_batches``); anyone else gets 404, as for a missing batch.
"""

import uuid

from django.db.models import QuerySet
from django.http import Http404

from gonghui.members import permissions
from gonghui.members.models import ImportBatch


def visible_batches(user) -> QuerySet:
    return ImportBatch.objects.select_related("organisation", "created_by").filter(
        permissions.visible_batches(user)
    )


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
