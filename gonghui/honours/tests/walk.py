"""Honours' part of the URL walk (gonghui/tests/urlwalk.py): an honour filed by 西安 and a
city list of 西安 on public notice with a nominee and an objection. The notice is public by
design (test_walk.py)."""

import datetime

from django.contrib.auth.models import AnonymousUser

from gonghui.honours import models
from gonghui.honours.services import lists, nominees, objections, registry
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
    return {
        "honour_id": honour.pk,
        "list_id": nomination_list.pk,
        "nominee_id": nominee.pk,
        "objection_id": objection.pk,
        "notice_secrets": secrets,  # the nominee's ID number and phone, the objector's contact
    }


# The list and its nominee.
MARKERS = ["西安市劳动模范推荐评选", "赵劳模"]

# The 公示 of a nomination list is a public notice: anyone, signed in or not, reads it and may
# object while it runs (docs/modules/honours.md §4; the objection is written only for a complete
# form inside the notice period).
PUBLIC_PAGES = {"honours:notices", "honours:notice"}

LIST_QUERIES = [
    ("honours:list", "?q=张"),
    ("honours:list", "?organisation=610100"),
    ("honours:lists", "?status=publicity"),
]

FORM_POST = {
    "status": "dismissed",
    "reply": "walk",
    "year": "2026",
}

API_SCOPED_QUERIES = {"list_honours": {"organisation": "610100"}}

API_SEARCHES = {
    "list_honours": {"q": "张"},
    "list_nomination_lists": {"status": "publicity"},
}

COUNTED = [models.Honour, models.NominationList, models.Nominee, models.NomineeReview, models.Objection]


def snapshot(values: dict) -> tuple:
    return (
        models.NominationList.objects.get(pk=values["list_id"]).status,
        models.Nominee.objects.get(pk=values["nominee_id"]).status,
        models.Objection.objects.get(pk=values["objection_id"]).status,
    )
