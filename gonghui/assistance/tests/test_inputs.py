"""The assistance services read their input with the one vocabulary (``core.inputs``): the same
mistake gets the same code as in every app, named by its field, and nothing is written. Opening
and editing a file tell every problem of the input at once."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from gonghui.assistance.models import FamilyMember, Household, HouseholdAttachment, Payment, RiskAlert
from gonghui.assistance.services import (
    attachments,
    dates,
    editing,
    households,
    monitoring,
    payments,
    workflow,
)
from gonghui.assistance.tests.conftest import OPEN
from gonghui.assistance.tests.test_api import post
from gonghui.core.models import AuditEntry
from gonghui.testing import api_for

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def refused(call) -> dict[str, str]:
    """``{field: code}`` of the ValidationError ``call()`` raises."""
    with pytest.raises(ValidationError) as exc:
        call()
    return {field: errors[0].code for field, errors in exc.value.error_dict.items()}


@pytest.fixture
def opened(world, city_admin, dibao):
    return households.household_open(actor=city_admin, head=world.members["xian_worker"], **OPEN)


def test_a_missing_reason_visitor_or_file_is_required(city_admin, opened):
    audits = AuditEntry.objects.count()
    assert refused(lambda: workflow.household_screen(actor=city_admin, household=opened, approve=False)) == {
        "reason": "required"
    }
    assert refused(lambda: workflow.household_close(actor=city_admin, household=opened, reason="  ")) == {
        "reason": "required"
    }
    workflow.household_screen(actor=city_admin, household=opened, approve=True)
    visit = {"visited_on": TODAY, "visitor": " ", "consent_signed": True}
    assert refused(lambda: workflow.household_visit(actor=city_admin, household=opened, **visit)) == {
        "visitor": "required"
    }
    visit = {"visited_on": TODAY + datetime.timedelta(days=1), "visitor": "王干事", "consent_signed": True}
    assert refused(lambda: workflow.household_visit(actor=city_admin, household=opened, **visit)) == {
        "visited_on": "date_future"
    }
    add = {"actor": city_admin, "household": opened, "kind": "other", "upload": None}
    assert refused(lambda: attachments.attachment_add(**add)) == {"file": "required"}
    assert refused(lambda: attachments.attachment_add(**add | {"kind": ""})) == {"kind": "required"}
    opened.refresh_from_db()
    assert opened.status == "screened" and not HouseholdAttachment.objects.exists()
    assert AuditEntry.objects.count() == audits + 1  # the screening only


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"amount": "12.345"}, "amount", "amount_precision"),
        ({"amount": "0"}, "amount", "amount_zero"),
        ({"amount": "1e8"}, "amount", "amount_too_large"),
        ({"kind": "gold"}, "kind", "invalid_choice"),
        ({"paid_on": TODAY + datetime.timedelta(days=1)}, "paid_on", "date_future"),
        ({"paid_on": "yesterday"}, "paid_on", "date_invalid"),
    ],
)
def test_a_bad_payment_gets_the_vocabularys_code(city_admin, filed, change, field, code):
    audits = AuditEntry.objects.count()
    payment = {"kind": "living", "amount": "500", "paid_on": TODAY} | change
    assert refused(lambda: payments.payment_record(actor=city_admin, household=filed, **payment)) == {
        field: code
    }
    assert not Payment.objects.exists() and AuditEntry.objects.count() == audits


def test_a_future_month_or_a_bad_income_is_refused(city_admin, filed):
    month = dates.add_months(TODAY.replace(day=1), 1)
    assert refused(
        lambda: payments.income_record(actor=city_admin, household=filed, month=month, income="1")
    ) == {"month": "date_future"}
    assert refused(
        lambda: payments.income_record(actor=city_admin, household=filed, month=TODAY, income="-1")
    ) == {"income": "amount_negative"}
    assert not filed.incomes.exists()


@pytest.mark.parametrize(
    ("extra", "code"), [(21, "number_too_large"), (-1, "number_too_small"), (True, "number_invalid")]
)
def test_extra_dependants_are_a_whole_number_from_0_to_20(city_admin, left, extra, code):
    assert refused(
        lambda: monitoring.risk_check(actor=city_admin, household=left, extra_dependants=extra)
    ) == {"extra_dependants": code}
    assert not RiskAlert.objects.exists()


def test_opening_a_file_names_every_problem_at_once(world, city_admin, dibao):
    bad = OPEN | {
        "housing": "castle",
        "head_income": "1.234",
        "bank_card": "1234",
        "rigid_expenses": [{"kind": "medical", "monthly": "-1"}],
        "family": [
            {"relation": "spouse", "name": "李娜", "employment": "unemployed"},
            {
                "relation": "cousin",
                "name": "=1",
                "employment": "student",
                "disabled": False,
                "disability_grade": 2,
            },
        ],
    }
    codes = refused(
        lambda: households.household_open(actor=city_admin, head=world.members["xian_worker"], **bad)
    )
    assert codes == {
        "housing": "invalid_choice",
        "rigid_expenses.0.monthly": "amount_negative",
        "bank_card": "bank_card_invalid",
        "head_income": "amount_precision",
        "family.1.name": "name_invalid_character",
        "family.1.relation": "invalid_choice",
        "family.1.disability_grade": "invalid_choice",  # a grade only with a disability
    }
    assert not Household.objects.exists() and not FamilyMember.objects.exists()


def test_the_api_lists_every_problem_of_an_application(world, dibao):
    body = {
        "head": str(world.members["xian_worker"].pk),
        "housing": "castle",
        "main_cause": "illness",
        "medical_insurance": "employee",
        "bank_card": "12",
        "family": [{"relation": "spouse", "name": "李娜", "employment": "unemployed", "monthly_income": "x"}],
    }
    r = post(api_for("xian"), "/api/v1/assistance/households", body)
    assert r.status_code == 400
    data = r.json()
    assert (data["code"], data["detail"].split(":")[0]) == ("invalid_choice", "housing")
    assert {(e["field"], e["code"]) for e in data["errors"]} == {
        ("housing", "invalid_choice"),
        ("bank_card", "bank_card_invalid"),
        ("family.0.monthly_income", "amount_invalid"),
    }
    assert not Household.objects.exists()


def test_an_edit_names_every_problem_at_once_and_writes_nothing(city_admin, opened):
    audits = AuditEntry.objects.count()
    changes = {
        "main_cause": "luck",
        "event_compensation": "-3",
        "family": [{"id": "nobody", "name": "李娜"}, "x"],
    }
    codes = refused(lambda: editing.household_edit(actor=city_admin, household=opened, changes=changes))
    assert codes == {
        "main_cause": "invalid_choice",
        "event_compensation": "amount_negative",
        "family.0.id": "person_unknown",
        "family.1": "invalid",
    }
    assert AuditEntry.objects.count() == audits and opened.people.count() == 3
