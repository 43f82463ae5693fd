"""``GET /api/v1/me``: who the caller is — the account, its roles, the member record linked to
it, and the number of unread notifications (for a mobile client's first screen)."""

from ninja import Router, Schema

from gonghui.members import selectors
from gonghui.notifications import selectors as notification_selectors
from gonghui.organisations import selectors as org_selectors
from gonghui.organisations.api import OrgRef, org_ref

router = Router(tags=["me"])


class RoleOut(Schema):
    role: str
    label: str
    organisation: OrgRef


class AccountOut(Schema):
    username: str
    display_name: str
    roles: list[RoleOut]


class OwnMemberOut(Schema):
    id: str
    name: str
    member_no: str
    organisation: OrgRef


class MeOut(Schema):
    account: AccountOut
    member: OwnMemberOut | None
    unread: int


@router.get("me", response=MeOut)
def me(request):
    """The signed-in caller: account, roles, own member record (or null) and unread count."""
    user = request.user
    member = selectors.own_member(user)
    return {
        "account": {
            "username": user.get_username(),
            "display_name": user.display_name or user.get_username(),
            "roles": [
                {"role": a.role, "label": a.get_role_display(), "organisation": org_ref(a.organisation)}
                for a in org_selectors.own_roles(user)
            ],
        },
        "member": None
        if member is None
        else {
            "id": str(member.pk),
            "name": member.name,
            "member_no": member.member_no,
            "organisation": org_ref(member.organisation),
        },
        "unread": notification_selectors.unread_count(user),
    }
