"""What must follow every change to member rows, in the same transaction: the subtree
counters (``members.counters``) and the search keys (``members.search``). Every service that
writes members calls exactly one of these; bulk paths (imports, undo) call the bulk ones."""

from collections.abc import Iterable

from gonghui.members import counters, search
from gonghui.members.models import Member


def member_created(member: Member) -> None:
    search.index_members([member], new=True)
    counters.members_added([member])


def member_changed(before: dict, member: Member) -> None:
    """``before`` is ``counters.snapshot(member)`` taken before the change."""
    counters.member_changed(before, member)
    search.member_changed(before, member)  # new keys on a rename; keys follow a change of union


def members_bulk_created(members: Iterable[Member]) -> None:
    """Counters last: they lock counter rows shared with every writer under the same
    ancestors (up to the national root), so they are held only from here to the commit."""
    members = list(members)
    search.index_members(members, new=True)
    counters.members_added(members)


def members_bulk_changed(changes: Iterable[tuple[dict, Member]]) -> None:
    """Many ``(before, member)`` pairs (``before`` as in ``member_changed``): one counter
    update and one search-key rewrite for the renamed, whatever their number."""
    changes = list(changes)
    search.members_changed(changes)
    counters.members_changed(changes)


def members_bulk_removed(members: Iterable[Member]) -> None:
    """Before deleting member rows (undo of an import batch)."""
    counters.members_removed(list(members))
