"""Row locks for services that read, check, then write."""

from django.db import models


def locked[M: models.Model](instance: M, *related: str) -> M:
    """``instance`` read again with its row locked until the transaction ends (``SELECT … FOR
    UPDATE`` on PostgreSQL; SQLite serialises writers anyway), joined with ``related``: the state
    a service checks is the state it writes over, even when two officers press at once."""
    rows = type(instance)._default_manager.select_for_update()
    if related:
        rows = rows.select_related(*related)
    return rows.get(pk=instance.pk)
