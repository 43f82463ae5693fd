"""Scoped reads of the 劳模进校园 ledger (docs/modules/honours.md §8).

A visit is visible to its organiser union's scope (the union and every level above); a sibling
branch sees nothing of it (404). Coverage counts the visits the user sees, by the city the
school is in: the first four digits of the school's GB/T 2260 division code (6101 西安,
6103 宝鸡), so that a visit organised by the province to a school in 宝鸡 counts for 宝鸡.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, Max, OuterRef, QuerySet, Sum, Value
from django.db.models.functions import Concat, Substr
from django.http import Http404
from django.utils.translation import gettext as _

from gonghui.core import divisions, inputs
from gonghui.core.api import uuid_or_404
from gonghui.core.inputs import field_error
from gonghui.honours.models import Honour, SchoolVisit
from gonghui.honours.services.visits import VisitCode
from gonghui.organisations import scoping

Action = scoping.Action
CITY_DIGITS = 4
TENTH = Decimal("0.1")
FIRST_YEAR, LAST_YEAR = 1950, 2100  # a year asked for outside these is a mistake (400), not a query


def visits_visible_to(user, action: str = Action.VIEW) -> QuerySet:
    return scoping.restrict(SchoolVisit.objects.all(), user, action, field="organisation")


def division_prefix(code: str) -> str:
    """The prefix of the codes inside division ``code``: 61 for 610000 (a province), 6101 for
    610100 (a city), the code itself for a county. An unknown code is a ValidationError."""
    code = (code or "").strip()
    if not divisions.exists(code):
        raise field_error(
            "division",
            _("Unknown division code: give six digits such as 610100."),
            VisitCode.DIVISION_UNKNOWN,
        )
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def city_name(prefix: str) -> str:
    """The name of the city a four-digit prefix stands for (a municipality's districts have no
    city level: the province's name then)."""
    return divisions.name(prefix + "00") or divisions.name(prefix[:2] + "0000") or prefix


def visit_list(user, *, year: int | None = None, division: str = "", person=None) -> QuerySet:
    """The visits ``user`` sees, newest first, filtered by year, by a division (province, city
    or county code; unknown → ``division_unknown``) and by one honoured person (a member)."""
    qs = (
        visits_visible_to(user)
        .select_related("organisation")
        .prefetch_related("people")
        .annotate(photo_count=Count("photos", distinct=True))
    )
    if year:
        qs = qs.filter(date__year=_year(year))
    if division:
        qs = qs.filter(school_division__startswith=division_prefix(division))
    if person is not None:
        qs = qs.filter(people=person)
    return qs.order_by("-date", "school_name", "id")


def _year(value) -> int:
    return inputs.integer(value, "year", minimum=FIRST_YEAR, maximum=LAST_YEAR)


def visit_or_404(user, visit_id) -> SchoolVisit:
    pk = uuid_or_404(visit_id)
    visit = (
        SchoolVisit.objects.select_related("organisation", "created_by")
        .prefetch_related("people", "photos")
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise Http404
    scoping.require(user, Action.VIEW, visit.organisation)
    return visit


def member_visits(user, member) -> QuerySet:
    """The visits of one honoured person that ``user`` sees (on the person's honour page)."""
    return visits_visible_to(user).filter(people=member).select_related("organisation").order_by("-date")


def cities_with_visits(user) -> list[tuple[str, str]]:
    """(city code, name) of every city with a school visited in the visits ``user`` sees: the
    ledger's city filter. One query."""
    prefixes = (
        visits_visible_to(user)
        .annotate(city=Substr("school_division", 1, CITY_DIGITS))
        .values_list("city", flat=True)
        .distinct()
        .order_by("city")
    )
    return [(city_code(prefix), city_name(prefix)) for prefix in prefixes]


def city_code(prefix: str) -> str:
    """The division code of a four-digit city prefix (a municipality's: the province's)."""
    return prefix + "00" if divisions.exists(prefix + "00") else prefix[:2] + "0000"


def honoured_people(user) -> QuerySet:
    """Members holding a personal honour ``user`` sees: who may be named on a visit."""
    from gonghui.members.models import Member

    honours = scoping.restrict(Honour.objects.filter(member__isnull=False), user, field="organisation")
    return Member.objects.filter(pk__in=honours.values("member_id")).order_by("name", "member_no")


# ---- coverage ---------------------------------------------------------------------------


@dataclass
class CityCoverage:
    prefix: str
    name: str
    visits: int = 0
    schools: int = 0
    people: int = 0
    audience: int = 0
    hours: Decimal = Decimal("0")

    @property
    def code(self) -> str:
        """The city's division code, for the ledger's city filter."""
        return city_code(self.prefix) if self.prefix else ""


@dataclass
class Coverage:
    year: int
    cities: list[CityCoverage]
    total: CityCoverage
    unvisited: list[dict] = field(default_factory=list)


def _tenths(value) -> Decimal:
    """Hours as stored (one decimal): SQLite sums decimals as floats."""
    return Decimal(str(value or 0)).quantize(TENTH)


def _school_key():
    # A school is its division and its name (names are cleaned on the way in: half-width, trimmed).
    return Concat("school_division", Value("|"), "school_name")


def coverage(user, year: int) -> Coverage:
    """Per city in ``year``: visits, distinct schools, distinct honoured people, total
    audience and hours, over the visits ``user`` sees; and the schools visited in an earlier
    year with no visit in ``year`` (:func:`schools_without_visit`). Three queries whatever
    the number of cities."""
    year = _year(year)
    visible = visits_visible_to(user)
    in_year = visible.filter(date__year=year)
    rows = (
        in_year.annotate(city=Substr("school_division", 1, CITY_DIGITS))
        .values("city")
        .annotate(
            visits=Count("id"),
            schools=Count(_school_key(), distinct=True),
            audience=Sum("audience"),
            hours=Sum("hours"),
        )
        .order_by("city")
    )
    # (city, person) pairs: a person who went to two cities counts once in each, and once in
    # the total.
    pairs = set(
        SchoolVisit.people.through.objects.filter(schoolvisit__in=in_year.values("id"))
        .annotate(city=Substr("schoolvisit__school_division", 1, CITY_DIGITS))
        .values_list("city", "member_id")
        .distinct()
    )
    people_by_city = defaultdict(int)
    for city, _member in pairs:
        people_by_city[city] += 1
    cities = [
        CityCoverage(
            prefix=row["city"],
            name=city_name(row["city"]),
            visits=row["visits"],
            schools=row["schools"],
            people=people_by_city[row["city"]],
            audience=row["audience"] or 0,
            hours=_tenths(row["hours"]),
        )
        for row in rows
    ]
    total = CityCoverage(
        prefix="",
        name=_("Total"),
        visits=sum(c.visits for c in cities),
        schools=sum(c.schools for c in cities),  # a school lies in one city
        people=len({member for _city, member in pairs}),
        audience=sum(c.audience for c in cities),
        hours=_tenths(sum((c.hours for c in cities), Decimal("0"))),
    )
    return Coverage(year=year, cities=cities, total=total, unvisited=schools_without_visit(user, year))


def schools_without_visit(user, year: int) -> list[dict]:
    """Schools visited before ``year`` (in the visits ``user`` sees) with no visit in
    ``year``, by county then name: ``{"division", "county", "city", "school_name",
    "last_visit", "visits"}``. One query."""
    visible = visits_visible_to(user)
    this_year = visible.filter(
        date__year=year, school_division=OuterRef("school_division"), school_name=OuterRef("school_name")
    )
    rows = (
        visible.filter(date__lt=datetime.date(year, 1, 1))
        .filter(~Exists(this_year))
        .values("school_division", "school_name")
        .annotate(last_visit=Max("date"), visits=Count("id"))
        .order_by("school_division", "school_name")
    )
    return [
        {
            "division": row["school_division"],
            "county": divisions.full_name(row["school_division"]),
            "city": city_name(row["school_division"][:CITY_DIGITS]),
            "school_name": row["school_name"],
            "last_visit": row["last_visit"],
            "visits": row["visits"],
        }
        for row in rows
    ]


def photo_or_404(visit: SchoolVisit, photo_id):
    """A photo of ``visit`` (already fetched through :func:`visit_or_404`)."""
    photo = visit.photos.filter(pk=uuid_or_404(photo_id)).first()
    if photo is None:
        raise Http404
    return photo
