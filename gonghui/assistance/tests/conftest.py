import datetime

import pytest

from gonghui.assistance.models import DibaoStandard
from gonghui.assistance.services import dates, households, payments, reviews, workflow

TODAY = datetime.date.today()


@pytest.fixture
def dibao(db):
    """Shaanxi 低保 rows: province 800 (2025), 西安 900 (2025) then 955 (2026), 碑林 a county
    row (but not 雁塔, which falls back to 西安)."""
    rows = [
        ("610000", datetime.date(2025, 1, 1), "800"),
        ("610100", datetime.date(2025, 1, 1), "900"),
        ("610100", datetime.date(2026, 1, 1), "955"),
        ("610103", datetime.date(2026, 1, 1), "930"),
    ]
    return [DibaoStandard.objects.create(division_code=c, effective_from=d, monthly=m) for c, d, m in rows]


OPEN = {
    "housing": "private_rental",
    "main_cause": "illness",
    "secondary_causes": ["schooling"],
    "rigid_expenses": [{"kind": "medical", "monthly": "600.00"}],
    "medical_insurance": "employee",
    "head_income": "2400",
    "bank_name": "中国工商银行",
    "bank_card": "6222 0212 3456 7890 123",
    "family": [
        {
            "relation": "spouse",
            "name": "李娜",
            "monthly_income": "0",
            "employment": "unemployed",
            "health": "critical",
        },
        {"relation": "child", "name": "张小明", "employment": "student", "schooling": "compulsory"},
    ],
}


@pytest.fixture
def filed(world, city_admin, dibao):
    """张伟's household (OPEN) taken through the whole workflow to 建档 by the 西安 admin."""
    a = city_admin
    h = households.household_open(actor=a, head=world.members["xian_worker"], **OPEN)
    workflow.household_screen(actor=a, household=h, approve=True)
    workflow.household_visit(actor=a, household=h, visited_on=TODAY, visitor="王干事", consent_signed=True)
    workflow.household_review(actor=a, household=h, approve=True)
    workflow.household_publicise(actor=a, household=h, start=TODAY - datetime.timedelta(days=20))
    return workflow.household_file(actor=a, household=h)


@pytest.fixture
def left(city_admin, filed):
    """The filed household out of hardship: six months above 低保, then its periodic review."""
    first = TODAY.replace(day=1)
    for i in range(6, 0, -1):
        payments.income_record(
            actor=city_admin, household=filed, month=dates.add_months(first, -i), income="4500"
        )
    h = reviews.household_periodic_review(actor=city_admin, household=filed)
    assert h.status == "left"
    return h


# The worker's application page as a browser posts it, without its family cards (``p-*``
# cards and ``p-TOTAL_FORMS`` are added by each test).
APPLY = {
    "housing": "own",
    "main_cause": "illness",
    "medical_insurance": "employee",
    "head_income": "1800",
    "head_employment": "employed",
    "medical": "300",
    "schooling": "0",
    "disability_care": "0",
    "p-INITIAL_FORMS": "0",
    "p-MIN_NUM_FORMS": "0",
    "p-MAX_NUM_FORMS": "10",
}
