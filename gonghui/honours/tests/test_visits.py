"""The 劳模进校园 ledger: recording a school visit (each refusal with nothing written), scope
(sibling city 404, viewer 403, anonymous), and coverage figures on a small fixture."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from gonghui.core.models import AuditEntry
from gonghui.honours import visit_selectors
from gonghui.honours.models import SchoolVisit, VisitPhoto
from gonghui.honours.services import registry, visits

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def honoured(world):
    """张伟 (西安) and 单晓燕 (宝鸡) each hold a provincial honour."""
    for key in ("xian_worker", "baoji_worker"):
        member = world.members[key]
        registry.honour_grant(
            actor=None,
            member=member,
            organisation=member.organisation,
            kind="model_worker",
            level="provincial",
            year=2020,
            issuing_body="陕西省人民政府",
        )
    return world.members


def fields(world, **overrides):
    data = {
        "organisation": world.orgs["xian"],
        "people": [world.members["xian_worker"]],
        "school_name": "西安市第一中学",
        "school_division": "610113",
        "school_kind": "school",
        "date": "2026-09-10",
        "role": "lecture",
        "topic": "劳动最光荣：一名钳工的三十年",
        "audience": 300,
        "hours": "1.5",
    }
    data.update(overrides)
    return data


def counts():
    return (
        SchoolVisit.objects.count(),
        SchoolVisit.people.through.objects.count(),
        AuditEntry.objects.filter(action__startswith="honours.visit").count(),
    )


def test_an_officer_records_a_visit_of_an_honoured_person_and_it_is_audited(world, honoured, today):
    visit = visits.visit_create(actor=world.users["xian_officer"], **fields(world))
    assert list(visit.people.all()) == [world.members["xian_worker"]]
    assert (visit.audience, visit.hours, visit.date) == (300, Decimal("1.5"), datetime.date(2026, 9, 10))
    entry = AuditEntry.objects.get(action="honours.visit.recorded")
    assert entry.changes["school_name"] == [None, "西安市第一中学"]
    assert entry.changes["people"] == [None, ["张伟"]]


@pytest.mark.parametrize(
    ("override", "field", "code"),
    [
        ({"date": "2026-09-29"}, "date", "date_future"),
        ({"audience": 0}, "audience", "number_too_small"),
        ({"audience": "-5"}, "audience", "number_too_small"),
        ({"hours": "0"}, "hours", "number_too_small"),
        ({"school_division": "619999"}, "school_division", "division_unknown"),
        ({"school_division": "610000"}, "school_division", "division_unknown"),
        ({"school_name": "  "}, "school_name", "required"),
        ({"school_kind": "kindergarten"}, "school_kind", "invalid_choice"),
        ({"role": "dance"}, "role", "invalid_choice"),
        ({"people": []}, "people", "required"),
        ({"people": ["not-an-id"]}, "people", "not_honoured"),
    ],
)
def test_a_bad_visit_is_refused_with_a_clear_code_and_nothing_is_written(
    world, honoured, today, override, field, code
):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        visits.visit_create(actor=world.users["xian"], **fields(world, **override))
    assert [e.code for e in exc.value.error_dict[field]] == [code]
    assert counts() == before


def test_a_member_with_no_honour_cannot_be_named_on_a_visit(world, honoured, today):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        visits.visit_create(
            actor=world.users["shaanxi"], **fields(world, people=[world.members["gansu_worker"]])
        )
    assert exc.value.error_dict["people"][0].code == "not_honoured"
    assert counts() == before


def test_an_honoured_person_outside_the_officers_reach_cannot_be_named(world, honoured, today):
    """单晓燕 is honoured in 宝鸡: 西安's officer does not see her, so she is refused like an
    unknown person (her existence is not revealed)."""
    before = counts()
    with pytest.raises(ValidationError) as exc:
        visits.visit_create(
            actor=world.users["xian"], **fields(world, people=[world.members["baoji_worker"]])
        )
    assert exc.value.error_dict["people"][0].code == "not_honoured"
    assert counts() == before


def test_every_bad_field_is_reported_at_once(world, honoured, today):
    with pytest.raises(ValidationError) as exc:
        visits.visit_create(
            actor=world.users["xian"], **fields(world, date="2027-01-01", audience=0, school_division="1")
        )
    assert set(exc.value.error_dict) == {"date", "audience", "school_division"}


def test_the_sibling_city_gets_404_the_viewer_403_and_anonymous_404(world, honoured, today):
    before = counts()
    with pytest.raises(Http404):
        visits.visit_create(actor=world.users["baoji"], **fields(world))
    with pytest.raises(PermissionDenied):
        visits.visit_create(actor=world.users["xian_viewer"], **fields(world))
    with pytest.raises(Http404):
        visits.visit_create(actor=AnonymousUser(), **fields(world))
    assert counts() == before
    visit = visits.visit_create(actor=world.users["xian"], **fields(world))
    with pytest.raises(Http404):
        visit_selectors.visit_or_404(world.users["baoji"], visit.pk)
    with pytest.raises(Http404):
        visits.visit_delete(actor=world.users["baoji"], visit=visit)
    with pytest.raises(PermissionDenied):
        visits.visit_edit(actor=world.users["xian_viewer"], visit=visit, **fields(world, audience=5))
    assert visit_selectors.visit_or_404(world.users["xian_viewer"], visit.pk) == visit
    assert visit_selectors.visit_or_404(world.users["shaanxi"], visit.pk) == visit
    assert not visit_selectors.visit_list(world.users["baoji"]).exists()


def test_editing_a_visit_records_what_changed(world, honoured, today):
    visit = visits.visit_create(actor=world.users["xian"], **fields(world))
    changed = fields(world, audience=450, topic="工匠精神")
    changed.pop("organisation")
    visits.visit_edit(actor=world.users["xian_officer"], visit=visit, **changed)
    visit.refresh_from_db()
    assert (visit.audience, visit.topic) == (450, "工匠精神")
    entry = AuditEntry.objects.get(action="honours.visit.changed")
    assert entry.changes == {"audience": [300, 450], "topic": ["劳动最光荣：一名钳工的三十年", "工匠精神"]}


def test_a_refused_edit_changes_nothing(world, honoured, today):
    visit = visits.visit_create(actor=world.users["xian"], **fields(world))
    changed = fields(world, audience=0)
    changed.pop("organisation")
    with pytest.raises(ValidationError):
        visits.visit_edit(actor=world.users["xian"], visit=visit, **changed)
    visit.refresh_from_db()
    assert visit.audience == 300
    assert not AuditEntry.objects.filter(action="honours.visit.changed").exists()


def test_deleting_a_visit_is_audited_with_what_it_said(world, honoured, today):
    visit = visits.visit_create(actor=world.users["xian"], **fields(world))
    visits.visit_photo_add(actor=world.users["xian"], visit=visit, upload=io.BytesIO(PNG))
    visits.visit_delete(actor=world.users["xian"], visit=visit)
    assert not SchoolVisit.objects.exists() and not VisitPhoto.objects.exists()
    entry = AuditEntry.objects.get(action="honours.visit.deleted")
    assert entry.changes["school_name"] == ["西安市第一中学", None]


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_is_stored(world, honoured, today):
    visit = visits.visit_create(actor=world.users["xian"], **fields(world))
    with pytest.raises(ValidationError) as exc:
        visits.visit_photo_add(actor=world.users["xian"], visit=visit, upload=io.BytesIO(b"%PDF-1.4 ..."))
    assert exc.value.error_dict["photo"][0].code == "file_type"
    assert not VisitPhoto.objects.exists()
    assert not AuditEntry.objects.filter(action="honours.visit.photo_added").exists()


# ---- coverage ------------------------------------------------------------------------------


@pytest.fixture
def ledger(world, honoured, today):
    """2025: two visits in 西安 (雁塔一中 twice? no — 一中 and 二中), one in 宝鸡.
    2026: 西安一中 again with both people, 宝鸡 中学 again, and a new 宝鸡 职校."""
    p = world.users["shaanxi"]
    xw, bw = world.members["xian_worker"], world.members["baoji_worker"]

    def add(school, division, date, people, audience, hours, kind="school"):
        return visits.visit_create(
            actor=p,
            **fields(
                world,
                organisation=world.orgs["shaanxi"],
                school_name=school,
                school_division=division,
                school_kind=kind,
                date=date,
                people=people,
                audience=audience,
                hours=hours,
            ),
        )

    add("西安市第一中学", "610113", "2025-04-01", [xw], 200, "1.0")
    add("西安市第二中学", "610113", "2025-05-01", [xw], 150, "2.0")
    add("宝鸡中学", "610302", "2025-06-01", [bw], 100, "1.0")
    add("西安市第一中学", "610113", "2026-03-01", [xw, bw], 400, "2.5")
    add("西安市第一中学", "610113", "2026-04-01", [xw], 50, "0.5")
    add("宝鸡中学", "610302", "2026-05-01", [bw], 120, "1.0")
    add("宝鸡职业技术学院", "610302", "2026-06-01", [bw, xw], 80, "3.0", kind="higher_vocational")
    return world


def test_coverage_per_city_counts_visits_schools_people_audience_and_hours_exactly(ledger):
    report = visit_selectors.coverage(ledger.users["shaanxi"], 2026)
    by_city = {c.prefix: c for c in report.cities}
    assert set(by_city) == {"6101", "6103"}
    xa, bj = by_city["6101"], by_city["6103"]
    assert (xa.name, xa.visits, xa.schools, xa.people, xa.audience, xa.hours) == (
        "西安市",
        2,
        1,
        2,
        450,
        Decimal("3.0"),
    )
    assert (bj.name, bj.visits, bj.schools, bj.people, bj.audience, bj.hours) == (
        "宝鸡市",
        2,
        2,
        2,
        200,
        Decimal("4.0"),
    )
    t = report.total
    assert (t.visits, t.schools, t.people, t.audience, t.hours) == (4, 3, 2, 650, Decimal("7.0"))


def test_schools_visited_before_but_not_this_year_are_listed_by_county(ledger):
    report = visit_selectors.coverage(ledger.users["shaanxi"], 2026)
    assert [(s["division"], s["school_name"], s["last_visit"], s["visits"]) for s in report.unvisited] == [
        ("610113", "西安市第二中学", datetime.date(2025, 5, 1), 1)
    ]
    assert report.unvisited[0]["county"] == "陕西省西安市雁塔区"
    # In 2025 nothing was visited before: the list is empty.
    assert visit_selectors.coverage(ledger.users["shaanxi"], 2025).unvisited == []


def test_coverage_takes_a_constant_number_of_queries(ledger, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        visit_selectors.coverage(ledger.users["shaanxi"], 2026)


def test_coverage_counts_only_the_visits_the_user_sees(ledger, today):
    """The 2026 visits above are organised by the province: 宝鸡's admin sees none of them;
    a visit 宝鸡 organises itself is all its coverage shows."""
    visits.visit_create(
        actor=ledger.users["baoji"],
        **fields(
            ledger,
            organisation=ledger.orgs["baoji"],
            people=[ledger.members["baoji_worker"]],
            school_name="宝鸡文理学院",
            school_division="610302",
            school_kind="undergraduate",
        ),
    )
    report = visit_selectors.coverage(ledger.users["baoji"], 2026)
    assert [(c.prefix, c.visits, c.audience) for c in report.cities] == [("6103", 1, 300)]
    assert report.unvisited == []


def test_the_ledger_filters_by_division_and_refuses_an_unknown_one(ledger):
    user = ledger.users["shaanxi"]
    assert visit_selectors.visit_list(user, year=2026, division="610300").count() == 2
    assert visit_selectors.visit_list(user, division="610113").count() == 4
    assert visit_selectors.visit_list(user, division="610000").count() == 7
    with pytest.raises(ValidationError) as exc:
        visit_selectors.visit_list(user, division="999999")
    assert exc.value.error_dict["division"][0].code == "division_unknown"


def test_a_visit_cannot_be_moved_to_a_union_out_of_reach(world, honoured, today):
    visit = visits.visit_create(actor=world.users["xian"], **fields(world))
    before = counts()
    with pytest.raises(Http404):
        visits.visit_edit(
            actor=world.users["xian"], visit=visit, **fields(world, organisation=world.orgs["baoji"])
        )
    visit.refresh_from_db()
    assert visit.organisation == world.orgs["xian"] and counts() == before
