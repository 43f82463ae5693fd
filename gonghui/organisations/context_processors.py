from gonghui.organisations import scoping
from gonghui.organisations.choices import Role


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_can_manage": scoping.has_any(user, scoping.Action.MANAGE_MEMBERS),
        "nav_can_audit": scoping.has_any(user, scoping.Action.VIEW_AUDIT),
        "nav_is_officer": scoping.has_any(user, scoping.Action.VIEW),
        "nav_is_judge": scoping.holds_role(user, Role.JUDGE),
        "nav_is_keeper": scoping.holds_role(user, Role.STATION_KEEPER),
    }
