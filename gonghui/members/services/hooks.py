"""What must follow every change to member rows, in the same transaction: the subtree
counters (``members.counters``) and the search keys (``members.search``). Every service that
writes members calls exactly one of these; bulk paths (imports, undo) call the bulk ones."""

from collections.abc import Iterable

from gonghui.members import counters, search
from gonghui.members.models import Member


def member_created(member: Member) -> None:
    counters.members_added([member])
    search.index_members([member])


def member_changed(before: dict, member: Member) -> None:
    """``before`` is ``counters.snapshot(member)`` taken before the change."""
    counters.member_changed(before, member)
    if before.get("name") != member.name:
        search.index_members([member])


def members_bulk_created(members: Iterable[Member]) -> None:
    members = list(members)
    counters.members_added(members)
    search.index_members(members)


def members_bulk_removed(members: Iterable[Member]) -> None:
    """Before deleting member rows (undo of an import batch)."""
    counters.members_removed(list(members))
