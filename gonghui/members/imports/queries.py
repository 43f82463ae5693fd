"""Scoped reads of import batches, for pages and the API.

A batch is visible to the user who started it, to operators, and to whoever may manage
members of the batch's union (its default union); anyone else gets 404, as for a missing
batch.
"""

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404

from gonghui.members.models import ImportBatch
from gonghui.organisations import scoping


def visible_batches(user) -> QuerySet:
    qs = ImportBatch.objects.select_related("organisation", "created_by")
    if scoping.is_operator(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    in_scope = scoping.org_q(user, scoping.Action.MANAGE_MEMBERS, field="organisation")
    if not scoping.root_paths(user, scoping.Action.MANAGE_MEMBERS):
        return qs.filter(created_by=user)
    return qs.filter(Q(created_by=user) | (Q(organisation__isnull=False) & in_scope))


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
