"""Member search keys in ``MemberSearchKey`` (stub: to be written)."""


def index_members(members) -> None:
    return None
