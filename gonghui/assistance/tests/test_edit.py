"""Correcting a file's household data and family after opening: in place before the upper
review, back to that review after its approval, at the periodic review once filed."""

import datetime
import json
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client

from gonghui.assistance.models import FamilyMember, Household, HouseholdEvent
from gonghui.assistance.services import dates, editing, households, reviews, workflow
from gonghui.assistance.tests.conftest import OPEN
from gonghui.core import crypto
from gonghui.core.models import AuditEntry
from gonghui.testing import api_for, client_for, make_id_number

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def household(world, city_admin, dibao):
    return households.household_open(actor=city_admin, head=world.members["xian_worker"], **OPEN)


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def state(h):
    h = Household.objects.get(pk=h.pk)
    people = sorted(FamilyMember.objects.filter(household=h).values_list("name", "monthly_income"))
    return (h.status, h.category, h.per_capita_income, h.bank_card_enc, h.housing, people)


def family_of(h):
    return [
        {
            "id": str(p.pk),
            "relation": p.relation,
            "name": p.name,
            "monthly_income": str(p.monthly_income),
            "employment": p.employment,
            "health": p.health,
            "schooling": p.schooling,
        }
        for p in h.people.exclude(relation="self")
    ]


def test_edit_re_assesses_and_records_before_and_after(city_officer, household):
    assert (household.category, household.per_capita_income) == ("deep", D("600.00"))
    family = family_of(household)
    spouse = next(p for p in family if p["relation"] == "spouse")
    spouse["monthly_income"] = "1200"
    h = editing.household_edit(
        actor=city_officer,
        household=household,
        changes={"family": family, "housing": "public_rental"},
        note="妻子找到工作",
    )
    # (2400 + 1200 − 600) / 3 = 1000.00 ≥ 955 → relative
    assert (h.category, h.per_capita_income, h.housing, h.status) == (
        "relative",
        D("1000.00"),
        "public_rental",
        "applied",
    )
    event = h.events.get(kind="edited")
    assert "妻子找到工作" in event.note and "深度困难 → 相对困难" in event.note and "1000.00" in event.note
    entry = AuditEntry.objects.get(action="assistance.household.edited")
    assert entry.changes["category"] == ["deep", "relative"]
    assert entry.changes["housing"] == ["private_rental", "public_rental"]
    assert "1200.00" in entry.changes["people"][1] and "1200.00" not in entry.changes["people"][0]
    assert h.people.count() == 3


def test_family_members_are_added_kept_and_removed_with_their_id_numbers(city_admin, household):
    child_number = make_id_number("610113", datetime.date(2015, 1, 1), "F")
    family = family_of(household)
    spouse = next(p for p in family if p["relation"] == "spouse")
    spouse["id_number"] = make_id_number("610113", datetime.date(1990, 1, 1), "F")
    h = editing.household_edit(
        actor=city_admin,
        household=household,
        changes={
            "family": [
                spouse,
                {"relation": "child", "name": "张小红", "id_number": child_number, "employment": "student"},
            ]
        },
    )
    names = set(h.people.values_list("name", flat=True))
    assert names == {"张伟", "李娜", "张小红"}  # 张小明 no longer listed: removed
    child = h.people.get(name="张小红")
    assert crypto.decrypt(child.id_number_enc) == child_number
    # listed again without a number: the recorded one is kept
    family = family_of(h)
    h = editing.household_edit(actor=city_admin, household=h, changes={"family": family})
    assert crypto.decrypt(h.people.get(name="张小红").id_number_enc) == child_number


def test_bank_card_change_is_encrypted_again(city_admin, household):
    h = editing.household_edit(
        actor=city_admin, household=household, changes={"bank_card": "6217 0000 1111 2222 333"}
    )
    assert crypto.decrypt(h.bank_card_enc) == "6217000011112222333"
    assert h.bank_card_masked == "621700*********2333"
    entry = AuditEntry.objects.get(action="assistance.household.edited")
    assert entry.changes["bank_card"] == ["622202*********0123", "621700*********2333"]
    assert "6217000011112222333" not in json.dumps(entry.changes)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"housing": "castle"}, "housing"),
        ({"head_income": "-1"}, "head_income"),
        ({"bank_card": "12"}, "bank_card"),
        (
            {
                "family": [
                    {
                        "id": "00000000-0000-0000-0000-000000000000",
                        "relation": "child",
                        "name": "李明",
                        "employment": "student",
                    }
                ]
            },
            "family.0.id",
        ),
        ({"family": [{"relation": "child", "name": "", "employment": "student"}]}, "family.0.name"),
        ({"status": "filed"}, "status"),
    ],
)
def test_bad_edits_name_the_field_and_write_nothing(city_admin, household, changes, field):
    before = state(household)
    with pytest.raises(ValidationError) as exc:
        editing.household_edit(actor=city_admin, household=household, changes=changes)
    assert field in exc.value.error_dict
    assert state(household) == before
    assert not HouseholdEvent.objects.filter(kind="edited").exists()
    assert not AuditEntry.objects.filter(action="assistance.household.edited").exists()


def test_a_person_already_in_another_live_file_is_refused(world, province_admin, city_admin, household):
    other = households.household_open(
        actor=province_admin, head=world.members["baoji_worker"], **{**OPEN, "family": []}
    )
    taken = household.head.id_number if hasattr(household.head, "id_number") else None  # noqa: F841
    number = make_id_number("610113", datetime.date(2015, 1, 1), "F")
    editing.household_edit(
        actor=city_admin,
        household=household,
        changes={
            "family": [{"relation": "child", "name": "王芳", "id_number": number, "employment": "student"}]
        },
    )
    before = state(other)
    with pytest.raises(ValidationError) as exc:
        editing.household_edit(
            actor=province_admin,
            household=other,
            changes={
                "family": [
                    {"relation": "child", "name": "王芳", "id_number": number, "employment": "student"}
                ]
            },
        )
    assert exc.value.error_dict["family"][0].code == "duplicate"
    assert state(other) == before


def test_who_may_edit(city_viewer, sibling_city_admin, member_user, household):
    before = state(household)
    with pytest.raises(Http404):
        editing.household_edit(actor=sibling_city_admin, household=household, changes={"housing": "own"})
    with pytest.raises(PermissionDenied):
        editing.household_edit(actor=city_viewer, household=household, changes={"housing": "own"})
    with pytest.raises(Http404):  # the head themself: the union corrects the data
        editing.household_edit(actor=member_user, household=household, changes={"housing": "own"})
    assert state(household) == before


def _to(world, h, status):
    a = world.users["xian"]
    h = workflow.household_screen(actor=a, household=h, approve=True)
    h = workflow.household_visit(
        actor=a, household=h, visited_on=TODAY, visitor="王干事", consent_signed=True
    )
    h = workflow.household_review(actor=a, household=h, approve=True)
    h = workflow.household_publicise(actor=a, household=h, start=TODAY - datetime.timedelta(days=20))
    if status == "filed":
        h = workflow.household_file(actor=a, household=h)
    return h


def test_a_change_during_public_notice_goes_back_to_the_upper_review(world, city_admin, household):
    h = _to(world, household, "publicised")
    h = editing.household_edit(actor=city_admin, household=h, changes={"head_income": "2700"})
    assert h.status == "visited" and h.notice_from is None and h.notice_until is None
    assert list(h.events.values_list("kind", flat=True))[-2:] == ["edited", "back_to_review"]


def test_a_filed_file_changes_at_its_periodic_review(world, city_admin, household):
    h = _to(world, household, "filed")
    before = state(h)
    with pytest.raises(ValidationError) as exc:
        editing.household_edit(actor=city_admin, household=h, changes={"head_income": "5000"})
    assert exc.value.code == "edit_at_review"
    assert state(h) == before
    h = reviews.household_periodic_review(
        actor=city_admin, household=h, changes={"head_income": "3000"}, note="复核"
    )
    # (3000 − 600) / 3 = 800 < 955: still deep, figure updated
    assert (h.status, h.per_capita_income) == ("filed", D("800.00"))
    kinds = list(h.events.values_list("kind", flat=True))
    assert kinds[-2:] == ["edited", "reviewed_periodic"]
    assert h.next_review_on == dates.add_months(TODAY, 6)


def test_a_bad_change_at_the_periodic_review_writes_nothing(world, city_admin, household):
    h = _to(world, household, "filed")
    before = state(h)
    with pytest.raises(ValidationError):
        reviews.household_periodic_review(actor=city_admin, household=h, changes={"head_income": "x"})
    assert state(h) == before and Household.objects.get(pk=h.pk).next_review_on == h.next_review_on
    assert not h.events.filter(kind__in=["edited", "reviewed_periodic"]).exists()


# ---- page and API ----------------------------------------------------------------------


def test_edit_page_prefills_and_saves(world, household):
    c = client_for("xian_officer")
    r = c.get(f"/assistance/{household.pk}/edit/")
    assert r.status_code == 200 and "李娜" in r.content.decode()
    people = list(household.people.exclude(relation="self"))
    post = {
        "housing": "own",
        "main_cause": "illness",
        "medical_insurance": "employee",
        "medical": "600",
        "head_income": "2400",
        "head_health": "healthy",
        "head_employment": "employed",
        "p-TOTAL_FORMS": "2",
        "p-INITIAL_FORMS": "2",
        "p-MIN_NUM_FORMS": "0",
        "p-MAX_NUM_FORMS": "20",
    }
    for i, p in enumerate(people):
        post.update(
            {
                f"p-{i}-id": str(p.pk),
                f"p-{i}-relation": p.relation,
                f"p-{i}-name": p.name,
                f"p-{i}-monthly_income": "1200" if p.relation == "spouse" else "0",
                f"p-{i}-health": p.health,
                f"p-{i}-employment": p.employment,
                f"p-{i}-schooling": p.schooling,
            }
        )
    r = c.post(f"/assistance/{household.pk}/edit/", post)
    assert r.status_code == 302, r.content.decode()[:2000]
    h = Household.objects.get(pk=household.pk)
    assert (h.housing, h.category, h.per_capita_income) == ("own", "relative", D("1000.00"))
    assert h.bank_card_masked == "622202*********0123"  # empty card field keeps the card
    post["head_income"] = "abc"
    before = state(h)
    r = c.post(f"/assistance/{household.pk}/edit/", post)
    assert r.status_code == 400 and state(h) == before


def test_edit_page_anonymous_sibling_and_viewer(world, household):
    url = f"/assistance/{household.pk}/edit/"
    before = state(household)
    r = Client().get(url)
    assert r.status_code == 302 and "/login" in r["Location"]
    assert client_for("baoji").get(url).status_code == 404
    assert client_for("baoji").post(url, {"housing": "own"}).status_code == 404
    assert client_for("xian_viewer").get(url).status_code == 403
    assert state(household) == before


def test_api_patch(world, household):
    url = f"/api/v1/assistance/households/{household.pk}"
    before = state(household)
    assert patch(Client(), url, {"housing": "own"}).status_code == 401
    assert patch(api_for("baoji"), url, {"housing": "own"}).status_code == 404
    r = patch(api_for("xian"), url, {"housing": "castle"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "housing"
    r = patch(api_for("xian"), url, {})
    assert r.status_code == 400 and r.json()["code"] == "no_changes"
    assert state(household) == before
    data = api_for("xian").get(url).json()
    family = [
        {k: p[k] for k in ("id", "relation", "name", "monthly_income", "health", "employment", "schooling")}
        for p in data["people"]
        if p["relation"] != "self"
    ]
    next(p for p in family if p["relation"] == "spouse")["monthly_income"] = "1200"
    r = patch(api_for("xian"), url, {"family": family, "note": "复核"})
    assert r.status_code == 200, r.content
    assert (r.json()["category"], r.json()["per_capita_income"]) == ("relative", "1000.00")
    assert len(r.json()["people"]) == 3


def test_api_periodic_review_with_changes(world, household):
    h = _to(world, household, "filed")
    url = f"/api/v1/assistance/households/{h.pk}/periodic-review"
    r = api_for("xian").post(url, json.dumps({"head_income": "x"}), content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "head_income"
    r = api_for("xian").post(url, json.dumps({"head_income": "3000"}), content_type="application/json")
    assert r.status_code == 200 and r.json()["per_capita_income"] == "800.00"
    r = api_for("xian").post(url, "", content_type="application/json")  # no body: a plain review
    assert r.status_code == 200, r.content.decode()
