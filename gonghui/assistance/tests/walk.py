"""Assistance's part of the URL walk (gonghui/tests/urlwalk.py): the hardship file of 张伟
with a payment, incomes, an attachment and an open alert, and the 低保 of 西安. The worker's
own application page is open to any signed-in user by design (test_walk.py)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.assistance import models
from gonghui.assistance.services import (
    attachments,
    dates,
    dibao,
    households,
    monitoring,
    payments,
    reviews,
    workflow,
)
from gonghui.assistance.tests.conftest import OPEN


def xian_objects(world) -> dict:
    """The hardship file of 张伟 (西安某机械厂): filed, paid once, then out of hardship after six
    months above 低保 and flagged by the 防止返困 check with an open alert."""
    admin = world.users["xian"]
    dibao.dibao_set(
        actor=world.users["shaanxi"],
        division_code="610100",
        effective_from=datetime.date(2025, 1, 1),
        monthly="900",
    )
    today = datetime.date.today()
    household = households.household_open(actor=admin, head=world.members["xian_worker"], **OPEN)
    workflow.household_screen(actor=admin, household=household, approve=True)
    workflow.household_visit(
        actor=admin, household=household, visited_on=today, visitor="王干事", consent_signed=True
    )
    workflow.household_review(actor=admin, household=household, approve=True)
    workflow.household_publicise(actor=admin, household=household, start=today - datetime.timedelta(days=20))
    workflow.household_file(actor=admin, household=household)
    payment = payments.payment_record(
        actor=admin,
        household=household,
        kind="living",
        amount="800",
        paid_on=today,
        note="西安困难职工春节慰问",
    )
    first = today.replace(day=1)
    for months_ago in range(6, 0, -1):
        payments.income_record(
            actor=admin,
            household=household,
            month=dates.add_months(first, -months_ago),
            income="4500",
        )
    household = reviews.household_periodic_review(actor=admin, household=household)
    assert household.status == "left"
    _risk, alert = monitoring.risk_check(actor=admin, household=household, job_loss=True, accident=True)
    assert alert is not None
    document = attachments.attachment_add(
        actor=admin,
        household=household,
        kind="income_proof",
        upload=SimpleUploadedFile("收入证明.pdf", b"%PDF-1.4 walk"),
    )
    return {
        "household_id": household.pk,
        "document_id": document.pk,
        "payment_id": payment.pk,
        "alert_id": alert.pk,
        # every button of the household page
        "name": ["screen", "review", "publicise", "file", "periodic_review", "close", "reopen"],
        "household_secrets": ["6222021234567890123", "6222 0212 3456 7890 123"],  # the bank card
    }


# The household's child (the head is 张伟, the spouse 李娜: the members' markers), its payment
# note.
MARKERS = ["张小明", "西安困难职工春节慰问"]

# The signed-in worker's own application page: their own file or the form, never anyone
# else's (officers without a member record see a notice).
PUBLIC_PAGES = {"assistance:apply"}

LIST_QUERIES = [
    ("assistance:queue", "?status=left"),
    ("assistance:queue", "?overdue=1"),
    ("assistance:dibao", "?division=6101"),
    ("audit", "?object={household_id}"),
]

FORM_POST = {
    "approve": "1",
    "visited_on": "2026-01-01",
    "visitor": "walk",
    "consent_signed": "on",
    "paid_on": "2026-01-01",
    "effective_from": "2026-01-01",
    "monthly": "955",
}

# The 低保 of 西安, a second file for 张伟, the buttons of 张伟's file.
API_BODIES = {
    ("POST", "assistance/dibao"): {
        "division_code": "610100",
        "effective_from": "2026-01-01",
        "monthly": "955",
    },
    ("POST", "assistance/households"): {
        "head": "{member_id}",
        "housing": "own",
        "main_cause": "illness",
        "medical_insurance": "employee",
    },
    ("POST", "assistance/households/{household_id}/screen"): {"approve": True},
    ("POST", "assistance/households/{household_id}/visit"): {
        "visited_on": "2026-01-01",
        "visitor": "walk",
        "consent_signed": True,
    },
    ("POST", "assistance/households/{household_id}/review"): {"approve": True},
    ("POST", "assistance/households/{household_id}/publicise"): {},
    ("POST", "assistance/households/{household_id}/file"): None,
    ("POST", "assistance/households/{household_id}/close"): {"reason": "walk"},
    ("POST", "assistance/households/{household_id}/periodic-review"): None,
    ("POST", "assistance/households/{household_id}/payments"): {
        "kind": "living",
        "amount": "1",
        "paid_on": "2026-01-01",
    },
    ("POST", "assistance/households/{household_id}/incomes"): {"month": "2026-01-01", "income": "1"},
    ("POST", "assistance/households/{household_id}/bank-card/reveal"): None,
    ("POST", "assistance/households/{household_id}/risk"): {"job_loss": True, "accident": True},
    ("POST", "assistance/alerts/{alert_id}/close"): {"outcome": "walk"},
    ("PATCH", "assistance/households/{household_id}"): {"housing": "own"},
    ("POST", "assistance/households/{household_id}/reopen"): {"reason": "walk"},
    ("POST", "assistance/households/{household_id}/attachments"): {"kind": "other"},
}

API_SEARCHES = {"list_households": {"status": "left"}}

COUNTED = [
    models.DibaoStandard,
    models.Household,
    models.FamilyMember,
    models.HouseholdEvent,
    models.MonthlyIncome,
    models.Payment,
    models.RiskAlert,
    models.HouseholdAttachment,
]


def snapshot(values: dict) -> tuple:
    household = models.Household.objects.get(pk=values["household_id"])
    return (
        (household.status, household.category, household.bank_card_enc, household.next_review_on),
        models.RiskAlert.objects.get(pk=values["alert_id"]).closed_at,
    )
