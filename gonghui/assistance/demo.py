"""Demo data: a 低保 table for Shaanxi and Gansu, and hardship households in every category and
state, built through the services (seed_demo calls :func:`build`)."""

import datetime
import random

from django.utils import timezone

from gonghui.assistance.choices import Status
from gonghui.assistance.services import dates, households, monitoring, payments, reviews, workflow
from gonghui.assistance.services import dibao as dibao_services
from gonghui.members.models import Member
from gonghui.organisations.models import Organisation

# (division, effective from, yuan a month, source); 西安 2026 is 955, a county a little lower.
DIBAO = [
    ("610000", datetime.date(2025, 1, 1), "760", "陕西省城市低保指导标准（演示）"),
    ("610000", datetime.date(2026, 1, 1), "800", "陕西省城市低保指导标准（演示）"),
    ("610100", datetime.date(2025, 1, 1), "900", "西安市民政局（演示）"),
    ("610100", datetime.date(2026, 1, 1), "955", "西安市民政局（演示）"),
    ("610122", datetime.date(2026, 1, 1), "880", "蓝田县（演示）"),
    ("610300", datetime.date(2026, 1, 1), "850", "宝鸡市民政局（演示）"),
    ("620000", datetime.date(2025, 1, 1), "720", "甘肃省城市低保指导标准（演示）"),
    ("620100", datetime.date(2026, 1, 1), "830", "兰州市民政局（演示）"),
]

SPOUSES = ["李秀英", "王桂兰", "刘芳", "陈静", "杨丽", "赵敏", "黄霞", "周娟"]
CHILDREN = ["张子涵", "王一诺", "李浩然", "刘思雨", "陈宇轩", "杨梓萱", "赵俊杰", "黄欣怡"]


def _members(tree, code: str, n: int) -> list[Member]:
    """``n`` members of the union ``code`` and its subtree without a login or a file yet."""
    # read again: the tree's instance was built before its children (treebeard counts them)
    root = Organisation.objects.get(pk=tree.by_code[code].pk)
    return list(
        Member.objects.filter(
            organisation__in=Organisation.get_tree(root), user__isnull=True, hardship_file__isnull=True
        )
        .select_related("organisation")
        .order_by("member_no")[:n]
    )


def _household(rng, *, head_income, spouse_income, expenses, children=1, **extra) -> dict:
    family = [
        {
            "relation": "spouse",
            "name": rng.choice(SPOUSES),
            "monthly_income": spouse_income,
            "employment": "employed" if spouse_income != "0" else "unemployed",
            "health": extra.pop("spouse_health", "healthy"),
        }
    ]
    for _ in range(children):
        family.append(
            {
                "relation": "child",
                "name": rng.choice(CHILDREN),
                "employment": "student",
                "schooling": "compulsory",
            }
        )
    return {
        "housing": rng.choice(["own", "public_rental", "private_rental"]),
        "medical_insurance": "employee",
        "head_income": head_income,
        "rigid_expenses": expenses,
        "bank_name": "中国工商银行",
        "bank_card": "622202" + "".join(str(rng.randrange(10)) for _ in range(13)),
        "family": family,
        **extra,
    }


def _advance(actor, h, until: str, *, filed_days_ago: int = 0):
    today = timezone.localdate()
    steps = [Status.SCREENED, Status.VISITED, Status.REVIEWED, Status.PUBLICISED, Status.FILED]
    for step in steps[: steps.index(until) + 1]:
        if step == Status.SCREENED:
            h = workflow.household_screen(actor=actor, household=h, approve=True, note="材料齐全")
        elif step == Status.VISITED:
            h = workflow.household_visit(
                actor=actor, household=h, visited_on=today, visitor="帮扶干事 王磊", consent_signed=True
            )
        elif step == Status.REVIEWED:
            h = workflow.household_review(actor=actor, household=h, approve=True, note="情况属实")
        elif step == Status.PUBLICISED:
            start = today - datetime.timedelta(days=filed_days_ago + 14) if until == Status.FILED else today
            h = workflow.household_publicise(actor=actor, household=h, start=start)
        else:
            h = workflow.household_file(
                actor=actor, household=h, on=today - datetime.timedelta(days=filed_days_ago)
            )
    return h


def build(*, tree, users: dict, rng: random.Random) -> None:
    admin = users["admin"]
    for code, start, monthly, note in DIBAO:
        dibao_services.dibao_set(
            actor=admin, division_code=code, effective_from=start, monthly=monthly, note=note
        )
    today = timezone.localdate()
    xian, baoji = users["xian"], users["baoji"]
    heads = _members(tree, "610100", 6) + _members(tree, "610300", 2)
    if len(heads) < 8:
        return
    med = [{"kind": "medical", "monthly": "800"}]
    school = [{"kind": "schooling", "monthly": "400"}]
    # 1. deep, filed, paid
    h = households.household_open(
        actor=xian,
        head=heads[0],
        source="application",
        main_cause="illness",
        **_household(rng, head_income="1800", spouse_income="0", expenses=med, spouse_health="critical"),
    )
    h = _advance(xian, h, Status.FILED, filed_days_ago=30)
    payments.payment_record(
        actor=xian,
        household=h,
        kind="critical_illness",
        amount="5000",
        paid_on=today - datetime.timedelta(days=20),
    )
    payments.payment_record(
        actor=xian, household=h, kind="living", amount="600", paid_on=today - datetime.timedelta(days=5)
    )
    # 2. relative, filed long ago: periodic review overdue
    h = households.household_open(
        actor=xian,
        head=heads[1],
        source="discovered",
        main_cause="schooling",
        **_household(rng, head_income="3600", spouse_income="1200", expenses=school, children=2),
    )
    _advance(xian, h, Status.FILED, filed_days_ago=200)
    # 3. accident (critical illness), on public notice
    h = households.household_open(
        actor=xian,
        head=heads[2],
        source="application",
        main_cause="accident",
        event_kind="accident",
        event_compensation="12000",
        **_household(rng, head_income="3000", spouse_income="1500", expenses=med),
    )
    _advance(xian, h, Status.PUBLICISED)
    # 4. just applied
    households.household_open(
        actor=xian,
        head=heads[3],
        source="application",
        main_cause="unemployment",
        zero_employment=True,
        **_household(rng, head_income="0", spouse_income="0", expenses=[]),
    )
    # 5. out of hardship after six months above 低保
    h = households.household_open(
        actor=xian,
        head=heads[4],
        source="application",
        main_cause="low_wage",
        **_household(rng, head_income="2200", spouse_income="800", expenses=school),
    )
    h = _advance(xian, h, Status.FILED, filed_days_ago=190)
    first = today.replace(day=1)
    for i in range(6, 0, -1):
        payments.income_record(
            actor=xian, household=h, month=dates.add_months(first, -i), income="4600", rigid_expenses="400"
        )
    h = reviews.household_periodic_review(actor=xian, household=h)
    monitoring.risk_check(actor=xian, household=h, job_loss=True, accident=True)  # 防止返困 alert
    # 6. closed at first check
    h = households.household_open(
        actor=xian,
        head=heads[5],
        source="application",
        main_cause="other",
        **_household(rng, head_income="2600", spouse_income="2400", expenses=[]),
    )
    workflow.household_screen(actor=xian, household=h, approve=False, note="家庭收入超过2倍低保")
    # 7–8. 宝鸡: visited, awaiting review; screened
    h = households.household_open(
        actor=baoji,
        head=heads[6],
        source="discovered",
        main_cause="disability",
        **_household(
            rng,
            head_income="1500",
            spouse_income="600",
            expenses=[{"kind": "disability_care", "monthly": "500"}],
        ),
    )
    _advance(baoji, h, Status.VISITED)
    h = households.household_open(
        actor=baoji,
        head=heads[7],
        source="application",
        main_cause="illness",
        **_household(rng, head_income="2000", spouse_income="900", expenses=med),
    )
    _advance(baoji, h, Status.SCREENED)
