"""Member counts per subtree, kept in ``organisations.SubtreeCount`` (stub: to be written)."""


def snapshot(member) -> dict:
    return {"name": member.name}


def members_added(members) -> None:
    return None


def members_removed(members) -> None:
    return None


def member_changed(before: dict, member) -> None:
    return None
