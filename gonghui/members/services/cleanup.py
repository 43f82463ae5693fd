"""Queueing, by itself, the deletion of files with personal data that nothing needs any more
(``services.retention.prune_personal_files``: stored rosters, expired exports).

The ``prune_imports`` and ``prune_exports`` commands do the same from cron or a systemd timer
(docs/ops/deploy.md §10). So that a deployment without them does not keep rosters and
exports for ever, every import and export start also queues the ``prune_files`` task, at most
once every ``EVERY_SECONDS`` (counted in the cache).
"""

from django.core.cache import cache
from django.db import transaction

from gonghui.members import tasks

EVERY_SECONDS = 5 * 60
_KEY = "gonghui:members:cleanup-queued"


def schedule() -> None:
    """Queue the ``prune_files`` task once the current transaction commits, unless it was
    queued less than ``EVERY_SECONDS`` ago."""
    if cache.add(_KEY, True, timeout=EVERY_SECONDS):
        transaction.on_commit(tasks.prune_files.enqueue)


def forget() -> None:
    """Let the next start queue the clean-up again (tests)."""
    cache.delete(_KEY)
