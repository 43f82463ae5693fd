import datetime

import pytest

from gonghui.assistance.models import DibaoStandard


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
