"""Deleting, by itself, the files with personal data that nothing needs any more: stored
roster uploads (``imports.prune_imports``) and expired exports (``exports.prune_exports``,
after giving up on exports whose worker died).

The ``prune_imports`` and ``prune_exports`` commands do the same from cron or a systemd timer
(docs/ops/deploy.md §10). So that a deployment without them does not keep rosters and
exports for ever, every import and export start also queues :func:`prune_personal_files` as
a background task, at most once every ``EVERY_SECONDS`` (counted in the cache).
"""

from django.core.cache import cache
from django.db import transaction

EVERY_SECONDS = 5 * 60
_KEY = "gonghui:members:cleanup-queued"


def prune_personal_files() -> dict:
    """Run every clean-up once; returns what each removed. Called by the ``prune_files``
    task (no actor: the audit entries are the system's)."""
    from gonghui.members.services import exports, imports

    pruned = imports.prune_imports()
    stuck = exports.fail_stuck_exports()
    expired = exports.prune_exports()
    return {**pruned, "stuck_exports": stuck, "expired_exports": expired}


def schedule() -> None:
    """Queue :func:`prune_personal_files` once the current transaction commits, unless it
    was queued less than ``EVERY_SECONDS`` ago."""
    from gonghui.members import tasks

    if cache.add(_KEY, True, timeout=EVERY_SECONDS):
        transaction.on_commit(tasks.prune_files.enqueue)


def forget() -> None:
    """Let the next start queue the clean-up again (tests)."""
    cache.delete(_KEY)
