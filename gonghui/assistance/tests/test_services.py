import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from gonghui.assistance.models import (
    DibaoStandard,
    FamilyMember,
    Household,
    HouseholdEvent,
    MonthlyIncome,
    Payment,
)
from gonghui.assistance.services import bank_cards, dates, households, payments, reviews, workflow
from gonghui.assistance.services import dibao as dibao_services
from gonghui.assistance.tests.conftest import OPEN
from gonghui.core import crypto
from gonghui.core.models import AuditEntry
from gonghui.organisations import services as org_services
from gonghui.organisations.choices import Role
from gonghui.testing import make_id_number, make_user

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


# ---- 低保 table ------------------------------------------------------------------------


def test_lookup_takes_latest_row_in_force_on_the_date(dibao):
    assert dibao_services.lookup("610100", datetime.date(2025, 12, 31)).monthly == D("900")
    assert dibao_services.lookup("610100", datetime.date(2026, 1, 1)).monthly == D("955")


def test_lookup_prefers_county_then_city_then_province(dibao):
    on = datetime.date(2026, 6, 1)
    assert dibao_services.lookup("610103", on).monthly == D("930")  # county row
    assert dibao_services.lookup("610113", on).monthly == D("955")  # no county row → 西安
    assert dibao_services.lookup("610302", on).monthly == D("800")  # 宝鸡 has none → 陕西
    # before the county's own row existed, the county uses its city's
    assert dibao_services.lookup("610103", datetime.date(2025, 6, 1)).monthly == D("900")


def test_lookup_a_newer_city_row_replaces_an_older_county_row(db):
    rows = [
        ("610103", datetime.date(2024, 1, 1), "850"),  # 碑林 county row, old
        ("610100", datetime.date(2025, 7, 1), "955"),  # 西安 raised later
        ("610000", datetime.date(2026, 1, 1), "990"),  # the province later still
        ("610113", datetime.date(2026, 1, 1), "970"),  # 雁塔 on the same day as the province
    ]
    for code, day, monthly in rows:
        DibaoStandard.objects.create(division_code=code, effective_from=day, monthly=monthly)
    assert dibao_services.lookup("610103", datetime.date(2025, 6, 30)).monthly == D("850")
    assert dibao_services.lookup("610103", datetime.date(2025, 7, 1)).monthly == D("955")
    assert dibao_services.lookup("610103", datetime.date(2026, 1, 1)).monthly == D("990")
    # same effective date: the most specific division wins
    assert dibao_services.lookup("610113", datetime.date(2026, 1, 1)).monthly == D("970")
    assert dibao_services.lookup("610113", datetime.date(2025, 12, 31)).monthly == D("955")


def test_lookup_before_any_row_or_elsewhere_is_none(dibao):
    assert dibao_services.lookup("610100", datetime.date(2024, 12, 31)) is None
    assert dibao_services.lookup("620102", datetime.date(2026, 6, 1)) is None
    with pytest.raises(ValidationError) as exc:
        dibao_services.monthly_for("620102", datetime.date(2026, 6, 1))
    assert exc.value.error_dict["division"][0].code == "dibao_missing"


def test_admin_sets_dibao_for_their_area_and_it_is_audited(city_admin, province_admin):
    row = dibao_services.dibao_set(
        actor=city_admin,
        division_code="610113",
        effective_from=datetime.date(2026, 1, 1),
        monthly="950",
    )
    assert row.monthly == D("950.00")
    dibao_services.dibao_set(
        actor=province_admin,
        division_code="610113",
        effective_from=datetime.date(2026, 1, 1),
        monthly="951",
    )
    assert DibaoStandard.objects.get().monthly == D("951.00")
    assert AuditEntry.objects.filter(action="assistance.dibao.set").count() == 2


@pytest.mark.parametrize("persona", ["sibling_city_admin", "sibling_admin", "city_officer", "member_user"])
def test_others_cannot_set_dibao(request, persona):
    with pytest.raises(PermissionDenied):
        dibao_services.dibao_set(
            actor=request.getfixturevalue(persona),
            division_code="610113",
            effective_from=TODAY,
            monthly="950",
        )
    assert not DibaoStandard.objects.exists()


@pytest.mark.parametrize(
    ("code", "monthly", "field"),
    [
        ("999999", "900", "division_code"),
        ("610113", "-1", "monthly"),
        ("610113", "0", "monthly"),
        ("610113", "x", "monthly"),
    ],
)
def test_bad_dibao_input_names_the_field_and_writes_nothing(province_admin, code, monthly, field):
    with pytest.raises(ValidationError) as exc:
        dibao_services.dibao_set(
            actor=province_admin, division_code=code, effective_from=TODAY, monthly=monthly
        )
    assert field in exc.value.error_dict
    assert not DibaoStandard.objects.exists()
    assert not AuditEntry.objects.filter(action="assistance.dibao.set").exists()


# ---- opening a file --------------------------------------------------------------------


def open_file(world, actor="xian_officer", member="xian_worker", **overrides):
    return households.household_open(
        actor=world.users[actor], head=world.members[member], **{**OPEN, **overrides}
    )


def test_officer_opens_a_file_with_category_and_masked_bank_card(world, dibao):
    h = open_file(world, source="discovered")
    assert h.file_no.startswith(f"KN{TODAY:%Y}")
    assert h.organisation == world.orgs["xian_factory"]
    assert h.source == "discovered" and h.status == "applied"
    # (2400 − 600) / 3 = 600 < 955 (西安 2026, 雁塔 has no row of its own)
    assert (h.category, h.per_capita_income, h.dibao_monthly) == ("deep", D("600.00"), D("955.00"))
    assert "600.00" in h.category_explanation and "955.00" in h.category_explanation
    assert h.bank_card_masked == "622202*********0123"
    assert "6222021234567890123" not in h.bank_card_enc
    assert crypto.decrypt(h.bank_card_enc) == "6222021234567890123"
    assert h.people.count() == 3
    assert h.people.get(relation="self").id_number_hash == world.members["xian_worker"].id_number_hash
    assert AuditEntry.objects.filter(action="assistance.household.opened", object_id=str(h.pk)).exists()
    assert HouseholdEvent.objects.filter(household=h, kind="opened").exists()


def test_worker_applies_for_their_own_household(world, dibao):
    h = open_file(world, actor="member", source="discovered")
    assert h.source == "application"


def test_worker_cannot_open_a_file_for_someone_else(world, dibao):
    with pytest.raises(Http404):
        open_file(world, actor="member", member="baoji_worker")
    assert not Household.objects.exists()


def test_sibling_admin_cannot_open_a_file_for_a_xian_member(world, dibao):
    # the head is not visible to Baoji at all: 404, as the API's member look-up answers
    with pytest.raises(Http404):
        open_file(world, actor="baoji")
    assert not Household.objects.exists()


def test_duplicate_head_is_refused_with_the_existing_file_number(world, dibao):
    first = open_file(world)
    with pytest.raises(ValidationError) as exc:
        open_file(world, family=[])
    assert exc.value.code == "duplicate" and first.file_no in exc.value.message
    assert Household.objects.count() == 1 and FamilyMember.objects.count() == 3


def test_family_member_already_in_another_file_is_refused(world, dibao):
    shared = make_id_number("610113", datetime.date(2015, 1, 1), "F")
    first = open_file(
        world, family=[{"relation": "child", "name": "王芳", "id_number": shared, "employment": "student"}]
    )
    world.members["baoji_worker"].organisation  # noqa: B018
    with pytest.raises(ValidationError) as exc:
        open_file(
            world,
            actor="shaanxi",
            member="baoji_worker",
            family=[{"relation": "child", "name": "王芳", "id_number": shared, "employment": "student"}],
        )
    assert first.file_no in exc.value.message
    assert Household.objects.count() == 1


def test_family_id_number_is_encrypted_and_masked(world, dibao):
    number = make_id_number("610113", datetime.date(2015, 1, 1), "F")
    h = open_file(
        world, family=[{"relation": "child", "name": "王芳", "id_number": number, "employment": "student"}]
    )
    child = h.people.get(relation="child")
    assert child.id_number_masked != number and child.id_number_masked.endswith(number[-4:])
    assert crypto.decrypt(child.id_number_enc) == number


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"housing": "castle"}, "housing"),
        ({"head_income": "-5"}, "head_income"),
        ({"bank_card": "1234"}, "bank_card"),
        ({"rigid_expenses": [{"kind": "medical", "monthly": "abc"}]}, "rigid_expenses.0.monthly"),
        ({"family": [{"relation": "spouse", "name": "", "employment": "employed"}]}, "family.0.name"),
        (
            {
                "family": [
                    {"relation": "spouse", "name": "李明", "id_number": "123", "employment": "employed"}
                ]
            },
            "family.0.id_number",
        ),
        ({"event_kind": "flood"}, "event_kind"),
        ({"family": [{"relation": "child", "name": "<b>x</b>", "employment": "student"}]}, "family.0.name"),
        ({"family": [{"relation": "child", "name": "孩子1", "employment": "student"}]}, "family.0.name"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(world, dibao, override, field):
    with pytest.raises(ValidationError) as exc:
        open_file(world, **override)
    assert field in exc.value.error_dict
    assert not Household.objects.exists() and not FamilyMember.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="assistance.").exists()


def test_no_dibao_for_the_unions_division_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        open_file(world)
    assert exc.value.error_dict["division"][0].code == "dibao_missing"
    assert not Household.objects.exists()


def test_bank_card_reveal_needs_reveal_pii_and_is_logged(
    world, city_officer, sibling_city_admin, city_admin, dibao
):
    h = open_file(world)
    with pytest.raises(PermissionDenied):
        bank_cards.bank_card_reveal(actor=city_officer, household=h)
    with pytest.raises(Http404):
        bank_cards.bank_card_reveal(actor=sibling_city_admin, household=h)
    assert bank_cards.bank_card_reveal(actor=city_admin, household=h) == "6222021234567890123"
    assert AuditEntry.objects.filter(action="assistance.household.bank_card_revealed").count() == 1


# ---- workflow --------------------------------------------------------------------------


def factory_officer(world):
    user = make_user("factory_officer")
    org_services.role_assign(
        actor=None, user=user, organisation=world.orgs["xian_factory"], role=Role.OFFICER
    )
    return user


def to_filed(world, h):
    officer = factory_officer(world)
    h = workflow.household_screen(actor=officer, household=h, approve=True)
    h = workflow.household_visit(
        actor=officer, household=h, visited_on=TODAY, visitor="王干事", consent_signed=True
    )
    upper = world.users["xian_officer"]
    h = workflow.household_review(actor=upper, household=h, approve=True)
    h = workflow.household_publicise(actor=upper, household=h, start=TODAY - datetime.timedelta(days=14))
    h = workflow.household_file(actor=upper, household=h)
    return h


def test_full_workflow_to_filed(world, dibao):
    h = to_filed(world, open_file(world))
    assert h.status == "filed" and h.filed_on == TODAY
    assert h.next_review_on == dates.add_months(TODAY, 6)
    assert h.consent_signed and h.visitor == "王干事"
    assert h.notice_until > h.notice_from
    kinds = list(h.events.values_list("kind", flat=True))
    assert kinds == ["opened", "screened", "visited", "reviewed", "publicised", "filed"]
    assert (
        AuditEntry.objects.filter(action__startswith="assistance.household.", object_id=str(h.pk)).count()
        == 6
    )


def test_visit_without_consent_cannot_proceed(world, dibao):
    h = open_file(world)
    officer = factory_officer(world)
    workflow.household_screen(actor=officer, household=h, approve=True)
    with pytest.raises(ValidationError) as exc:
        workflow.household_visit(
            actor=officer, household=h, visited_on=TODAY, visitor="王干事", consent_signed=False
        )
    assert exc.value.error_dict["consent_signed"][0].code == "consent_required"
    h.refresh_from_db()
    assert h.status == "screened" and not h.consent_signed


def test_grassroots_union_cannot_do_the_upper_review(world, sibling_city_admin, dibao):
    h = open_file(world)
    officer = factory_officer(world)
    workflow.household_screen(actor=officer, household=h, approve=True)
    workflow.household_visit(
        actor=officer, household=h, visited_on=TODAY, visitor="王干事", consent_signed=True
    )
    with pytest.raises(PermissionDenied):
        workflow.household_review(actor=officer, household=h, approve=True)
    with pytest.raises(Http404):
        workflow.household_review(actor=sibling_city_admin, household=h, approve=True)
    h.refresh_from_db()
    assert h.status == "visited"


def test_steps_out_of_order_are_refused(world, city_admin, dibao):
    h = open_file(world)
    with pytest.raises(ValidationError) as exc:
        workflow.household_visit(
            actor=city_admin, household=h, visited_on=TODAY, visitor="x", consent_signed=True
        )
    assert exc.value.code == "bad_status"
    with pytest.raises(ValidationError):
        payments.payment_record(actor=city_admin, household=h, kind="living", amount="500", paid_on=TODAY)
    assert not Payment.objects.exists()


def test_filing_waits_for_the_public_notice(world, city_officer, dibao):
    h = open_file(world)
    officer = factory_officer(world)
    workflow.household_screen(actor=officer, household=h, approve=True)
    workflow.household_visit(
        actor=officer, household=h, visited_on=TODAY, visitor="王干事", consent_signed=True
    )
    upper = city_officer
    workflow.household_review(actor=upper, household=h, approve=True)
    h = workflow.household_publicise(actor=upper, household=h, start=datetime.date(2026, 9, 29))
    # 5 working days from Tue 29 Sep 2026 across the National Day holiday (1–7 Oct off; Sat 10 Oct worked)
    assert h.notice_until == datetime.date(2026, 10, 10)
    with pytest.raises(ValidationError) as exc:
        workflow.household_file(actor=upper, household=h, on=datetime.date(2026, 10, 10))
    assert exc.value.code == "notice_running"
    assert workflow.household_file(actor=upper, household=h, on=datetime.date(2026, 10, 11)).status == "filed"


def test_screening_rejection_closes_with_reason(world, city_admin, dibao):
    h = open_file(world)
    with pytest.raises(ValidationError):
        workflow.household_screen(actor=city_admin, household=h, approve=False, note="")
    h = workflow.household_screen(actor=city_admin, household=h, approve=False, note="收入超标")
    assert h.status == "closed" and h.close_reason == "收入超标"
    assert Household.objects.filter(pk=h.pk).exists()


def test_payments_recorded_against_a_filed_file(world, city_officer, sibling_city_admin, city_admin, dibao):
    h = to_filed(world, open_file(world))
    p = payments.payment_record(
        actor=city_officer, household=h, kind="critical_illness", amount="3000", paid_on=TODAY
    )
    assert p.amount == D("3000.00") and p.household == h
    with pytest.raises(Http404):
        payments.payment_record(
            actor=sibling_city_admin, household=h, kind="living", amount="1", paid_on=TODAY
        )
    with pytest.raises(ValidationError) as exc:
        payments.payment_record(actor=city_admin, household=h, kind="living", amount="-1", paid_on=TODAY)
    assert "amount" in exc.value.error_dict
    assert Payment.objects.count() == 1
    assert AuditEntry.objects.filter(action="assistance.payment.recorded").count() == 1


def _months_back(n):
    first = TODAY.replace(day=1)
    return [dates.add_months(first, -i) for i in range(n, 0, -1)]


def test_six_consecutive_months_above_dibao_leave_hardship(world, city_officer, dibao):
    h = to_filed(world, open_file(world))
    officer = city_officer
    for month in _months_back(6):
        payments.income_record(actor=officer, household=h, month=month, income="3000")  # 1000 a head > 955
    assert reviews.months_above_dibao(h) == 6
    h = reviews.household_periodic_review(actor=officer, household=h)
    assert h.status == "left" and h.left_on == TODAY and h.next_review_on is None


def test_five_months_or_a_gap_do_not_leave_hardship(world, city_officer, dibao):
    h = to_filed(world, open_file(world))
    officer = city_officer
    months = _months_back(7)
    for i, month in enumerate(months):
        income = "2865" if i == 1 else "3000"  # month 2: exactly 955 a head, not above
        payments.income_record(actor=officer, household=h, month=month, income=income)
    assert reviews.months_above_dibao(h) == 5
    h = reviews.household_periodic_review(actor=officer, household=h)
    assert h.status == "filed" and h.next_review_on == dates.add_months(TODAY, 6)
    assert MonthlyIncome.objects.filter(household=h).count() == 7


def test_six_old_months_above_dibao_followed_by_a_gap_do_not_leave_hardship(world, city_officer, dibao):
    h = to_filed(world, open_file(world))
    officer = city_officer
    for month in _months_back(9)[:6]:  # nine to four months ago; the last three not recorded
        payments.income_record(actor=officer, household=h, month=month, income="3000")
    assert reviews.months_above_dibao(h) == 0
    h = reviews.household_periodic_review(actor=officer, household=h)
    assert h.status == "filed"


def test_the_six_months_end_with_the_month_before_the_review(world, city_officer, dibao):
    h = to_filed(world, open_file(world))
    officer = city_officer
    for month in _months_back(6):
        payments.income_record(actor=officer, household=h, month=month, income="3000")
    # the current month recorded too does not matter; a review a month later misses one
    payments.income_record(actor=officer, household=h, month=TODAY, income="3000")
    assert reviews.months_above_dibao(h, TODAY) == 6
    assert reviews.months_above_dibao(h, dates.add_months(TODAY, 1)) == 6
    assert reviews.months_above_dibao(h, dates.add_months(TODAY, 2)) == 0  # last month not recorded


def test_a_month_at_exactly_dibao_within_the_six_keeps_the_file(world, city_officer, dibao):
    h = to_filed(world, open_file(world))
    officer = city_officer
    for i, month in enumerate(_months_back(6)):
        income = "2865" if i == 3 else "3000"  # 2865 / 3 = 955.00, exactly 低保
        payments.income_record(actor=officer, household=h, month=month, income=income)
    assert reviews.months_above_dibao(h) == 2
    assert reviews.household_periodic_review(actor=officer, household=h).status == "filed"


def test_the_six_months_use_the_dibao_in_force_in_each_month(world, city_officer, dibao):
    h = to_filed(world, open_file(world))
    officer = city_officer
    for month in _months_back(6):
        payments.income_record(actor=officer, household=h, month=month, income="3000")  # 1000 a head
    # a corrected standard of 1000 from three months ago: those months are no longer above it
    DibaoStandard.objects.create(division_code="610113", effective_from=_months_back(3)[0], monthly="1000")
    assert reviews.months_above_dibao(h) == 0
    assert reviews.household_periodic_review(actor=officer, household=h).status == "filed"


def test_a_future_month_is_refused(world, city_officer, dibao):
    h = to_filed(world, open_file(world))
    with pytest.raises(ValidationError) as exc:
        payments.income_record(actor=city_officer, household=h, month=dates.add_months(TODAY, 1), income="1")
    assert "month" in exc.value.error_dict
    assert not MonthlyIncome.objects.exists()


def test_periodic_review_recategorises(world, city_officer, dibao):
    h = to_filed(world, open_file(world))
    person = h.people.get(relation="spouse")
    assert h.category == "deep"
    person.monthly_income = D("1200")
    person.save()
    h = reviews.household_periodic_review(actor=city_officer, household=h)
    # (2400 + 1200 − 600) / 3 = 1000.00: not below 955, within 2 × 955
    assert h.status == "filed"
    assert (h.category, h.per_capita_income) == ("relative", D("1000.00"))
    assert h.events.filter(kind="reviewed_periodic").exists()


def test_overdue_reviews_are_listed_per_union(world, city_admin, sibling_city_admin, dibao):
    from gonghui.assistance import selectors

    h = to_filed(world, open_file(world))
    Household.objects.filter(pk=h.pk).update(next_review_on=TODAY - datetime.timedelta(days=1))
    assert list(selectors.overdue_reviews(city_admin)) == [h]
    assert list(selectors.overdue_reviews(sibling_city_admin)) == []


def test_close_with_reason_never_deletes(world, city_admin, dibao):
    h = to_filed(world, open_file(world))
    h = workflow.household_close(actor=city_admin, household=h, reason="迁出本市")
    assert h.status == "closed" and Household.objects.filter(pk=h.pk).exists()
    with pytest.raises(ValidationError):
        workflow.household_close(actor=city_admin, household=h, reason="again")
