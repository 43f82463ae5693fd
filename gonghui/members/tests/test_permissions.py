"""members.permissions: each rule once, with the sibling branches (宝鸡, the sibling city; 甘肃,
the sibling province) answered as docs/dev/permissions.md says — 404 when the object is not
visible to them at all, 403 when it is but they may not act on it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from gonghui.members import permissions
from gonghui.members.choices import TransferStatus
from gonghui.members.models import Enrolment, ImportBatch, Member
from gonghui.members.services import exports, transfers
from gonghui.organisations.models import Organisation


@pytest.fixture
def zhang(world) -> Member:
    """张伟 of 西安某机械厂, whose login is ``member_user``."""
    return world.members["xian_worker"]


@pytest.fixture
def to_baoji(world, city_admin, zhang):
    """张伟's transfer from 西安某机械厂 to 宝鸡某钢厂, requested by the 西安 admin."""
    return transfers.transfer_request(
        actor=city_admin, member=zhang, to_organisation=world.orgs["baoji_factory"], reason="换工作"
    )


def test_member_rights_belong_to_the_members_union_and_its_ancestors(
    zhang, city_admin, province_admin, city_viewer, sibling_city_admin, sibling_admin, member_user
):
    for check in (permissions.can_manage, permissions.can_record_dues, permissions.can_transfer):
        assert check(city_admin, zhang) and check(province_admin, zhang)
        assert not check(city_viewer, zhang)
        assert not check(sibling_city_admin, zhang) and not check(sibling_admin, zhang)
        assert not check(member_user, zhang)
    assert permissions.can_reveal(city_admin, zhang) and not permissions.can_reveal(city_viewer, zhang)
    assert not permissions.can_reveal(sibling_admin, zhang)


def test_a_member_sees_their_own_record_and_nobody_elses(
    world, zhang, member_user, city_viewer, sibling_admin
):
    assert permissions.is_own(member_user, zhang) and permissions.can_view(member_user, zhang)
    assert not permissions.is_own(AnonymousUser(), zhang)
    assert permissions.can_view(city_viewer, zhang)
    assert not permissions.can_view(sibling_admin, zhang)
    other = Member.objects.exclude(pk=zhang.pk).first()
    if other is not None:
        assert not permissions.can_view(member_user, other)


def test_only_a_roster_keeper_opens_the_new_member_and_import_pages(city_officer, city_viewer, sibling_admin):
    assert permissions.is_roster_keeper(city_officer) and permissions.is_roster_keeper(sibling_admin)
    permissions.require_roster_keeper(sibling_admin)  # keeps the 甘肃 rosters
    with pytest.raises(PermissionDenied):
        permissions.require_roster_keeper(city_viewer)


def test_a_transfer_is_asked_for_by_the_member_or_an_officer_of_their_union(
    zhang, member_user, city_admin, city_viewer, sibling_city_admin, sibling_admin
):
    assert permissions.can_request_transfer(member_user, zhang)
    assert permissions.can_request_transfer(city_admin, zhang)
    permissions.require_request_transfer(member_user, zhang)
    with pytest.raises(PermissionDenied):  # sees 张伟, may not move him
        permissions.require_request_transfer(city_viewer, zhang)
    for sibling in (sibling_city_admin, sibling_admin):
        assert not permissions.can_request_transfer(sibling, zhang)
        with pytest.raises(Http404):
            permissions.require_request_transfer(sibling, zhang)


def test_each_union_of_a_transfer_acts_on_its_own_side(
    to_baoji, city_admin, sibling_city_admin, sibling_admin, member_user
):
    # requested: 西安 (the old union) releases, refuses or cancels; 宝鸡 only sees it
    assert permissions.can_release(city_admin, to_baoji) and permissions.can_refuse(city_admin, to_baoji)
    assert permissions.can_cancel(city_admin, to_baoji) and permissions.can_cancel(member_user, to_baoji)
    assert not permissions.can_release(sibling_city_admin, to_baoji)
    assert not permissions.can_refuse(sibling_city_admin, to_baoji)
    with pytest.raises(PermissionDenied):
        permissions.require_release(sibling_city_admin, to_baoji)
    with pytest.raises(PermissionDenied):
        permissions.require_refuse(sibling_city_admin, to_baoji)
    with pytest.raises(PermissionDenied):
        permissions.require_cancel(sibling_city_admin, to_baoji)
    # 甘肃 sees neither union
    for require in (
        permissions.require_release,
        permissions.require_accept,
        permissions.require_refuse,
        permissions.require_cancel,
    ):
        with pytest.raises(Http404):
            require(sibling_admin, to_baoji)
    # released: now 宝鸡 (the new union) accepts or refuses, and 西安 no longer refuses
    released = transfers.transfer_release(actor=city_admin, transfer=to_baoji)
    assert permissions.can_accept(sibling_city_admin, released)
    assert permissions.can_refuse(sibling_city_admin, released)
    permissions.require_accept(sibling_city_admin, released)
    assert not permissions.can_refuse(city_admin, released)
    with pytest.raises(PermissionDenied):
        permissions.require_accept(city_admin, released)
    with pytest.raises(PermissionDenied):
        permissions.require_refuse(city_admin, released)


def test_nobody_refuses_a_closed_transfer_and_only_its_unions_are_told(to_baoji, city_admin, sibling_admin):
    closed = transfers.transfer_cancel(actor=city_admin, transfer=to_baoji, reason="不走了")
    assert closed.status == TransferStatus.CANCELLED
    assert not permissions.can_refuse(city_admin, closed)
    permissions.require_refuse(city_admin, closed)  # the service then says it is closed
    with pytest.raises(Http404):
        permissions.require_refuse(sibling_admin, closed)


def test_an_application_is_decided_by_officers_of_its_union(
    world, city_officer, city_viewer, sibling_city_admin
):
    application = Enrolment(organisation=world.orgs["xian_factory"])  # routed to the factory
    assert permissions.can_decide_enrolment(city_officer, application)
    assert not permissions.can_decide_enrolment(city_viewer, application)
    assert not permissions.can_decide_enrolment(sibling_city_admin, application)


def test_an_import_batch_is_managed_by_its_creator_only(world, city_admin, sibling_city_admin, city_viewer):
    batch = ImportBatch.objects.create(
        organisation=world.orgs["xian"], created_by=city_admin, file_name="x.csv"
    )
    assert permissions.is_batch_creator(city_admin, batch)
    permissions.require_manage_batch(city_admin, batch)
    for other in (sibling_city_admin, city_viewer):
        assert not permissions.is_batch_creator(other, batch)
        with pytest.raises(Http404):
            permissions.require_manage_batch(other, batch)
    # its creator, no longer keeping rosters: 403 (the batch is theirs, the right is gone)
    own_by_viewer = ImportBatch.objects.create(
        organisation=world.orgs["xian"], created_by=city_viewer, file_name="y.csv"
    )
    with pytest.raises(PermissionDenied):
        permissions.require_manage_batch(city_viewer, own_by_viewer)


def test_exports_need_the_export_right_and_unmasked_ones_the_reveal_right(
    world, city_admin, city_officer, city_viewer, sibling_city_admin, sibling_admin
):
    xian = world.orgs["xian"]
    assert permissions.is_exporter(city_officer) and not permissions.is_exporter(city_viewer)
    permissions.require_exporter(sibling_admin)
    with pytest.raises(PermissionDenied):
        permissions.require_exporter(city_viewer)
    assert permissions.can_export(city_officer, xian)
    assert not permissions.can_export(city_officer, xian, unmasked=True)  # officers may not reveal
    assert permissions.can_export(city_admin, xian, unmasked=True)
    permissions.require_export(city_admin, xian, unmasked=True)
    with pytest.raises(PermissionDenied):
        permissions.require_export(city_officer, xian, unmasked=True)
    with pytest.raises(PermissionDenied):
        permissions.require_export(city_viewer, xian)
    for sibling in (sibling_city_admin, sibling_admin):
        assert not permissions.can_export(sibling, xian)
        with pytest.raises(Http404):
            permissions.require_export(sibling, xian)


def test_an_export_job_is_seen_by_its_creator_only(world, city_admin, province_admin, sibling_city_admin):
    job = exports.export_start(actor=city_admin, organisation=world.orgs["xian"], file_format="csv")
    assert permissions.sees_export(city_admin, job)
    for other in (province_admin, sibling_city_admin, AnonymousUser()):
        assert not permissions.sees_export(other, job)


def test_subtree_filters_and_scope_roots(world, city_admin, province_admin, sibling_admin, national_admin):
    xian, shaanxi = world.orgs["xian"], world.orgs["shaanxi"]
    under_xian = set(Organisation.objects.filter(permissions.in_subtree(xian, field="")))
    assert xian in under_xian and world.orgs["xian_factory"] in under_xian
    assert world.orgs["baoji"] not in under_xian
    in_both = Organisation.objects.filter(
        permissions.in_subtrees([xian.path, world.orgs["gansu"].path], field="")
    )
    assert world.orgs["lanzhou_factory"] in set(in_both) and world.orgs["baoji"] not in set(in_both)
    assert not Organisation.objects.filter(permissions.in_subtrees([], field="")).exists()
    assert (
        Member.objects.filter(permissions.in_subtree(xian)).count()
        == Member.objects.filter(organisation__in=under_xian).count()
    )
    # scope roots: the user's own roots, narrowed to an organisation inside or above them
    assert permissions.scope_roots(city_admin) == {xian.path: xian.pk}
    assert permissions.scope_roots(city_admin, shaanxi) == {xian.path: xian.pk}
    assert permissions.scope_roots(province_admin, xian) == {xian.path: xian.pk}
    assert permissions.scope_roots(sibling_admin, xian) == {}
    assert permissions.scope_roots(national_admin, xian) == {xian.path: xian.pk}


def test_an_import_batch_is_seen_by_its_creator_and_the_operator_only(
    world, city_admin, sibling_city_admin, sibling_admin, city_viewer
):
    batch = ImportBatch.objects.create(
        organisation=world.orgs["xian"], created_by=city_admin, file_name="x.csv"
    )

    def sees(user) -> bool:
        return ImportBatch.objects.filter(permissions.visible_batches(user), pk=batch.pk).exists()

    assert sees(city_admin) and sees(world.users["operator"])
    for other in (sibling_city_admin, sibling_admin, city_viewer, AnonymousUser()):
        assert not sees(other)
