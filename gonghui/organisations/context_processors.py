from gonghui.organisations import permissions, scoping
from gonghui.organisations.choices import Role


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_can_manage": scoping.has_any(user, scoping.Action.MANAGE_MEMBERS),
        "nav_can_audit": permissions.can_read_audit_log(user),
        "nav_is_officer": permissions.is_officer(user),
        "nav_is_judge": scoping.holds_role(user, Role.JUDGE),
        "nav_is_keeper": scoping.holds_role(user, Role.STATION_KEEPER),
    }
