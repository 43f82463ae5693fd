"""Organisations' part of the URL walk (gonghui/tests/urlwalk.py): the 西安 city federation
and a role on it, the audit log filtered to 西安."""

from gonghui.organisations.models import RoleAssignment


def xian_objects(world) -> dict:
    """The 西安 admin's role assignment and the city federation's code."""
    assignment = RoleAssignment.objects.get(user=world.users["xian"], organisation=world.orgs["xian"])
    return {"assignment_id": assignment.pk, "code": "610100"}


LIST_QUERIES = [
    ("organisations:tree", "?q=610100"),
    ("audit", "?organisation=610100"),
    # The union picker's type-ahead (queries that do not repeat a 西安 marker back).
    ("organisations:pick", "?q=xa&action=view&field=organisation"),
    ("organisations:pick", "?q=yt&action=manage_members"),
    ("organisations:pick", "?field=union&union=6101"),
]

FORM_POST = {
    "username": "baoji",
    "role": "admin",
    "new_parent": "610300",
    "name": "改名",
    "kind": "grassroots",
    "code": "BJ-9999",
    "division_code": "610300",
}

API_SCOPED_QUERIES = {
    "list_organisations": {"parent": "610100"},
    "list_audit": {"organisation": "610100"},
}

COUNTED = [RoleAssignment]
