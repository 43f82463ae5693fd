import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from gonghui.core.models import AuditEntry
from gonghui.core.validation import field_errors
from gonghui.core.validators import credit_check_char
from gonghui.organisations import scoping, services
from gonghui.organisations.choices import Kind, Role
from gonghui.organisations.models import Organisation, RoleAssignment

pytestmark = pytest.mark.django_db


def union_code(body17: str = "81610113MC1234567") -> str:
    return body17 + credit_check_char(body17)


def codes(exc: ValidationError) -> dict[str, list[str]]:
    """A service's ValidationError as field → error codes."""
    return {field: [e.code for e in errors] for field, errors in field_errors(exc, "").items()}


def test_grassroots_union_with_a_registered_credit_code(world, city_admin):
    org = services.organisation_create(
        actor=city_admin,
        parent=world.orgs["yanta"],
        kind=Kind.GRASSROOTS,
        code=union_code().lower(),
        name="某公司工会",
        division_code="610113",
    )
    assert org.code == union_code()
    assert org.get_parent() == world.orgs["yanta"]
    assert org.level == 5
    assert AuditEntry.objects.filter(
        action="organisations.organisation.created", object_id=str(org.pk)
    ).exists()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"code": "81610113MC123456X0"}, {"code": ["credit_checksum"]}),
        ({"code": "XA-0001"}, {"code": ["org_code_taken"]}),
        ({"division_code": "999999"}, {"division_code": ["division_unknown"]}),
        ({"code": "a b"}, {"code": ["org_code"]}),
        ({"kind": "club"}, {"kind": ["invalid_choice"]}),
        ({"name": " "}, {"name": ["required"]}),
        ({"name": "x" * 121}, {"name": ["too_long"]}),
        ({"name": "某\x00工会"}, {"name": ["control_characters"]}),
        ({"host_staff_count": -1}, {"host_staff_count": ["number_too_small"]}),
        ({"host_staff_count": 10_000_001}, {"host_staff_count": ["number_too_large"]}),
        ({"host_ownership": "martian"}, {"host_ownership": ["invalid_choice"]}),
        ({"grassroots_type": "secret"}, {"grassroots_type": ["invalid_choice"]}),
        ({"founded_on": "2024-02-30"}, {"founded_on": ["date_invalid"]}),
        (
            {"name": "", "division_code": "999999", "host_staff_count": "many"},
            {
                "name": ["required"],
                "division_code": ["division_unknown"],
                "host_staff_count": ["number_invalid"],
            },
        ),
    ],
)
def test_bad_organisation_input_is_refused_by_field_and_writes_nothing(world, city_admin, fields, error):
    before = (Organisation.objects.count(), AuditEntry.objects.count())
    data = {
        "kind": Kind.GRASSROOTS,
        "code": "NEW-1",
        "name": "某公司工会",
        "division_code": "610113",
        **fields,
    }
    with pytest.raises(ValidationError) as exc:
        services.organisation_create(actor=city_admin, parent=world.orgs["yanta"], **data)
    assert codes(exc.value) == error
    assert (Organisation.objects.count(), AuditEntry.objects.count()) == before


def test_sibling_province_admin_cannot_add_under_shaanxi(world, sibling_admin):
    with pytest.raises(Http404):
        services.organisation_create(
            actor=sibling_admin,
            parent=world.orgs["xian"],
            kind=Kind.GRASSROOTS,
            code="GS-X",
            name="x",
            division_code="610113",
        )


def test_viewer_sees_but_may_not_manage(world, city_viewer):
    viewer = city_viewer
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=viewer, organisation=world.orgs["yanta"], chairman="李四")


def test_moving_a_subtree_carries_its_descendants_and_members(
    world, sibling_city_admin, province_admin, city_admin
):
    yanta = world.orgs["yanta"]
    services.organisation_move(actor=province_admin, organisation=yanta, new_parent=world.orgs["baoji"])
    yanta.refresh_from_db()
    assert yanta.get_parent().code == "610300"
    factory = Organisation.objects.get(code="XA-0001")
    assert factory.path.startswith(yanta.path)
    baoji_admin = sibling_city_admin
    scoping.forget(baoji_admin)
    assert scoping.can(baoji_admin, scoping.Action.VIEW, factory)
    assert not scoping.can(city_admin, scoping.Action.VIEW, factory)


def test_moving_under_own_descendant_is_refused(world, province_admin):
    with pytest.raises(ValidationError) as exc:
        services.organisation_move(
            actor=province_admin, organisation=world.orgs["xian"], new_parent=world.orgs["yanta"]
        )
    assert codes(exc.value) == {"new_parent": ["org_cycle"]}
    assert world.orgs["yanta"].get_parent().code == "610100"


def test_city_admin_cannot_move_a_unit_to_another_city(world, city_admin):
    with pytest.raises(Http404):
        services.organisation_move(
            actor=city_admin, organisation=world.orgs["yanta"], new_parent=world.orgs["baoji"]
        )


def test_role_assignment_is_scoped_and_audited(world, city_admin, sibling_city_admin):
    from gonghui.testing import make_user

    user = make_user("newofficer")
    services.role_assign(actor=city_admin, user=user, organisation=world.orgs["yanta"], role=Role.OFFICER)
    assert RoleAssignment.objects.filter(user=user, role=Role.OFFICER).exists()
    with pytest.raises(Http404):
        services.role_assign(
            actor=sibling_city_admin, user=user, organisation=world.orgs["yanta"], role=Role.ADMIN
        )
    assert AuditEntry.objects.filter(action="organisations.role.assigned").count() >= 1


def test_revoking_ones_own_last_admin_role_is_refused(world, city_admin):
    xian = city_admin
    own = RoleAssignment.objects.get(user=xian, organisation=world.orgs["xian"], role=Role.ADMIN)
    with pytest.raises(ValidationError) as exc:
        services.role_revoke(actor=xian, assignment=own)
    assert exc.value.code == "role_last_admin"
    assert RoleAssignment.objects.filter(pk=own.pk).exists()
    assert not AuditEntry.objects.filter(action="organisations.role.revoked").exists()


def test_an_admin_role_above_keeps_the_admin_in_charge_so_the_lower_one_may_go(
    world, city_admin, province_admin
):
    xian = city_admin
    services.role_assign(actor=province_admin, user=xian, organisation=world.orgs["shaanxi"], role=Role.ADMIN)
    own = RoleAssignment.objects.get(user=xian, organisation=world.orgs["xian"], role=Role.ADMIN)
    services.role_revoke(actor=xian, assignment=own)
    assert not RoleAssignment.objects.filter(pk=own.pk).exists()


def test_an_admin_role_below_does_not_count_as_keeping_admin_over_the_organisation(world, city_admin):
    xian = city_admin
    services.role_assign(actor=xian, user=xian, organisation=world.orgs["yanta"], role=Role.ADMIN)
    own = RoleAssignment.objects.get(user=xian, organisation=world.orgs["xian"], role=Role.ADMIN)
    with pytest.raises(ValidationError) as exc:
        services.role_revoke(actor=xian, assignment=own)
    assert exc.value.code == "role_last_admin"


def test_revoking_another_admins_role_and_ones_own_lesser_roles_stays_possible(
    world, city_admin, sibling_city_admin, province_admin
):
    xian = city_admin
    viewer = services.role_assign(actor=xian, user=xian, organisation=world.orgs["yanta"], role=Role.VIEWER)
    services.role_revoke(actor=xian, assignment=viewer)
    baoji = RoleAssignment.objects.get(user=sibling_city_admin, role=Role.ADMIN)
    services.role_revoke(actor=province_admin, assignment=baoji)
    assert not RoleAssignment.objects.filter(pk__in=[viewer.pk, baoji.pk]).exists()


def test_the_chairman_is_a_person_name(world, city_admin):
    org = world.orgs["yanta"]
    updated = services.organisation_update(actor=city_admin, organisation=org, chairman=" 买买提•艾力 ")
    assert updated.chairman == "买买提·艾力"
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.organisation_update(actor=city_admin, organisation=org, chairman="=HYPERLINK(1)")
    assert exc.value.error_dict["chairman"][0].code == "name_invalid_character"
    org.refresh_from_db()
    assert org.chairman == "买买提·艾力" and AuditEntry.objects.count() == audit_before


def test_a_role_that_does_not_exist_is_refused_on_its_field(world, city_admin):
    from gonghui.testing import make_user

    with pytest.raises(ValidationError) as exc:
        services.role_assign(
            actor=city_admin, user=make_user("x"), organisation=world.orgs["xian"], role="boss"
        )
    assert codes(exc.value) == {"role": ["invalid_choice"]}
    assert not RoleAssignment.objects.filter(user__username="x").exists()


def test_only_the_descriptive_fields_can_be_edited(world, city_admin):
    with pytest.raises(ValidationError) as exc:
        services.organisation_update(actor=city_admin, organisation=world.orgs["yanta"], code="NEW-2")
    assert codes(exc.value) == {"": ["org_field_not_editable"]}
    assert Organisation.objects.filter(code="610113").exists()
