"""The subtree counters agree with the member table after every kind of change: each test
changes something through the services (or the bulk hooks) and then compares the statistics
of EVERY organisation in the tree with the same numbers computed the slow way, by plain ORM
aggregates over the member table (the code ``selectors.stats`` ran before the counters)."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from gonghui.core import crypto
from gonghui.members import counters, selectors
from gonghui.members.choices import IN_MEMBERSHIP, NEW_EMPLOYMENT_FORMS, EnrolmentStatus
from gonghui.members.choices import MembershipStatus as S
from gonghui.members.models import Enrolment, Member
from gonghui.members.services import enrolment, hooks, members, personal, transfers
from gonghui.organisations import counters as org_counters
from gonghui.organisations import services as org_services
from gonghui.organisations.choices import Kind
from gonghui.organisations.models import Organisation, SubtreeCount
from gonghui.testing import make_id_number, make_phone

pytestmark = pytest.mark.django_db


def _first_of_month_after(year: int, month: int) -> datetime.date:
    return datetime.date(year + month // 12, month % 12 + 1, 1)


def slow_stats(organisation: Organisation) -> dict:
    """The statistics by direct aggregates over the member table — the former
    ``selectors.stats``, except that ages are at month precision as the counters define them
    (someone is a year older from the first day of their birthday month)."""
    today = timezone.localdate()
    members_qs = Member.objects.filter(
        organisation__path__startswith=organisation.path, status__in=IN_MEMBERSHIP
    )
    month_start = today.replace(day=1)
    agg = members_qs.aggregate(
        total=Count("pk"),
        new_this_month=Count("pk", filter=Q(joined_on__gte=month_start)),
        migrant=Count("pk", filter=Q(is_migrant_worker=True)),
        new_forms=Count("pk", filter=Q(employment_form__in=NEW_EMPLOYMENT_FORMS)),
        female=Count("pk", filter=Q(gender="F")),
        male=Count("pk", filter=Q(gender="M")),
    )
    by_status = dict(members_qs.values_list("status").annotate(n=Count("pk")).order_by())
    by_form = dict(members_qs.values_list("employment_form").annotate(n=Count("pk")).order_by())
    bands = {}
    for label, lo, hi in counters.AGE_BANDS:
        # Age at month precision is at least ``lo`` when born before the month after
        # (today's month, ``lo`` years ago), and below ``hi`` when born in or after it.
        youngest = _first_of_month_after(today.year - lo, today.month)
        oldest = _first_of_month_after(today.year - hi, today.month)
        bands[label] = members_qs.filter(birth_date__gte=oldest, birth_date__lt=youngest).count()
    orgs = Organisation.objects.filter(path__startswith=organisation.path)
    enrol = Enrolment.objects.filter(
        organisation__path__startswith=organisation.path, status=EnrolmentStatus.PENDING
    )
    return {
        "members": agg["total"],
        "organisations": orgs.count(),
        "grassroots": orgs.filter(kind="grassroots").count(),
        "new_this_month": agg["new_this_month"],
        "migrant_workers": agg["migrant"],
        "new_employment_forms": agg["new_forms"],
        "by_gender": {"M": agg["male"], "F": agg["female"]},
        "by_status": by_status,
        "by_employment_form": by_form,
        "by_age_band": bands,
        "enrolments_pending": enrol.count(),
        "enrolments_overdue": enrol.filter(due_on__lt=today).count(),
    }


def slow_status_counts(organisation: Organisation) -> dict:
    """Every status (in membership or not) over the subtree."""
    return dict(
        Member.objects.filter(organisation__path__startswith=organisation.path)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )


def assert_consistent() -> None:
    for org in Organisation.objects.order_by("path"):
        assert selectors.stats(org) == slow_stats(org), org.name
        status = {v: n for (d, v), n in org_counters.totals(org).items() if d == counters.STATUS}
        assert status == slow_status_counts(org), org.name
    assert counters.check_all() == []


def counter_rows() -> set:
    return set(SubtreeCount.objects.exclude(n=0).values_list("organisation_id", "dimension", "value", "n"))


def new_member(world, org="xian_factory", **kw):
    data = {"name": "刘洋", "id_number": make_id_number("610113"), "phone": make_phone()}
    data.update(kw)
    return members.member_create(actor=world.users["xian"], organisation=world.orgs[org], **data)


def submit(**kw):
    data = {
        "name": "王芳",
        "id_number": make_id_number("610113", gender="F"),
        "phone": make_phone(),
        "employer": "某快递公司",
        "work_division": "610113",
        "employment_form": "courier",
    }
    data.update(kw)
    return enrolment.enrolment_submit(actor=None, **data)


# ---- the world as built ------------------------------------------------------------------


def test_the_world_fixture_starts_consistent(world):
    assert_consistent()
    national = selectors.stats(world.orgs["national"])
    assert national["members"] == 3 and national["organisations"] == 10 and national["grassroots"] == 4


def test_stats_of_any_node_take_two_queries(world, django_assert_num_queries):
    with django_assert_num_queries(2):
        selectors.stats(world.orgs["national"])


def test_a_member_write_adds_three_queries_for_the_counters(world, django_assert_num_queries):
    m = world.members["xian_worker"]
    with django_assert_num_queries(3):
        counters.member_changed({**counters.snapshot(m), "employment_form": "courier"}, m)
    with django_assert_num_queries(0):
        counters.member_changed(counters.snapshot(m), m)


def test_stats_keep_their_keys(world):
    assert set(selectors.stats(world.orgs["xian"])) == {
        "members",
        "organisations",
        "grassroots",
        "new_this_month",
        "migrant_workers",
        "new_employment_forms",
        "by_gender",
        "by_status",
        "by_employment_form",
        "by_age_band",
        "enrolments_pending",
        "enrolments_overdue",
    }


# ---- member writes -----------------------------------------------------------------------


def test_created_members_are_counted_with_every_breakdown(world):
    today = timezone.localdate()
    new_member(world, employment_form="courier", is_migrant_worker=True, joined_on=today)
    new_member(
        world,
        org="yanta_joint",
        id_number=make_id_number("610113", datetime.date(today.year - 30, today.month, 1), "F"),
        employment_form="food_delivery",
    )
    xian = selectors.stats(world.orgs["xian"])
    assert xian["members"] == 3 and xian["new_this_month"] >= 1 and xian["migrant_workers"] == 1
    assert xian["new_employment_forms"] == 2 and xian["by_employment_form"]["courier"] == 1
    assert_consistent()


def test_a_refused_create_changes_no_counter(world):
    before = counter_rows()
    with pytest.raises(ValidationError):
        new_member(world, id_number=crypto.decrypt(world.members["xian_worker"].id_number_enc))
    assert counter_rows() == before
    assert_consistent()


def test_profile_edit_of_employment_form_and_migrant_flag_moves_the_counts(world, city_admin):
    m = world.members["xian_worker"]
    members.member_update(actor=city_admin, member=m, employment_form="ride_hailing", is_migrant_worker=True)
    xian = selectors.stats(world.orgs["xian"])
    assert xian["by_employment_form"] == {"ride_hailing": 1} and xian["migrant_workers"] == 1
    assert_consistent()


def test_an_edit_of_uncounted_fields_writes_no_counter(world, city_admin):
    before = counter_rows()
    members.member_update(actor=city_admin, member=world.members["xian_worker"], job="钳工")
    assert counter_rows() == before
    assert_consistent()


@pytest.mark.parametrize("final", [S.RETAINED, S.WITHDRAWN, S.EXPELLED])
def test_status_changes_keep_counts_right(world, city_admin, final):
    m = world.members["xian_worker"]
    members.member_change_status(actor=city_admin, member=m, to_status=final, reason="退休")
    xian = selectors.stats(world.orgs["xian"])
    if final == S.RETAINED:
        assert xian["members"] == 1 and xian["by_status"] == {S.RETAINED: 1}
    else:
        assert xian["members"] == 0 and xian["by_status"] == {} and xian["by_age_band"]["35-44"] == 0
        assert org_counters.totals(world.orgs["xian"])[(counters.STATUS, final)] == 1
    assert_consistent()


def test_retained_then_withdrawn(world, city_admin):
    m = world.members["xian_worker"]
    members.member_change_status(actor=city_admin, member=m, to_status=S.RETAINED, reason="退休")
    members.member_change_status(actor=city_admin, member=m, to_status=S.WITHDRAWN, reason="本人申请")
    assert selectors.stats(world.orgs["shaanxi"])["members"] == 1
    assert_consistent()


def test_transfer_request_refuse_and_accept_across_cities(world, city_admin, sibling_city_admin):
    m = world.members["xian_worker"]
    t = transfers.transfer_request(
        actor=city_admin, member=m, to_organisation=world.orgs["baoji_factory"], reason="工作调动"
    )
    assert selectors.stats(world.orgs["xian"])["by_status"] == {S.TRANSFERRING: 1}
    assert_consistent()
    transfers.transfer_refuse(actor=city_admin, transfer=t, reason="材料不全")
    assert selectors.stats(world.orgs["xian"])["by_status"] == {S.MEMBER: 1}
    assert_consistent()
    t = transfers.transfer_request(
        actor=city_admin, member=m, to_organisation=world.orgs["baoji_factory"], reason="工作调动"
    )
    transfers.transfer_release(actor=city_admin, transfer=t)
    transfers.transfer_refuse(actor=sibling_city_admin, transfer=t, reason="不属于本单位")
    assert_consistent()
    t = transfers.transfer_request(
        actor=city_admin, member=m, to_organisation=world.orgs["baoji_factory"], reason="工作调动"
    )
    transfers.transfer_release(actor=city_admin, transfer=t)
    transfers.transfer_accept(actor=sibling_city_admin, transfer=t)
    assert selectors.stats(world.orgs["xian"])["members"] == 0
    assert selectors.stats(world.orgs["baoji"])["members"] == 2
    assert selectors.stats(world.orgs["shaanxi"])["members"] == 2
    assert_consistent()


def test_a_retained_member_transferred_stays_retained_in_the_counts(world, city_admin, sibling_city_admin):
    m = world.members["xian_worker"]
    members.member_change_status(actor=city_admin, member=m, to_status=S.RETAINED, reason="退休")
    t = transfers.transfer_request(
        actor=city_admin, member=m, to_organisation=world.orgs["baoji_factory"], reason="随子女"
    )
    transfers.transfer_release(actor=city_admin, transfer=t)
    transfers.transfer_accept(actor=sibling_city_admin, transfer=t)
    assert selectors.stats(world.orgs["baoji"])["by_status"] == {S.MEMBER: 1, S.RETAINED: 1}
    assert_consistent()


def test_enrolments_approved_and_rejoined(world, city_admin):
    e = submit()
    assert selectors.stats(world.orgs["xian"])["enrolments_pending"] == 1
    assert_consistent()
    enrolment.enrolment_approve(actor=city_admin, enrolment=e)
    assert_consistent()
    m = world.members["xian_worker"]
    members.member_change_status(actor=city_admin, member=m, to_status=S.WITHDRAWN, reason="离职")
    again = submit(
        id_number=crypto.decrypt(m.id_number_enc),
        phone=crypto.decrypt(m.phone_enc),
        employer="西安某机械厂",
        employment_form="security_guard",
    )
    assert_consistent()
    enrolment.enrolment_approve(actor=city_admin, enrolment=again)
    assert selectors.stats(world.orgs["xian"])["by_employment_form"].get("security_guard") == 1
    assert_consistent()


# ---- organisations -----------------------------------------------------------------------


def test_a_new_organisation_is_counted_up_the_tree(world, city_admin):
    org_services.organisation_create(
        actor=city_admin,
        parent=world.orgs["yanta"],
        kind=Kind.GRASSROOTS,
        code="XA-0003",
        name="西安某软件公司工会",
        division_code="610113",
    )
    assert selectors.stats(world.orgs["xian"])["grassroots"] == 3
    assert selectors.stats(world.orgs["national"])["organisations"] == 11
    assert_consistent()


def test_moving_a_subtree_between_cities_moves_its_counts(world, province_admin):
    new_member(world, org="yanta_joint", employment_form="courier")
    yanta = Organisation.objects.get(pk=world.orgs["yanta"].pk)
    baoji = Organisation.objects.get(pk=world.orgs["baoji"].pk)
    org_services.organisation_move(actor=province_admin, organisation=yanta, new_parent=baoji)
    xian = selectors.stats(Organisation.objects.get(pk=world.orgs["xian"].pk))
    assert xian["members"] == 0 and xian["organisations"] == 1
    baoji = Organisation.objects.get(pk=baoji.pk)
    assert selectors.stats(baoji)["members"] == 3 and selectors.stats(baoji)["organisations"] == 5
    assert_consistent()
    # And members added under the moved subtree count under its new ancestors.
    new_member(world, org="xian_factory")
    assert selectors.stats(Organisation.objects.get(pk=baoji.pk))["members"] == 4
    assert_consistent()


def test_a_refused_move_changes_no_counter(world, province_admin):
    before = counter_rows()
    with pytest.raises(ValidationError):
        org_services.organisation_move(
            actor=province_admin, organisation=world.orgs["xian"], new_parent=world.orgs["yanta"]
        )
    assert counter_rows() == before


# ---- bulk paths (imports and their undo) ---------------------------------------------------


def _unsaved_member(world, n: int, **kw) -> Member:
    m = Member(
        name="批量",
        organisation=world.orgs[kw.pop("org", "xian_factory")],
        member_no=f"BULK{n:07d}",
        joined_on=kw.pop("joined_on", datetime.date(2024, 5, 2)),
        **kw,
    )
    facts = personal.set_id_number(m, make_id_number("610113", datetime.date(1970 + n % 30, n % 12 + 1, 9)))
    m.gender, m.birth_date = facts.gender, facts.birth_date
    return m


def test_bulk_created_and_removed_through_the_hooks(world):
    batch = [
        _unsaved_member(
            world,
            i,
            org=("xian_factory", "yanta_joint", "baoji_factory")[i % 3],
            employment_form=("standard", "courier")[i % 2],
            is_migrant_worker=i % 4 == 0,
        )
        for i in range(30)
    ]
    with transaction.atomic():
        Member.objects.bulk_create(batch)
        hooks.members_bulk_created(batch)
    assert selectors.stats(world.orgs["shaanxi"])["members"] == 32
    assert_consistent()
    gone = batch[:12]
    with transaction.atomic():
        hooks.members_bulk_removed(gone)
        Member.objects.filter(pk__in=[m.pk for m in gone]).delete()
    assert selectors.stats(world.orgs["shaanxi"])["members"] == 20
    assert_consistent()


def test_bulk_changes_in_one_call(world):
    ms = [world.members["xian_worker"], world.members["baoji_worker"]]
    pairs = []
    for m in ms:
        before = counters.snapshot(m)
        m.employment_form = "care_worker"
        m.save(update_fields=["employment_form"])
        pairs.append((before, m))
    counters.members_changed(pairs)
    assert selectors.stats(world.orgs["shaanxi"])["by_employment_form"] == {"care_worker": 2}
    assert_consistent()


# ---- ages at month precision -----------------------------------------------------------------


def test_ages_are_counted_from_the_first_of_the_birthday_month():
    today = datetime.date(2026, 11, 25)
    assert counters.age_band("2001-11", today) == "25-34"  # 25 from 1 November
    assert counters.age_band("2001-12", today) == "<25"
    assert counters.age_band("1971-12", today) == "45-54"
    assert counters.age_band("1971-11", today) == "55+"


# ---- rebuild and check -----------------------------------------------------------------------


def test_rebuild_restores_damaged_counters_and_check_reports_them(world):
    assert counters.check_all() == []
    SubtreeCount.objects.filter(organisation=world.orgs["shaanxi"], dimension=counters.MEMBERS).update(n=99)
    SubtreeCount.objects.filter(organisation=world.orgs["gansu"], dimension=counters.GENDER).delete()
    problems = counters.check_all()
    assert {(p["dimension"], p["stored"], p["expected"]) for p in problems} >= {
        (counters.MEMBERS, 99, 2),
        (counters.GENDER, 0, 1),
    }
    with pytest.raises(CommandError):
        call_command("rebuild_counters", "--check", stdout=io.StringIO(), stderr=io.StringIO())
    out = io.StringIO()
    call_command("rebuild_counters", stdout=out)
    assert "rebuilt" in out.getvalue()
    assert_consistent()


def test_rebuild_of_a_consistent_table_writes_the_same_rows(world):
    new_member(world, employment_form="courier", is_migrant_worker=True)
    before = {r[:3]: r[3] for r in counter_rows()}
    counters.rebuild_all()
    assert {r[:3]: r[3] for r in counter_rows()} == before


def test_check_passes_on_the_seeded_demo():
    call_command("seed_demo", members=60, stdout=io.StringIO())
    out = io.StringIO()
    call_command("rebuild_counters", "--check", stdout=out)
    assert "agree" in out.getvalue()
    for org in Organisation.objects.filter(depth__lte=3):
        assert selectors.stats(org) == slow_stats(org)
