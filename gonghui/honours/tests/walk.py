"""Honours' part of the URL walk (gonghui/tests/urlwalk.py): an honour filed by 西安, a
city list of 西安 on public notice with a nominee and an objection, and a 劳模进校园 visit
organised by 西安 with a photo. The notice is public by design (test_walk.py)."""

import datetime
import io

from django.contrib.auth.models import AnonymousUser

from gonghui.honours import models
from gonghui.honours.services import lists, nominees, objections, registry, visits
from gonghui.members.services import members as member_services
from gonghui.testing import make_id_number, make_phone


def xian_objects(world) -> dict:
    """An honour filed by 西安, and a city list of 西安 on public notice with a nominee
    (recommended by the 西安 factory, accepted) and an objection against them."""
    honour = registry.honour_grant(
        actor=world.users["xian"],
        member=world.members["xian_worker"],
        organisation=world.orgs["xian"],
        kind="model_worker",
        level="provincial",
        year=2020,
        issuing_body="陕西省人民政府",
    )
    nomination_list = lists.nomination_list_create(
        actor=world.users["xian"],
        organiser=world.orgs["xian"],
        title="2026年西安市劳动模范推荐评选",
        kind="model_worker",
        level="city",
        year=2026,
    )
    secrets = [make_id_number("610113", seq=73), make_phone(73), "13800000001"]
    member = member_services.member_create(
        actor=None,
        organisation=world.orgs["xian_factory"],
        name="赵劳模",
        id_number=secrets[0],
        phone=secrets[1],
        joined_on=datetime.date(2015, 1, 1),
    )
    nominee = nominees.nominee_recommend(
        actor=world.users["xian"],
        nomination_list=nomination_list,
        recommending_org=world.orgs["xian_factory"],
        member=member,
        deeds="技术革新十余项，年节约成本200万元。",
        is_front_line=True,
        is_industrial_worker=True,
        enterprise_ownership="non_public",
        is_migrant_worker=True,
    )
    while nominee.status == "in_review":
        nominee = nominees.nominee_approve(actor=world.users["xian"], nominee=nominee)
    nomination_list = lists.publicity_start(
        actor=world.users["xian"], nomination_list=nomination_list, override_reason="本批次仅一人"
    )
    objection = objections.objection_submit(
        actor=AnonymousUser(),
        nomination_list=nomination_list,
        contact=secrets[2],
        text="该同志事迹与实际不符。",
        nominee_id=nominee.pk,
    )
    visit = visits.visit_create(
        actor=world.users["xian"],
        organisation=world.orgs["xian"],
        people=[world.members["xian_worker"]],
        school_name="西安市走访测试中学",
        school_division="610113",
        school_kind="school",
        date=datetime.date(2025, 5, 1),
        role="lecture",
        topic="劳动最光荣",
        audience=300,
        hours="1.5",
    )
    photo = visits.visit_photo_add(
        actor=world.users["xian"], visit=visit, upload=io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    )
    return {
        "visit_id": visit.pk,
        "visit_photo_id": photo.pk,
        "honour_id": honour.pk,
        "list_id": nomination_list.pk,
        "nominee_id": nominee.pk,
        "objection_id": objection.pk,
        "notice_secrets": secrets,  # the nominee's ID number and phone, the objector's contact
    }


# The list and its nominee; the school of the visit.
MARKERS = ["西安市劳动模范推荐评选", "赵劳模", "西安市走访测试中学"]

# Stations' pages take a photo_id too.
PARAM_ALIASES = {"photo_id": "visit_photo_id"}

# The 公示 of a nomination list is a public notice: anyone, signed in or not, reads it and may
# object while it runs (docs/modules/honours.md §4; the objection is written only for a complete
# form inside the notice period).
PUBLIC_PAGES = {"honours:notices", "honours:notice"}

LIST_QUERIES = [
    ("honours:list", "?q=张"),
    ("honours:list", "?organisation=610100"),
    ("honours:lists", "?status=publicity"),
    ("honours:visits", "?year=2025"),
    ("honours:visits", "?division=610100"),
    ("honours:visit_coverage", "?year=2025"),
    ("honours:visit_coverage", "?year=2026"),
]

FORM_POST = {
    "status": "dismissed",
    "reply": "walk",
    "year": "2026",
}

API_SCOPED_QUERIES = {"list_honours": {"organisation": "610100"}}

API_SEARCHES = {
    "list_honours": {"q": "张"},
    "list_visits": {"division": "610100"},
    "list_nomination_lists": {"status": "publicity"},
}

COUNTED = [
    models.Honour,
    models.NominationList,
    models.Nominee,
    models.NomineeReview,
    models.Objection,
    models.SchoolVisit,
    models.VisitPhoto,
]

# A visit organised by 西安 naming its honoured worker: a sibling is refused for the union.
API_BODIES = {
    ("POST", "honours/visits"): {
        "organisation": "610100",
        "people": [],  # the union is refused (404) before the people are read
        "school_name": "宝鸡测试中学",
        "school_division": "610302",
        "school_kind": "school",
        "date": "2025-05-01",
        "role": "lecture",
        "topic": "走访",
        "audience": 10,
        "hours": "1.0",
    }
}


def snapshot(values: dict) -> tuple:
    return (
        models.NominationList.objects.get(pk=values["list_id"]).status,
        models.Nominee.objects.get(pk=values["nominee_id"]).status,
        models.Objection.objects.get(pk=values["objection_id"]).status,
        models.SchoolVisit.objects.filter(pk=values["visit_id"]).values_list("audience", "topic").first(),
    )
