"""Member counts per subtree, kept in ``organisations.SubtreeCount`` through
``organisations.counters``: the dashboard's numbers for any node are one indexed read,
whatever the size of its subtree, and always agree with the member table because every write
to a member row changes them in the same transaction (``services.hooks``).

Dimensions (value in brackets):

* ``members`` (``in``) — members in membership (``choices.IN_MEMBERSHIP``);
* ``status`` (the status) — every member, whatever their status;
* for members in membership only: ``employment_form`` (the form), ``gender`` (M/F),
  ``migrant`` (``1``), ``birth_month`` (``YYYY-MM``), ``joined_month`` (``YYYY-MM``);
* ``organisations`` (a kind, and ``all``) — kept by ``organisations.services``.

Ages are computed at month precision: the counters hold birth months, not birth days, so a
member counts as a year older from the first day of their birthday month.

Existing databases (or a repair) are brought in line with ``manage.py rebuild_counters``
(``rebuild_all``), which recomputes every row in set-based SQL; ``--check`` compares only.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from gonghui.members import permissions
from gonghui.members.choices import IN_MEMBERSHIP, NEW_EMPLOYMENT_FORMS, EnrolmentStatus, Gender
from gonghui.members.models import Enrolment, Member
from gonghui.organisations import counters as org_counters
from gonghui.organisations.choices import Kind
from gonghui.organisations.models import Organisation

MEMBERS = "members"
IN = "in"
STATUS = "status"
EMPLOYMENT_FORM = "employment_form"
GENDER = "gender"
MIGRANT = "migrant"
YES = "1"
BIRTH_MONTH = "birth_month"
JOINED_MONTH = "joined_month"

AGE_BANDS = (("<25", 0, 25), ("25-34", 25, 35), ("35-44", 35, 45), ("45-54", 45, 55), ("55+", 55, 200))

# The member fields the counters depend on (``snapshot`` adds the birth and join months, and
# the name, which the hooks compare to decide whether the search keys need rebuilding).
COUNTED_FIELDS = ("organisation_id", "status", "employment_form", "gender", "is_migrant_worker")


def _month(day: datetime.date | None) -> str:
    return day.isoformat()[:7] if day else ""


def snapshot(member: Member) -> dict:
    """The counted facts of a member as they are now; take it before changing the member and
    pass it to ``member_changed`` afterwards."""
    data = {field: getattr(member, field) for field in COUNTED_FIELDS}
    data["birth_month"] = _month(member.birth_date)
    data["joined_month"] = _month(member.joined_on)
    data["name"] = member.name
    return data


def _keys(facts: dict) -> list[tuple]:
    """The counter rows one member adds to, on their own union."""
    org = str(facts["organisation_id"])
    keys = [(org, STATUS, facts["status"])]
    if facts["status"] in IN_MEMBERSHIP:
        keys += [
            (org, MEMBERS, IN),
            (org, EMPLOYMENT_FORM, facts["employment_form"]),
            (org, GENDER, facts["gender"]),
        ]
        if facts["is_migrant_worker"]:
            keys.append((org, MIGRANT, YES))
        if facts["birth_month"]:
            keys.append((org, BIRTH_MONTH, facts["birth_month"]))
        if facts["joined_month"]:
            keys.append((org, JOINED_MONTH, facts["joined_month"]))
    return keys


def _deltas(removed: Iterable[dict], added: Iterable[dict]) -> dict[tuple, int]:
    deltas: dict[tuple, int] = defaultdict(int)
    for facts in removed:
        for key in _keys(facts):
            deltas[key] -= 1
    for facts in added:
        for key in _keys(facts):
            deltas[key] += 1
    return deltas


def members_added(members: Iterable[Member]) -> None:
    """New member rows (created, or imported in bulk): one ``apply`` for all of them."""
    org_counters.apply(_deltas((), (snapshot(m) for m in members)))


def members_removed(members: Iterable[Member]) -> None:
    """Member rows about to be deleted (undo of an import batch)."""
    org_counters.apply(_deltas((snapshot(m) for m in members), ()))


def member_changed(before: dict, member: Member) -> None:
    """``before`` is ``snapshot(member)`` taken before the change: the old facts are taken
    out and the new ones put in (nothing is written when no counted fact changed)."""
    org_counters.apply(_deltas([before], [snapshot(member)]))


def members_changed(changes: Iterable[tuple[dict, Member]]) -> None:
    """Many ``(before, member)`` pairs at once (bulk updates): one ``apply`` for all."""
    changes = list(changes)
    org_counters.apply(_deltas((before for before, _m in changes), (snapshot(m) for _b, m in changes)))


# --- reading -----------------------------------------------------------------------------


def _month_index(value: str) -> int:
    return int(value[:4]) * 12 + int(value[5:7]) - 1


def _band(age: int) -> str | None:
    for label, lo, hi in AGE_BANDS:
        if lo <= age < hi:
            return label
    return None


def age_band(birth_month: str, today: datetime.date) -> str | None:
    """The band of someone born in ``birth_month`` (``YYYY-MM``), at month precision."""
    return _band((today.year * 12 + today.month - 1 - _month_index(birth_month)) // 12)


def subtree_stats(organisation: Organisation) -> dict:
    """The dashboard's numbers for ``organisation`` and everything under it: the same keys and
    meaning as they always had (members in membership and their breakdowns, organisations,
    pending and overdue applications). Two queries: the subtree's counter rows (one index
    range), and the pending applications."""
    today = timezone.localdate()
    this_month = _month(today)
    rows = org_counters.totals(organisation, pinned={JOINED_MONTH: this_month})
    members = organisations = grassroots = new_this_month = migrant = 0
    by_gender = {Gender.MALE.value: 0, Gender.FEMALE.value: 0}
    by_status: dict[str, int] = {}
    by_form: dict[str, int] = {}
    bands = {label: 0 for label, _lo, _hi in AGE_BANDS}
    today_index = today.year * 12 + today.month - 1
    for (dimension, value), n in rows.items():
        if dimension == MEMBERS and value == IN:
            members = n
        elif dimension == STATUS:
            if value in IN_MEMBERSHIP:
                by_status[value] = n
        elif dimension == EMPLOYMENT_FORM:
            by_form[value] = n
        elif dimension == GENDER:
            by_gender[value] = by_gender.get(value, 0) + n
        elif dimension == MIGRANT and value == YES:
            migrant = n
        elif dimension == BIRTH_MONTH:
            band = _band((today_index - _month_index(value)) // 12)
            if band is not None:
                bands[band] += n
        elif dimension == JOINED_MONTH and value == this_month:
            new_this_month = n
        elif dimension == org_counters.ORGANISATIONS:
            if value == org_counters.ALL:
                organisations = n
            elif value == Kind.GRASSROOTS:
                grassroots = n
    enrol = Enrolment.objects.filter(
        permissions.in_subtree(organisation), status=EnrolmentStatus.PENDING
    ).aggregate(pending=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    return {
        "members": members,
        "organisations": organisations,
        "grassroots": grassroots,
        "new_this_month": new_this_month,
        "migrant_workers": migrant,
        "new_employment_forms": sum(n for form, n in by_form.items() if form in NEW_EMPLOYMENT_FORMS),
        "by_gender": by_gender,
        "by_status": by_status,
        "by_employment_form": by_form,
        "by_age_band": bands,
        "enrolments_pending": enrol["pending"],
        "enrolments_overdue": enrol["overdue"],
    }


# --- rebuilding --------------------------------------------------------------------------


def _member_source() -> tuple[str, list]:
    """Set-based SQL of every organisation's own member counts (the inverse of ``_keys``)."""
    qn = connection.ops.quote_name
    table = qn(Member._meta.db_table)
    org, status = qn("organisation_id"), qn("status")
    if connection.vendor == "sqlite":  # dates are stored as 'YYYY-MM-DD' text

        def month(col):
            return f"SUBSTR({qn(col)}, 1, 7)"
    else:

        def month(col):
            return f"TO_CHAR({qn(col)}, 'YYYY-MM')"

    in_marks = ", ".join(["%s"] * len(IN_MEMBERSHIP))
    inside = f"{status} IN ({in_marks})"
    in_params = sorted(IN_MEMBERSHIP)
    parts: list[str] = []
    params: list = []

    def add(sql: str, p: list) -> None:
        parts.append(sql)
        params.extend(p)

    add(f"SELECT {org} AS organisation_id, %s AS dimension, {status} AS value, COUNT(*) AS n "
        f"FROM {table} GROUP BY {org}, {status}", [STATUS])  # fmt: skip
    add(
        f"SELECT {org}, %s, %s, COUNT(*) FROM {table} WHERE {inside} GROUP BY {org}",
        [MEMBERS, IN, *in_params],
    )
    for dimension, column in ((EMPLOYMENT_FORM, "employment_form"), (GENDER, "gender")):
        col = qn(column)
        add(
            f"SELECT {org}, %s, {col}, COUNT(*) FROM {table} WHERE {inside} GROUP BY {org}, {col}",
            [dimension, *in_params],
        )
    add(
        f"SELECT {org}, %s, %s, COUNT(*) FROM {table} WHERE {inside} AND {qn('is_migrant_worker')} "
        f"GROUP BY {org}",
        [MIGRANT, YES, *in_params],
    )
    for dimension, column in ((BIRTH_MONTH, "birth_date"), (JOINED_MONTH, "joined_on")):
        add(
            f"SELECT {org}, %s, {month(column)}, COUNT(*) FROM {table} "
            f"WHERE {inside} AND {qn(column)} IS NOT NULL GROUP BY {org}, {month(column)}",
            [dimension, *in_params],
        )
    return " UNION ALL ".join(parts), params


def rebuild_all() -> int:
    """Recompute every counter row from the member and organisation tables (set-based SQL,
    one transaction). Returns the number of rows written."""
    return org_counters.rebuild([_member_source()])


def check_all(limit: int = 20) -> list[dict]:
    """Counter rows that disagree with the member and organisation tables (empty when all
    agree); nothing is written."""
    return org_counters.compare([_member_source()], limit=limit)
