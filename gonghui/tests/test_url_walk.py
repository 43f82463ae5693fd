"""The scoping guard (STYLE.md "Tests"): walk every scoped officer page and every scoped API
endpoint of the members, organisations, competitions, honours, innovation, assistance,
rights and stations apps for objects of 西安, and check that

* an anonymous visitor is sent to the login page (pages) or gets 401 (API);
* the sibling-branch admins — 宝鸡 (a sibling city) and 甘肃 (a sibling province) — get
  403 or 404, never 200 and never a server error, and change nothing;
* list pages and list endpoints answer the siblings without any 西安 row;
* the 西安 admin reaches every page, so the walk is known to hit real objects.

URLs are discovered from the URLconfs and the API routers, so a new page or endpoint is
walked as soon as it exists; one whose parameters or payload this walk cannot fill fails
loudly instead of being skipped.
"""

import datetime
import itertools
import json
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, reverse

from gonghui.assistance import api as assistance_api
from gonghui.assistance import models as assistance_models
from gonghui.assistance import urls as assistance_urls
from gonghui.assistance.services import attachments as assistance_attachments
from gonghui.assistance.services import dibao as dibao_services
from gonghui.assistance.services import households as household_services
from gonghui.assistance.services import monitoring as assistance_monitoring
from gonghui.assistance.tests.conftest import OPEN as HOUSEHOLD
from gonghui.competitions import api as competitions_api
from gonghui.competitions import models as competition_models
from gonghui.competitions import urls as competition_urls
from gonghui.competitions.services import marking, results
from gonghui.competitions.tests import helpers as competition_helpers
from gonghui.core.models import AuditEntry
from gonghui.honours import api as honours_api
from gonghui.honours import models as honour_models
from gonghui.honours import urls as honour_urls
from gonghui.honours.services import nominations, objections
from gonghui.honours.services import registry as honour_registry
from gonghui.innovation import api as innovation_api
from gonghui.innovation import models as innovation_models
from gonghui.innovation import urls as innovation_urls
from gonghui.innovation.services import ideas as idea_services
from gonghui.innovation.services import studios as studio_services
from gonghui.innovation.tests.helpers import PNG, member_with_login
from gonghui.members import urls_officer
from gonghui.members.api import router as members_router
from gonghui.members.models import Enrolment, Member, Transfer
from gonghui.members.services import enrolment as enrolment_services
from gonghui.members.services import members as member_services
from gonghui.members.services import transfers as transfer_services
from gonghui.organisations import urls as organisation_urls
from gonghui.organisations.api import audit_router
from gonghui.organisations.api import router as organisations_router
from gonghui.organisations.models import RoleAssignment
from gonghui.rights import api as rights_api
from gonghui.rights import models as rights_models
from gonghui.rights import urls as rights_urls
from gonghui.rights.services import legal_aid as legal_aid_services
from gonghui.rights.services import needs as need_services
from gonghui.rights.services import requests as request_services
from gonghui.stations import api as stations_api
from gonghui.stations import models as station_models
from gonghui.stations import urls as station_urls
from gonghui.stations.services import checkins as station_checkins
from gonghui.stations.services import registry as station_registry
from gonghui.stations.services import suggestions as station_suggestions
from gonghui.stations.services import tickets as station_tickets
from gonghui.stations.tests.helpers import BELL_TOWER, make_keeper
from gonghui.talent import api as talent_api
from gonghui.talent import urls as talent_urls
from gonghui.testing import make_id_number, make_phone

pytestmark = pytest.mark.django_db

SIBLINGS = ["baoji", "gansu"]
# Names that appear only on 西安 objects: a sibling page containing one of them leaks.
XIAN_MARKERS = [
    "张伟",
    "李娜",
    "王建国",
    "西安某机械厂",
    # competitions: the competition and its competitor
    "西安市焊工技能竞赛",
    "选手一",
    # honours: the list and its nominee
    "西安市劳动模范推荐评选",
    "赵劳模",
    # innovation: the idea, the studio, the alliance
    "车间照明改造",
    "西安焊接创新工作室",
    "西安装备制造创新联盟",
    # assistance: the household's child (the head is 张伟, the spouse 李娜), its payment note
    "张小明",
    "西安困难职工春节慰问",
    # rights: the worker's request, the referral, the legal-aid evidence, the practical need
    "钱维权",
    "西安工地拖欠加班费",
    "转交雁塔区联合工会",
    "劳动合同照片",
    "西安职工食堂改造",
    # stations: the station (public by design, but on no sibling's officer page), the ticket's
    # description, the suggested site and its reason
    "西安钟楼环卫工会驿站",
    "饮水机漏水走查",
    "西安走查建议点",
    "外卖骑手聚集走查",
]

# Officer pages: (namespace, urlpatterns). The dashboard and the audit log hang off the root
# URLconf and are walked as list pages below.
HTML_URLCONFS = [
    ("members", urls_officer.urlpatterns),
    ("organisations", organisation_urls.urlpatterns),
    ("competitions", competition_urls.urlpatterns),
    ("honours", honour_urls.urlpatterns),
    ("innovation", innovation_urls.urlpatterns),
    # "my talent profile" is the signed-in member's own page (404 for officers without a
    # member record): its own tests cover it.
    ("talent", [p for p in talent_urls.urlpatterns if p.name != "me"]),
    ("assistance", assistance_urls.urlpatterns),
    ("rights", rights_urls.urlpatterns),
    ("stations", station_urls.urlpatterns),
]

# URL parameters whose name means another object in one namespace: (namespace, parameter)
# → the key of the 西安 object in the fixture.
PARAM_ALIASES = {("rights", "transfer_id"): "request_transfer_id", ("stations", "code"): "station_code"}

# URL parameters that name no 西安 object (a page taking only these is a list page).
NOT_AN_OBJECT = {"file_format"}

# Pages open to everyone by design, walked by their own tests below instead of the rules
# above: the 公示 of a nomination list is a public notice — anyone, signed in or not, reads
# it and may object while it runs (docs/product.md §3.4.4; the objection is written only for a complete
# form inside the notice period).
PUBLIC_PAGES = {
    "honours:notices",
    "honours:notice",
    # 维权: a worker files a request without an account (docs/product.md §3.5.2) and follows it
    # on a page found by the request's unguessable id, with masked name and phone only; the
    # union's 我为群众办实事 list is published with its progress, without personal data.
    "rights:file",
    "rights:status",
    "rights:find",
    "rights:needs_public",
    # 帮扶: the signed-in worker's own application page — their own file or the form, never
    # anyone else's (officers without a member record see a notice).
    "assistance:apply",
    # 工会驿站: anyone finds a station, reads its page, photos and map, reports a problem and
    # follows the ticket by its number (no contact, no description), checks in with the door's
    # key, suggests a site and follows it by its unguessable id (no reason), and exports the
    # public data of active stations (docs/product.md §3.5.6).
    "stations:find",
    "stations:map",
    "stations:detail",
    "stations:photo",
    "stations:report",
    "stations:checkin",
    "stations:ticket",
    "stations:suggest",
    "stations:suggestion",
    "stations:io_export",
    "stations:io_export_download",
}
TOP_LEVEL_PAGES = ["dashboard", "audit"]

# API routers of the scoped apps, walked operation by operation with the routers mounted
# inside them.
API_ROUTERS = [
    members_router,
    organisations_router,
    audit_router,
    competitions_api.router,
    honours_api.router,
    innovation_api.router,
    talent_api.router,
    assistance_api.router,
    rights_api.router,
    stations_api.router,  # with api_reports and api_io mounted inside
]
# Routers whose paths are keyed with their mount below the API root (their own paths, "" and
# "{station_id}", would clash with other routers' keys).
API_KEY_PREFIX = {stations_api.router: "stations"}

# Operations open to everyone by design (the worker files and rates a request without an
# account), walked by their own test below instead of the rules above.
API_PUBLIC = {("POST", "requests"), ("POST", "requests/{request_id}/rate")}
# 工会驿站: the stations' public data (list, nearest, details, exports) and the worker's problem
# report, check-in and suggested site (docs/product.md §3.5.6), walked by their own test below.
STATIONS_API_PUBLIC = {
    ("GET", "stations"),
    ("GET", "stations/nearest"),
    ("GET", "stations/{station_id}"),
    ("GET", "stations/export.geojson"),
    ("GET", "stations/export.poi"),
    ("GET", "stations/export.registry"),
    ("POST", "stations/{station_id}/reports"),
    ("POST", "stations/{station_id}/checkins"),
    ("POST", "stations/suggestions"),
}
API_PUBLIC |= STATIONS_API_PUBLIC

# One POST body for every officer form: whatever the form, the object is fetched (and
# refused) before the input is looked at.
FORM_POST = {
    "reason": "walk",
    "to_status": "retained",
    "field": "id_number",
    "to_organisation": "BJ-0001",
    "month": "2024-01",
    "monthly_wage": "5000",
    "username": "baoji",
    "role": "admin",
    "new_parent": "610300",
    "name": "改名",
    "kind": "grassroots",
    "code": "BJ-9999",
    "division_code": "610300",
    # competitions, honours, innovation
    "decision": "upheld",
    "status": "dismissed",
    "reply": "walk",
    "fingerprint": "walk",
    "aspect": "A1",
    "value": "1",
    "score": "90",
    "number": "1",
    "members": "1",
    "title": "walk",
    "due_on": "2026-01-01",
    "amount": "100",
    "year": "2026",
    "rating": "excellent",
    "source": "walk",
    # assistance, rights
    "approve": "1",
    "visited_on": "2026-01-01",
    "visitor": "walk",
    "consent_signed": "on",
    "paid_on": "2026-01-01",
    "note": "walk",
    "accept": "1",
    "complexity": "complex",
    "to": "610100",
    "outcome": "settled",
    "progress": "walk",
    "owner": "walk",
    "deadline": "2027-01-01",
    "recovered_on": "2026-01-01",
    "organisation": "610100",
    "effective_from": "2026-01-01",
    "monthly": "955",
}


@pytest.fixture
def xian(world):
    """西安 objects of every kind the URLs take: a member, a pending application, an open
    transfer, a role assignment, the city federation."""
    enrolment = enrolment_services.enrolment_submit(
        actor=None,
        name="李娜",
        id_number=make_id_number("610113", gender="F", seq=70),
        phone=make_phone(70),
        employer="西安某机械厂",
        work_division="610113",
        employment_form="standard",
    )
    mover = member_services.member_create(
        actor=None,
        organisation=world.orgs["xian_factory"],
        name="王建国",
        id_number=make_id_number("610113", seq=71),
        phone=make_phone(71),
    )
    transfer = transfer_services.transfer_request(
        actor=world.users["xian"], member=mover, to_organisation=world.orgs["yanta_joint"], reason="换工作"
    )
    assignment = RoleAssignment.objects.get(user=world.users["xian"], organisation=world.orgs["xian"])
    return {
        "member_id": world.members["xian_worker"].pk,
        "enrolment_id": enrolment.pk,
        "transfer_id": transfer.pk,
        "assignment_id": assignment.pk,
        "code": "610100",
        **_xian_competition(world),
        **_xian_honours(world),
        **_xian_innovation(world),
        **_xian_assistance(world),
        **_xian_rights(world),
        **_xian_stations(world),
    }


def _xian_competition(world) -> dict:
    """A competition organised by 西安市总工会 with one entry (选手一 of the 西安 factory),
    marked, published, with a pending correction, an appeal and the recommendations the
    default rules make."""
    s = competition_helpers.build(world, organiser="xian", n=1)
    competition = s.competition
    competition.title = "西安市焊工技能竞赛"
    competition.save(update_fields=["title"])
    competition = competition_helpers.publish(world, s)
    entry = s.entries[0]
    sheet = competition_helpers.sheet(s, entry, 0)
    correction = marking.correction_request(
        actor=world.users["xian"],
        sheet=sheet,
        aspect=competition_helpers.aspect(s, "A1"),
        new_value=0,
        reason="复核发现焊缝裂纹",
    )
    appeal = results.appeal_file(actor=world.users["xian"], entry=entry, reason="理论成绩有误，请复核")
    recommendation = competition_models.Recommendation.objects.filter(competition=competition).first()
    assert recommendation is not None, "the default rules recommend the winner"
    return {
        "competition_id": competition.pk,
        "entry_id": entry.pk,
        "sheet_id": sheet.pk,
        "correction_id": correction.pk,
        "appeal_id": appeal.pk,
        "recommendation_id": recommendation.pk,
        # every button of the competition page
        "action": [
            "advance_status",
            "advance_entries",
            "compute",
            "verify",
            "publish",
            "scheme",
            "register",
            "judge",
            "substitute",
            "rules",
            "theory",
        ],
    }


def _xian_honours(world) -> dict:
    """An honour filed by 西安, and a city list of 西安 on public notice with a nominee
    (recommended by the 西安 factory, accepted) and an objection against them."""
    honour = honour_registry.honour_grant(
        actor=world.users["xian"],
        member=world.members["xian_worker"],
        organisation=world.orgs["xian"],
        kind="model_worker",
        level="provincial",
        year=2020,
        issuing_body="陕西省人民政府",
    )
    nomination_list = nominations.nomination_list_create(
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
    nominee = nominations.nominee_recommend(
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
        nominee = nominations.nominee_approve(actor=world.users["xian"], nominee=nominee)
    nomination_list = nominations.publicity_start(
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


def _xian_innovation(world) -> dict:
    """An adopted 五小 idea of a 西安 factory member (with an attachment, a milestone and a
    report), a studio of the factory and an alliance of 西安 holding it."""
    member = world.users["member"]  # 张伟, 西安某机械厂
    idea = idea_services.idea_submit(
        actor=member,
        kind="suggestion",
        title="车间照明改造",
        problem="车间照明不足",
        proposal="更换LED灯具",
        files=[SimpleUploadedFile("草图.png", PNG, content_type="image/png")],
    )
    _reporter, reporter = member_with_login(world, "yanta_joint", "walk_reporter")
    idea_services.idea_report(actor=reporter, idea=idea, reason="内容重复")
    idea_services.idea_send_to_review(actor=world.users["xian"], idea=idea)
    idea_services.idea_review(
        actor=world.users["xian"],
        idea=idea,
        feasibility="high",
        estimated_benefit="12000.50",
        score=86,
        adopted=True,
        answer="方案可行，在二车间试点。",
    )
    milestone = idea_services.milestone_add(
        actor=world.users["xian"], idea=idea, title="试点安装", due_on=datetime.date(2027, 1, 1)
    )
    studio = studio_services.studio_create(
        actor=world.users["xian"],
        organisation=world.orgs["xian_factory"],
        name="西安焊接创新工作室",
        employer="西安某机械厂",
        lead=world.members["xian_worker"],
        level="city",
        named_on="2021-04-28",
        naming_body="西安市总工会",
    )
    alliance = studio_services.alliance_create(
        actor=world.users["xian"],
        organisation=world.orgs["xian"],
        name="西安装备制造创新联盟",
        studios=[studio],
    )
    return {
        "idea_id": idea.pk,
        "attachment_id": innovation_models.IdeaAttachment.objects.get(idea=idea).pk,
        "milestone_id": milestone.pk,
        "studio_id": studio.pk,
        "alliance_id": alliance.pk,
    }


def _xian_assistance(world) -> dict:
    """The hardship file of 张伟 (西安某机械厂): filed, paid once, then out of hardship after six
    months above 低保 and flagged by the 防止返困 check with an open alert."""
    admin = world.users["xian"]
    dibao_services.dibao_set(
        actor=world.users["shaanxi"],
        division_code="610100",
        effective_from=datetime.date(2025, 1, 1),
        monthly="900",
    )
    today = datetime.date.today()
    household = household_services.household_open(actor=admin, head=world.members["xian_worker"], **HOUSEHOLD)
    household_services.household_screen(actor=admin, household=household, approve=True)
    household_services.household_visit(
        actor=admin, household=household, visited_on=today, visitor="王干事", consent_signed=True
    )
    household_services.household_review(actor=admin, household=household, approve=True)
    household_services.household_publicise(
        actor=admin, household=household, start=today - datetime.timedelta(days=20)
    )
    household_services.household_file(actor=admin, household=household)
    payment = household_services.payment_record(
        actor=admin,
        household=household,
        kind="living",
        amount="800",
        paid_on=today,
        note="西安困难职工春节慰问",
    )
    first = today.replace(day=1)
    for months_ago in range(6, 0, -1):
        household_services.income_record(
            actor=admin,
            household=household,
            month=household_services.add_months(first, -months_ago),
            income="4500",
        )
    household = household_services.household_periodic_review(actor=admin, household=household)
    assert household.status == "left"
    _risk, alert = assistance_monitoring.risk_check(
        actor=admin, household=household, job_loss=True, accident=True
    )
    assert alert is not None
    document = assistance_attachments.attachment_add(
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
        "household_secrets": ["6222021234567890123", "6222 0212 3456 7890 123"],
    }


def _xian_rights(world) -> dict:
    """A legal-aid request of a worker of 西安某机械厂 (held by the factory union), offered to
    the 雁塔 joint union with a referral letter, with legal-aid details and one piece of
    evidence; and a practical need of 西安市总工会 linked to it."""
    admin = world.users["xian"]
    phone = make_phone(74)
    request = request_services.request_file(
        actor=None,
        channel="phone",
        category="legal_aid",
        description="西安工地拖欠加班费，被违法解除劳动合同",
        work_division="610113",
        employer="西安某机械厂",
        name="钱维权",
        phone=phone,
    )
    assert request.organisation == world.orgs["xian_factory"]
    aid = legal_aid_services.legal_aid_open(
        actor=admin,
        request=request,
        cause="contract",
        form="arbitration",
        monthly_income="3217.00",
        knew_on=datetime.date.today() - datetime.timedelta(days=30),
        amount_in_dispute="48123.00",
    )
    evidence = legal_aid_services.evidence_add(
        actor=admin, aid=aid, upload=SimpleUploadedFile("劳动合同照片.png", PNG, content_type="image/png")
    )
    transfer = request_services.request_transfer(
        actor=admin, request=request, to=world.orgs["yanta_joint"], reason="转交雁塔区联合工会", letter=True
    )
    need = need_services.need_create(
        actor=admin,
        organisation=world.orgs["xian"],
        title="西安职工食堂改造",
        owner="刘主席",
        deadline=datetime.date.today() + datetime.timedelta(days=60),
        request=request,
    )
    wage_arrears = request_services.request_file(
        actor=None,
        channel="phone",
        category="wage_arrears",
        description="西安某工地拖欠三个月工资",
        work_division="610113",
        employer="西安某机械厂",
        name="孙欠薪",
        phone=make_phone(75),
        amount_owed="9999.00",
    )
    return {
        "request_id": request.pk,
        "wage_arrears_id": wage_arrears.pk,
        "request_transfer_id": transfer.pk,
        "evidence_id": evidence.pk,
        "need_id": need.pk,
        "legal_aid_id": aid.pk,
        # the worker's full name and phone, the story, the referral reason, the evidence, the income
        "request_secrets": [
            "钱维权",
            phone,
            "西安工地拖欠加班费",
            "转交雁塔区联合工会",
            "劳动合同照片",
            "3217",
            "48123",
        ],
    }


def _xian_stations(world) -> dict:
    """A station of 西安市总工会 at the Bell Tower with a keeper, a photo, a closed day, an open
    repair ticket (with the reporter's contact), a check-in, and a pending suggested site in
    未央区 (no union of its own, so routed to 西安市总工会)."""
    admin = world.users["xian"]
    keeper = make_keeper(world, "walk_keeper", "xian")
    station = station_registry.station_create(
        actor=admin,
        organisation=world.orgs["xian"],
        data={
            "name": "西安钟楼环卫工会驿站",
            "address": "西安市碑林区南大街1号",
            "division_code": "610103",
            "lat": BELL_TOWER[0],
            "lng": BELL_TOWER[1],
            "crs": "wgs84",
            "hours": "24小时",
            "facilities": ["seating", "water"],
        },
        keeper=keeper,
    )
    photo = station_registry.photo_add(
        actor=admin, station=station, upload=SimpleUploadedFile("驿站.png", PNG, content_type="image/png")
    )
    exception = station_registry.exception_set(
        actor=admin,
        station=station,
        date=datetime.date.today() + datetime.timedelta(days=7),
        closed=True,
        note="设备检修",
    )
    contact = make_phone(76)
    ticket, merged = station_tickets.report_problem(
        actor=AnonymousUser(),
        station=station,
        kind="no_water",
        description="饮水机漏水走查，请联系孙师傅",
        contact=contact,
    )
    assert not merged
    station_checkins.check_in(station=station, key=station.checkin_key, token="walk-visitor-token-0001")
    suggestion = station_suggestions.suggestion_submit(
        actor=AnonymousUser(),
        data={
            "name": "西安走查建议点",
            "address": "未央区凤城八路",
            "division_code": "610112",
            "lat": "34.3400",
            "lng": "108.9400",
            "crs": "wgs84",
            "reason": "外卖骑手聚集走查，无处歇脚",
        },
    )
    assert suggestion.organisation == world.orgs["xian"]
    return {
        "station_id": station.pk,
        "station_code": station.code,
        "photo_id": photo.pk,
        "exception_id": exception.pk,
        "number": ticket.number,
        "suggestion_id": suggestion.pk,
        "file_format": ["xlsx", "csv"],  # the import templates
        "checkin_key": station.checkin_key,
        # never outside the keeper and the officers of 西安: the reporter's contact (in full and
        # masked), the ticket's description, the suggestion's reason, the door's check-in key,
        # the keeper's account
        "station_secrets": [
            contact,
            ticket.contact_masked,
            "饮水机漏水走查",
            "外卖骑手聚集走查",
            station.checkin_key,
            "walk_keeper",
        ],
    }


def _fill(params: list[str], values: dict, where: str) -> list[dict]:
    """Every way of filling ``params``: a value given as a list (the competition page's
    buttons) is walked once per item."""
    unknown = [p for p in params if p not in values]
    assert not unknown, f"the URL walk cannot fill {unknown} in {where}: add a 西安 object for it"
    options = [values[p] if isinstance(values[p], list) else [values[p]] for p in params]
    return [dict(zip(params, combo, strict=True)) for combo in itertools.product(*options)]


def html_urls(values: dict, *, public: bool = False) -> list[tuple[str, bool]]:
    """Every officer page as (url, takes_an_object); with ``public``, the public pages
    (PUBLIC_PAGES) instead."""
    urls = []
    for namespace, patterns in HTML_URLCONFS:
        scoped = values | {p: values[key] for (ns, p), key in PARAM_ALIASES.items() if ns == namespace}
        for pattern in patterns:
            assert isinstance(pattern, URLPattern), pattern
            name = f"{namespace}:{pattern.name}"
            if (name in PUBLIC_PAGES) != public:
                continue
            params = list(pattern.pattern.converters)
            for kwargs in _fill(params, scoped, str(pattern.pattern)):
                urls.append((reverse(name, kwargs=kwargs), bool(set(params) - NOT_AN_OBJECT)))
    if not public:
        urls += [(reverse(name), False) for name in TOP_LEVEL_PAGES]
    return urls


def signed_in(world, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


# Tables whose row count must not move while a sibling walks (with the audit log, which
# every service writes to).
COUNTED = [
    Member,
    RoleAssignment,
    AuditEntry,
    competition_models.Competition,
    competition_models.Entry,
    competition_models.Section,
    competition_models.Aspect,
    competition_models.JudgeAssignment,
    competition_models.Substitution,
    competition_models.Mark,
    competition_models.Correction,
    competition_models.Result,
    competition_models.Appeal,
    competition_models.Recommendation,
    honour_models.Honour,
    honour_models.NominationList,
    honour_models.Nominee,
    honour_models.NomineeReview,
    honour_models.Objection,
    innovation_models.Idea,
    innovation_models.IdeaSupport,
    innovation_models.IdeaReport,
    innovation_models.IdeaReview,
    innovation_models.IdeaMilestone,
    innovation_models.IdeaReward,
    innovation_models.Studio,
    innovation_models.StudioMember,
    innovation_models.Achievement,
    innovation_models.StudioReview,
    innovation_models.Funding,
    innovation_models.Alliance,
    innovation_models.AllianceMembership,
    assistance_models.DibaoStandard,
    assistance_models.Household,
    assistance_models.FamilyMember,
    assistance_models.HouseholdEvent,
    assistance_models.MonthlyIncome,
    assistance_models.Payment,
    assistance_models.RiskAlert,
    assistance_models.HouseholdAttachment,
    rights_models.Request,
    rights_models.RequestTransfer,
    rights_models.RequestEvent,
    rights_models.ArrearsWorker,
    rights_models.Recovery,
    rights_models.LegalAid,
    rights_models.Evidence,
    rights_models.PracticalNeed,
    station_models.Station,
    station_models.OpeningHours,
    station_models.HoursException,
    station_models.Photo,
    station_models.Ticket,
    station_models.TicketEvent,
    station_models.CheckIn,
    station_models.Suggestion,
]


def text(response) -> str:
    """The body as text; a file (a template, an export) may be binary or streamed."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8", errors="replace")


def leaks(body: str, values: dict) -> list[str]:
    """The 西安 markers and secrets found in ``body``."""
    return [marker for marker in [*XIAN_MARKERS, *values["station_secrets"]] if marker in body]


def snapshot(values: dict) -> tuple:
    member = Member.objects.get(pk=values["member_id"])
    competition = competition_models.Competition.objects.get(pk=values["competition_id"])
    idea = innovation_models.Idea.objects.get(pk=values["idea_id"])
    household = assistance_models.Household.objects.get(pk=values["household_id"])
    request = rights_models.Request.objects.get(pk=values["request_id"])
    need = rights_models.PracticalNeed.objects.get(pk=values["need_id"])
    station = station_models.Station.objects.get(pk=values["station_id"])
    ticket = station_models.Ticket.objects.get(number=values["number"])
    suggestion = station_models.Suggestion.objects.get(pk=values["suggestion_id"])
    return (
        member.name,
        member.status,
        Enrolment.objects.get(pk=values["enrolment_id"]).status,
        Transfer.objects.get(pk=values["transfer_id"]).status,
        (competition.status, competition.results_state, competition.title),
        competition_models.Sheet.objects.get(pk=values["sheet_id"]).status,
        competition_models.Correction.objects.get(pk=values["correction_id"]).status,
        competition_models.Appeal.objects.get(pk=values["appeal_id"]).status,
        competition_models.Recommendation.objects.get(pk=values["recommendation_id"]).status,
        honour_models.NominationList.objects.get(pk=values["list_id"]).status,
        honour_models.Nominee.objects.get(pk=values["nominee_id"]).status,
        honour_models.Objection.objects.get(pk=values["objection_id"]).status,
        (idea.status, idea.moderation),
        innovation_models.IdeaMilestone.objects.get(pk=values["milestone_id"]).done_on,
        innovation_models.Studio.objects.get(pk=values["studio_id"]).status,
        (household.status, household.category, household.bank_card_enc, household.next_review_on),
        assistance_models.RiskAlert.objects.get(pk=values["alert_id"]).closed_at,
        (request.status, request.organisation_id, request.complexity, request.rating, request.escalations),
        rights_models.RequestTransfer.objects.get(pk=values["request_transfer_id"]).status,
        rights_models.LegalAid.objects.get(pk=values["legal_aid_id"]).outcome,
        (need.status, need.progress, need.rating),
        (station.name, station.status, station.note, station.always_open, station.verified_on),
        (station.keeper_id, station.checkin_key, station.is_active, station.lat, station.lng),
        (ticket.status, ticket.escalated, ticket.resolution),
        (suggestion.status, suggestion.decision_note, suggestion.station_id),
        {model.__name__: model.objects.count() for model in COUNTED},
    )


# ---- pages -----------------------------------------------------------------------------


def test_every_officer_page_sends_anonymous_visitors_to_the_login_page(world, xian, client):
    login = reverse("accounts:login")
    for url, _has_object in html_urls(xian):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if method == "get" and response.status_code == 405:
                # a POST-only button refuses the method before it looks anything up: nothing
                # about the object is revealed, and its POST is checked below
                continue
            assert response.status_code == 302, (method, url, response.status_code)
            assert response["Location"].startswith(login), (method, url)


# Scoped look-ups through query parameters of officer pages: 404 for a sibling.
HTML_SCOPED_QUERIES = [
    ("rights:rates", "?org=610100"),
    ("stations:tickets", "?union=610100"),
    ("stations:ticket_rates", "?org=610100"),
]


@pytest.mark.parametrize("sibling", SIBLINGS)
def test_every_xian_object_page_is_403_or_404_for_sibling_admins(world, xian, sibling):
    before = snapshot(xian)
    client = signed_in(world, sibling)
    walked = 0
    apps = set()
    for url, has_object in html_urls(xian):
        if not has_object:
            continue
        walked += 1
        apps.add(url.split("/")[1])
        response = client.get(url)
        got = response.status_code
        assert got in {403, 404, 405}, ("GET", url, got)
        assert not leaks(text(response), xian), url
        posted = client.post(url, FORM_POST).status_code
        # 405: a read-only page (refused above) that takes no POST
        assert posted in {403, 404} or (posted == 405 and got in {403, 404}), ("POST", url, posted)
    assert walked >= 80
    assert {
        "members",
        "organisations",
        "competitions",
        "honours",
        "innovation",
        "assistance",
        "rights",
        "stations",
    } <= apps, apps
    for name, query in HTML_SCOPED_QUERIES:
        assert client.get(reverse(name) + query).status_code == 404, (name, query)
    assert snapshot(xian) == before


@pytest.mark.parametrize("sibling", SIBLINGS)
def test_list_pages_show_sibling_admins_no_xian_rows(world, xian, sibling):
    client = signed_in(world, sibling)
    pages = [url for url, has_object in html_urls(xian) if not has_object]
    pages += [
        reverse("members:list") + "?organisation=610100",
        reverse("members:list") + "?q=zhangwei",
        reverse("members:enrolments") + "?tab=overdue",
        reverse("members:transfers") + "?tab=closed",
        reverse("organisations:tree") + "?q=610100",
        reverse("audit") + f"?object={xian['member_id']}",
        reverse("audit") + "?organisation=610100",
        reverse("competitions:list") + "?q=焊工",
        reverse("honours:list") + "?q=张",
        reverse("honours:list") + "?organisation=610100",
        reverse("honours:lists") + "?status=publicity",
        reverse("innovation:idea_list") + "?status=adopted",
        reverse("innovation:idea_similar") + "?title=车间照明&problem=照明不足",
        reverse("innovation:studio_list") + "?q=西安",
        reverse("audit") + f"?object={xian['competition_id']}",
        reverse("assistance:queue") + "?status=left",
        reverse("assistance:queue") + "?overdue=1",
        reverse("assistance:dibao") + "?division=6101",
        reverse("rights:queue") + "?tab=open",
        reverse("rights:queue") + "?tab=overdue",
        reverse("rights:queue") + "?tab=",
        reverse("audit") + f"?object={xian['household_id']}",
        reverse("audit") + f"?object={xian['request_id']}",
        reverse("stations:manage") + "?union=610100",
        reverse("stations:manage") + "?problems=1",
        reverse("stations:manage") + "?stale=1",
        reverse("stations:tickets") + "?status=all",
        reverse("stations:tickets") + "?status=open&overdue=",
        reverse("stations:suggestions") + "?status=all",
        reverse("audit") + f"?object={xian['station_id']}",
    ]
    for url in pages:
        response = client.get(url)
        if response.status_code == 405:  # a POST-only button (the import's confirm): its POST is
            continue  # walked by test_sibling_admins_write_nothing_of_xian_through_the_station_forms
        assert response.status_code == 200, (url, response.status_code)
        leaked = leaks(text(response), xian)
        assert not leaked, (url, leaked)


@pytest.mark.parametrize("sibling", SIBLINGS)
def test_sibling_admins_write_nothing_of_xian_through_the_assistance_and_rights_forms(world, xian, sibling):
    """The forms of pages that take no object name 西安 in their input: the 低保 of 西安, a
    practical need of 西安市总工会, or one of the sibling's own union linked to 西安's request.
    Each is refused and nothing is written."""
    client = signed_in(world, sibling)
    before = snapshot(xian)
    dibao = {"division_code": "610100", "effective_from": "2026-01-01", "monthly": "955"}
    got = client.post(reverse("assistance:dibao"), dibao).status_code
    assert got in {400, 403, 404}, got
    need = {"title": "walk", "owner": "walk", "deadline": "2027-01-01"}
    for data in (
        {**need, "organisation": "610100"},
        {**need, "organisation": world.orgs[sibling].code, "request_id": str(xian["request_id"])},
    ):
        got = client.post(reverse("rights:needs"), data).status_code
        assert got in {400, 403, 404}, (data, got)
    assert snapshot(xian) == before


def test_the_xian_admin_reaches_every_page_the_walk_visits(world, xian):
    client = signed_in(world, "xian")
    for url, _has_object in html_urls(xian):
        got = client.get(url).status_code
        assert got in {200, 405}, (url, got)


# ---- API -------------------------------------------------------------------------------

# Bodies for the scoped API writes, keyed by (method, router path). Each names a 西安 object
# so that the sibling is refused for the object, not for a malformed body.
API_BODIES = {
    ("POST", "members"): {
        "organisation": "XA-0001",
        "name": "赵六",
        "id_number": make_id_number("610113", seq=72),
    },
    ("PATCH", "members/{member_id}"): {"name": "改名"},
    ("POST", "members/{member_id}/status"): {"status": "retained", "reason": "walk"},
    ("POST", "members/{member_id}/reveal"): {"field": "id_number", "reason": "walk"},
    ("POST", "members/{member_id}/dues"): {"month": "2024-01-01", "monthly_wage": "5000"},
    ("POST", "enrolments/{enrolment_id}/approve"): None,
    ("POST", "enrolments/{enrolment_id}/reject"): {"reason": "walk"},
    ("POST", "transfers"): {"member": "{member_id}", "to_organisation": "BJ-0001", "reason": "walk"},
    ("POST", "transfers/{transfer_id}/release"): None,
    ("POST", "transfers/{transfer_id}/accept"): None,
    ("POST", "transfers/{transfer_id}/refuse"): {"reason": "walk"},
    ("POST", "transfers/{transfer_id}/cancel"): {"reason": "walk"},
    # competitions
    ("POST", "/{competition_id}/scheme"): competition_helpers.SCHEME,
    ("POST", "/{competition_id}/marks"): {"entry": "{entry_id}", "aspect": "A1", "score": 1},
    ("POST", "/{competition_id}/sheets/{sheet_id}/sign-off"): None,
    ("POST", "/{competition_id}/results/compute"): None,
    ("POST", "/{competition_id}/results/verify"): None,
    ("POST", "/{competition_id}/results/publish"): None,
    ("POST", "/{competition_id}/recommendations/{recommendation_id}/accept"): None,
    ("POST", "/{competition_id}/recommendations/{recommendation_id}/decline"): {"reason": "walk"},
    ("POST", "/{competition_id}/appeals"): {"entry": "{entry_id}", "reason": "理论成绩有误，请复核"},
    # innovation
    ("POST", "ideas"): {"kind": "suggestion", "title": "walk", "problem": "walk", "proposal": "walk"},
    ("POST", "ideas/{idea_id}/support"): None,
    ("POST", "ideas/{idea_id}/report"): {"reason": "walk"},
    ("POST", "ideas/{idea_id}/review"): {
        "feasibility": "high",
        "estimated_benefit": "1",
        "score": 1,
        "adopted": False,
        "answer": "walk",
    },
    # assistance: the 低保 of 西安, a second file for 张伟, the buttons of 张伟's file
    ("POST", "dibao"): {"division_code": "610100", "effective_from": "2026-01-01", "monthly": "955"},
    ("POST", "households"): {
        "head": "{member_id}",
        "housing": "own",
        "main_cause": "illness",
        "medical_insurance": "employee",
    },
    ("POST", "households/{household_id}/screen"): {"approve": True},
    ("POST", "households/{household_id}/visit"): {
        "visited_on": "2026-01-01",
        "visitor": "walk",
        "consent_signed": True,
    },
    ("POST", "households/{household_id}/review"): {"approve": True},
    ("POST", "households/{household_id}/publicise"): {},
    ("POST", "households/{household_id}/file"): None,
    ("POST", "households/{household_id}/close"): {"reason": "walk"},
    ("POST", "households/{household_id}/periodic-review"): None,
    ("POST", "households/{household_id}/payments"): {
        "kind": "living",
        "amount": "1",
        "paid_on": "2026-01-01",
    },
    ("POST", "households/{household_id}/incomes"): {"month": "2026-01-01", "income": "1"},
    ("POST", "households/{household_id}/bank-card/reveal"): None,
    ("POST", "households/{household_id}/risk"): {"job_loss": True, "accident": True},
    ("POST", "alerts/{alert_id}/close"): {"outcome": "walk"},
    ("PATCH", "households/{household_id}"): {"housing": "own"},
    ("POST", "households/{household_id}/reopen"): {"reason": "walk"},
    ("POST", "households/{household_id}/attachments"): {"kind": "other"},
    # rights: officer actions on 西安 requests, wage arrears, legal aid, practical needs
    ("POST", "requests/{request_id}/accept"): None,
    ("POST", "requests/{request_id}/complexity"): {"complexity": "complex", "reason": "walk"},
    ("POST", "requests/{request_id}/close"): {"reply": "walk"},
    ("POST", "requests/{request_id}/transfer"): {"to": "610300", "reason": "walk"},
    ("POST", "requests/{request_id}/transfer/accept"): None,
    ("POST", "requests/{request_id}/transfer/refuse"): {"note": "walk"},
    ("POST", "requests/{request_id}/escalate"): {"reason": "walk"},
    ("POST", "requests/{request_id}/follow-up"): {"note": "walk"},
    ("POST", "wage-arrears"): {
        "description": "walk",
        "work_division": "610113",
        "name": "walk",
        "phone": "13600000003",
        "amount_owed": "1.00",
    },
    ("POST", "wage-arrears/{wage_arrears_id}/workers"): {"name": "walk", "amount": "1.00"},
    ("POST", "wage-arrears/{wage_arrears_id}/referral"): {"reason": "walk", "to": "610300"},
    ("POST", "wage-arrears/{wage_arrears_id}/recoveries"): {"amount": "1.00", "recovered_on": "2026-01-01"},
    ("POST", "legal-aid"): {
        "request": "{request_id}",
        "cause": "contract",
        "form": "mediation",
        "monthly_income": "1.00",
        "knew_on": "2026-01-01",
    },
    ("POST", "legal-aid/{legal_aid_id}/evidence"): None,
    ("POST", "legal-aid/{legal_aid_id}/employment-end"): {"employment_ended_on": "2026-01-01"},
    ("POST", "legal-aid/{legal_aid_id}/outcome"): {"outcome": "settled"},
    ("POST", "practical-needs"): {
        "organisation": "610100",
        "title": "walk",
        "owner": "walk",
        "deadline": "2027-01-01",
    },
    ("POST", "practical-needs/{need_id}/progress"): {"status": "done", "progress": "walk"},
    ("POST", "practical-needs/{need_id}/rate"): {"rating": 5},
    # stations: a new station of 西安市总工会, the buttons of the 西安 station, its ticket and
    # the suggestion routed to 西安
    ("POST", "stations"): {
        "organisation": "610100",
        "name": "walk",
        "address": "walk",
        "division_code": "610113",
        "lat": 34.2,
        "lng": 108.9,
        "hours": "24小时",
    },
    ("PATCH", "stations/{station_id}"): {"name": "改名"},
    ("POST", "stations/{station_id}/status"): {"status": "closed", "note": "walk"},
    ("PUT", "stations/{station_id}/hours"): {"hours": "周一至周五 08:30-18:00"},
    ("POST", "stations/{station_id}/verify"): None,
    ("POST", "stations/tickets/{number}/acknowledge"): {"note": "walk"},
    ("POST", "stations/tickets/{number}/resolve"): {"resolution": "walk"},
    ("POST", "stations/tickets/{number}/reject"): {"reason": "walk"},
    ("POST", "stations/suggestions/{suggestion_id}/decline"): {"reason": "walk"},
}

# Writes that name no union: they act in the caller's own union, so there is no 西安 object
# for the sibling to be refused; a sibling admin, who is no member, is refused as such.
# (A member submits a 五小 idea to their own union — innovation.services.ideas.idea_submit.)
API_OWN_UNION_WRITES = {("POST", "ideas"): (400, "not_a_member")}

# Scoped look-ups through query parameters of list endpoints, keyed by URL name.
API_SCOPED_QUERIES = {
    "list_members": {"organisation": "610100"},
    "list_organisations": {"parent": "610100"},
    "list_audit": {"organisation": "610100"},
    "list_honours": {"organisation": "610100"},
    "list_practical_needs": {"organisation": "610100"},
    "stations_list_tickets": {"union": "610100"},
}

# Searches of list endpoints that must find no 西安 row for a sibling (200, no marker).
API_SEARCHES = {
    "list_competitions": {"q": "焊工"},
    "list_honours": {"q": "张"},
    "list_nomination_lists": {"status": "publicity"},
    "list_ideas": {"status": "adopted"},
    "similar_ideas": {"q": "车间照明 照明不足"},
    "list_studios": {"q": "西安"},
    "list_households": {"status": "left"},
    "list_requests": {"status": "new"},
    "list_wage_arrears": {"status": "open"},
    "stations_list_tickets": {"status": "open"},
    "stations_list_suggestions": {"status": "all"},
}


def _routers():
    """(key prefix, router) for every router of API_ROUTERS and every router mounted inside."""

    def walk(prefix: str, router):
        yield prefix, router
        for child_prefix, child, *_tags in router._routers:
            yield from walk("/".join(p for p in (prefix, child_prefix.strip("/")) if p), child)

    for router in API_ROUTERS:
        yield from walk(API_KEY_PREFIX.get(router, ""), router)


def api_operations(values: dict, *, public: bool = False):
    """Every authenticated operation as (method, key path, url, URL name); with ``public``,
    the operations open to everyone (API_PUBLIC) instead. The key path is the router's path
    without converters ("{uuid:station_id}" → "{station_id}"), below API_KEY_PREFIX."""
    for prefix, router in _routers():
        for router_path, path_view in router.path_operations.items():
            bare = re.sub(r"{\w+:(\w+)}", r"{\1}", router_path)
            path = "/".join(p for p in (prefix, bare) if p) if prefix else bare
            for operation in path_view.operations:
                params = re.findall(r"{(\w+)}", path)
                name = path_view.url_name or operation.view_func.__name__
                for kwargs in _fill(params, values, f"API {path}"):
                    url = reverse(f"api:{name}", kwargs=kwargs)
                    assert url.endswith(path.format(**kwargs)), (url, path)  # not a namesake
                    for method in operation.methods:
                        if operation.auth_param is None and (method, path) not in API_PUBLIC:
                            continue  # public by design: enrolment, dues calculator, card check
                        if ((method, path) in API_PUBLIC) == public:
                            yield method, path, url, name


def _call(client: Client, method: str, url: str, body=None, query=None):
    if method == "GET":
        return client.get(url, query or {})
    data = json.dumps(body) if body is not None else ""
    return client.generic(method, url, data=data, content_type="application/json")


def _body(method: str, path: str, values: dict):
    key = (method, path)
    assert key in API_BODIES, f"the URL walk has no body for {method} {path}: add one naming a 西安 object"
    body = API_BODIES[key]
    if body is None:
        return None
    return {
        k: (str(values[v[1:-1]]) if isinstance(v, str) and v.startswith("{") else v) for k, v in body.items()
    }


def test_every_scoped_api_endpoint_answers_401_to_anonymous_callers(world, xian, client):
    walked = 0
    for method, path, url, _name in api_operations(xian):
        walked += 1
        body = _body(method, path, xian) if method != "GET" else None
        response = _call(client, method, url, body)
        assert response.status_code == 401, (method, url, response.status_code)
        assert response.json()["code"] == "unauthenticated"
    assert walked >= 20


@pytest.mark.parametrize("sibling", SIBLINGS)
def test_every_scoped_api_endpoint_is_403_or_404_for_sibling_admins(world, xian, sibling):
    before = snapshot(xian)
    client = signed_in(world, sibling)
    prefixes = set()
    for method, path, url, name in api_operations(xian):
        prefixes.add(url.removeprefix(reverse("api:api-root")).split("/")[0])
        takes_object = "{" in path
        if method == "GET" and not takes_object:
            response = _call(client, method, url)
            assert response.status_code == 200, (method, url, response.status_code)
            leaked = leaks(text(response), xian)
            assert not leaked, (url, leaked)
            if name in API_SCOPED_QUERIES:
                scoped = _call(client, method, url, query=API_SCOPED_QUERIES[name])
                assert scoped.status_code == 404, (method, url, scoped.status_code)
            if name in API_SEARCHES:
                found = _call(client, method, url, query=API_SEARCHES[name])
                assert found.status_code == 200, (method, url, found.status_code)
                leaked = leaks(found.content.decode(), xian)
                assert not leaked, (url, API_SEARCHES[name], leaked)
            continue
        body = _body(method, path, xian) if method != "GET" else None
        response = _call(client, method, url, body)
        if (method, path) in API_OWN_UNION_WRITES:
            status, code = API_OWN_UNION_WRITES[(method, path)]
            assert (response.status_code, response.json()["code"]) == (status, code), (method, url)
            continue
        assert response.status_code in {403, 404}, (method, url, response.status_code, response.content[:200])
        leaked = leaks(text(response), xian)
        assert not leaked, (method, url, leaked)
    assert {"assistance", "requests", "stations"} <= prefixes, prefixes
    assert snapshot(xian) == before


def test_the_xian_admin_reaches_every_api_read(world, xian):
    client = signed_in(world, "xian")
    walked = 0
    for method, _path, url, _name in api_operations(xian):
        if method != "GET":
            continue
        walked += 1
        response = _call(client, method, url)
        assert response.status_code == 200, (url, response.status_code, response.content[:200])
    assert walked >= 15


# ---- open by design ------------------------------------------------------------------------


@pytest.mark.parametrize("visitor", [None, *SIBLINGS])
def test_the_public_notice_is_open_to_everyone_and_shows_no_personal_data(world, xian, visitor):
    """PUBLIC_PAGES: the 公示 of 西安's list is read by anyone — anonymous or a sibling admin —
    with the nominee's name, never their ID number or phone, nor the objector's contact; a
    POST without a complete objection writes nothing; a list not on notice is 404."""
    client = Client() if visitor is None else signed_in(world, visitor)
    before = snapshot(xian)
    pages = [(url, obj) for url, obj in html_urls(xian, public=True) if url.startswith("/honours/")]
    assert {url for url, _ in pages} == {
        reverse("honours:notices"),
        reverse("honours:notice", kwargs={"list_id": xian["list_id"]}),
    }
    for url, _has_object in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = response.content.decode()
        assert "西安市劳动模范推荐评选" in body
        for secret in xian["notice_secrets"]:
            assert secret not in body, (url, secret)
    notice = reverse("honours:notice", kwargs={"list_id": xian["list_id"]})
    assert client.post(notice, FORM_POST).status_code == 200  # the form again, with its errors
    assert snapshot(xian) == before
    building = nominations.nomination_list_create(
        actor=world.users["xian"],
        organiser=world.orgs["xian"],
        title="2026年西安市五一劳动奖章推荐",
        kind="may_day_medal",
        level="city",
        year=2026,
    )
    assert client.get(reverse("honours:notice", kwargs={"list_id": building.pk})).status_code == 404
    assert "五一劳动奖章推荐" not in client.get(reverse("honours:notices")).content.decode()


@pytest.mark.parametrize("visitor", [None, *SIBLINGS])
def test_the_workers_rights_and_assistance_pages_are_open_and_show_no_personal_data(world, xian, visitor):
    """PUBLIC_PAGES of 维权 and 帮扶: the filing form and the union's practical needs are open to
    anyone, the request's progress page to whoever holds its id — with the name and phone
    masked, without the story, the referral reason or the legal-aid details; the application
    page sends an anonymous visitor to log in and shows an officer without a member record no
    file. None of them shows the household's bank card, and a POST of the walk's form writes
    nothing."""
    client = Client() if visitor is None else signed_in(world, visitor)
    before = snapshot(xian)
    pages = {
        url for url, _ in html_urls(xian, public=True) if not url.startswith(("/honours/", "/stations/"))
    }
    status = reverse("rights:status", kwargs={"request_id": xian["request_id"]})
    needs = reverse("rights:needs_public", kwargs={"code": "610100"})
    apply = reverse("assistance:apply")
    find = reverse("rights:find")
    assert pages == {reverse("rights:file"), status, find, needs, apply}
    secrets = [*xian["request_secrets"], *xian["household_secrets"], "张小明"]
    for url in (reverse("rights:file"), status, find, needs, apply):
        response = client.get(url)
        if url == apply and visitor is None:
            assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
            continue
        assert response.status_code == 200, (url, response.status_code)
        body = response.content.decode()
        leaked = [secret for secret in secrets if secret in body]
        assert not leaked, (url, leaked)
        if url == status:
            assert "钱**" in body or "钱*" in body, "the progress page shows the masked name"
        if url == needs:
            assert "西安职工食堂改造" in body  # the need itself is public by design
        posted = client.post(url, FORM_POST)
        assert posted.status_code in {200, 302, 400}, (url, posted.status_code)
        leaked = [secret for secret in secrets if secret in posted.content.decode()]
        assert not leaked, (url, leaked)
    assert snapshot(xian) == before
    assert client.get(reverse("rights:status", kwargs={"request_id": xian["need_id"]})).status_code == 404


@pytest.mark.parametrize("visitor", [None, *SIBLINGS])
def test_the_public_rights_api_writes_nothing_for_a_xian_request_and_shows_no_personal_data(
    world, xian, visitor
):
    """API_PUBLIC: anyone files a request (walked by the rights tests) and rates one by its
    id; rating 西安's open request is refused without showing anything of it."""
    client = Client() if visitor is None else signed_in(world, visitor)
    before = snapshot(xian)
    operations = {(method, path) for method, path, _url, _name in api_operations(xian, public=True)}
    assert operations == API_PUBLIC
    rate = reverse("api:rate_request", kwargs={"request_id": xian["request_id"]})
    response = _call(client, "POST", rate, {"rating": 5, "phone": make_phone(75)})
    assert response.status_code in {400, 403, 404}, (rate, response.status_code)
    leaked = [secret for secret in xian["request_secrets"] if secret in response.content.decode()]
    assert not leaked, leaked
    filed = _call(client, "POST", reverse("api:file_request"), {"category": "complaint"})
    assert filed.status_code in {400, 422}, filed.status_code
    assert snapshot(xian) == before


def test_ideas_are_open_to_members_of_the_city_community_only(world, xian):
    """A 五小 idea is read and supported by the members of its city's community (a member of
    another 西安 union sees it, by design); a member of 宝鸡 gets 404 on every idea page,
    and the idea lists and searches show them no 西安 idea."""
    neighbour, outsider = Client(), Client()
    neighbour.force_login(member_with_login(world, "yanta_joint", "xian_neighbour")[1])
    outsider.force_login(member_with_login(world, "baoji_factory", "baoji_member")[1])
    detail = reverse("innovation:idea_detail", kwargs={"idea_id": xian["idea_id"]})
    page = neighbour.get(detail)
    assert page.status_code == 200 and "车间照明改造" in page.content.decode()
    before = snapshot(xian)
    idea_pages = [(url, obj) for url, obj in html_urls(xian) if url.startswith("/innovation/ideas/")]
    for url, has_object in idea_pages:
        if not has_object:  # lists, queues, the new-idea form, the similar-ideas hint
            response = outsider.get(url, {"title": "车间照明", "problem": "照明不足"})
            assert response.status_code in {200, 403}, (url, response.status_code)
            leaked = [marker for marker in XIAN_MARKERS if marker in response.content.decode()]
            assert not leaked, (url, leaked)
            continue
        assert outsider.get(url).status_code in {403, 404, 405}, url  # 403: officer pages
        assert outsider.post(url, FORM_POST).status_code in {403, 404, 405}, url
    assert snapshot(xian) == before


def test_a_provincial_list_is_open_to_the_sibling_city_without_xians_nominee(world, xian):
    """A list organised above 宝鸡 (陕西's provincial selection) is open to the 宝鸡 admin, by
    design — they recommend to it — but 西安's nominee on it is not: the list page and the
    API show them no 西安 row, every page of the nominee is 404, and nothing is written.
    甘肃 does not see the list at all."""
    plist = nominations.nomination_list_create(
        actor=world.users["shaanxi"],
        organiser=world.orgs["shaanxi"],
        title="2026年陕西省劳动模范推荐评选",
        kind="model_worker",
        level="provincial",
        year=2026,
    )
    nominee = nominations.nominee_recommend(
        actor=world.users["xian"],
        nomination_list=plist,
        recommending_org=world.orgs["xian_factory"],
        member=world.members["xian_worker"],
        deeds="技术革新十余项，年节约成本200万元。",
        is_front_line=True,
        is_industrial_worker=True,
        enterprise_ownership="non_public",
        is_migrant_worker=True,
    )
    baoji, gansu = signed_in(world, "baoji"), signed_in(world, "gansu")
    before = snapshot(xian)
    for url in (
        reverse("honours:list_detail", kwargs={"list_id": plist.pk}),
        reverse("honours:lists"),
        reverse("api:list_nomination_lists"),
        reverse("api:get_nomination_list", kwargs={"list_id": plist.pk}),
    ):
        response = baoji.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = response.content.decode()
        assert "2026年陕西省劳动模范推荐评选" in body, url
        leaked = [marker for marker in XIAN_MARKERS if marker in body]
        assert not leaked, (url, leaked)
    assert gansu.get(reverse("honours:list_detail", kwargs={"list_id": plist.pk})).status_code == 404
    assert "2026年陕西省劳动模范推荐评选" not in gansu.get(reverse("honours:lists")).content.decode()
    nominee_urls = [
        reverse(f"honours:nominee_{action}", kwargs={"nominee_id": nominee.pk})
        for action in ("approve", "return", "resubmit", "withdraw", "strike")
    ]
    for url in nominee_urls:
        for client in (baoji, gansu):
            assert client.post(url, FORM_POST).status_code in {403, 404}, url
    assert snapshot(xian) == before
    assert honour_models.Nominee.objects.get(pk=nominee.pk).status == "in_review"


# ---- 工会驿站: open by design ----------------------------------------------------------------


@pytest.mark.parametrize("visitor", [None, *SIBLINGS])
def test_the_public_station_pages_are_open_and_show_no_personal_data(world, xian, visitor):
    """PUBLIC_PAGES of 工会驿站: anyone finds 西安's station, reads its page, photo and map,
    opens the report and check-in pages (the latter only with the door's key), follows the
    ticket by its number and the suggestion by its id, and exports the public data — without
    the reporter's contact, the ticket's description, the suggestion's reason, the check-in key
    (except on the page reached with it) or the keeper. A POST of the walk's form writes
    nothing."""
    client = Client() if visitor is None else signed_in(world, visitor)
    before = snapshot(xian)
    code = xian["station_code"]
    checkin = reverse("stations:checkin", kwargs={"code": code})
    pages = {url for url, _ in html_urls(xian, public=True) if url.startswith("/stations/")}
    assert pages == {
        reverse("stations:find"),
        reverse("stations:map"),
        reverse("stations:detail", kwargs={"code": code}),
        reverse("stations:photo", kwargs={"code": code, "photo_id": xian["photo_id"]}),
        reverse("stations:report", kwargs={"code": code}),
        checkin,
        reverse("stations:ticket", kwargs={"number": xian["number"]}),
        reverse("stations:suggest"),
        reverse("stations:suggestion", kwargs={"suggestion_id": xian["suggestion_id"]}),
        reverse("stations:io_export"),
        reverse("stations:io_export_download"),
    }
    queries = {
        reverse("stations:find"): {"lat": "34.2611", "lng": "108.9422", "crs": "wgs84"},
        checkin: {"k": xian["checkin_key"]},
        reverse("stations:io_export_download"): {
            "kind": "registry",
            "format": "csv",
            "crs": "wgs84",
            "scope": "public",
        },
    }
    secrets = xian["station_secrets"]
    shows_station = pages - {
        reverse("stations:photo", kwargs={"code": code, "photo_id": xian["photo_id"]}),
        reverse("stations:suggest"),
        reverse("stations:suggestion", kwargs={"suggestion_id": xian["suggestion_id"]}),
        reverse("stations:io_export"),
    }
    for url in sorted(pages):
        response = client.get(url, queries.get(url, {}))
        assert response.status_code == 200, (url, response.status_code)
        body = text(response)
        if url == checkin:  # the page reached with the key carries it in its form
            body = body.replace(xian["checkin_key"], "")
        leaked = [secret for secret in secrets if secret in body]
        assert not leaked, (url, leaked)
        if url in shows_station:
            name = "西安钟楼环卫工会驿站"  # the walk hits the real station (the map: in JSON)
            assert name in body or json.dumps(name)[1:-1] in body, url
        posted = client.post(url, FORM_POST)
        assert posted.status_code in {200, 302, 400, 404, 405}, (url, posted.status_code)
        leaked = [secret for secret in secrets if secret in text(posted)]
        assert not leaked, (url, leaked)
    assert client.get(checkin).status_code == 404  # no key, no button
    assert client.get(checkin, {"k": "wrong"}).status_code == 404
    subtree = {"kind": "geojson", "format": "csv", "crs": "wgs84", "scope": "subtree", "union": "610100"}
    got = client.get(reverse("stations:io_export_download"), subtree)
    assert got.status_code == (302 if visitor is None else 404), got.status_code
    assert snapshot(xian) == before


@pytest.mark.parametrize("visitor", [None, *SIBLINGS])
def test_the_public_stations_api_shows_no_personal_data_and_writes_nothing_for_bad_input(
    world, xian, visitor
):
    """STATIONS_API_PUBLIC: the list, the nearest stations, a station's details and the
    exports answer anyone with 西安's station and none of its secrets; a report, a check-in
    or a suggestion with bad input (a wrong key) writes nothing; the subtree export of 西安 is
    refused (403 without an officer role, 404 for a sibling)."""
    client = Client() if visitor is None else signed_in(world, visitor)
    before = snapshot(xian)
    operations = {
        (m, p): url for m, p, url, _name in api_operations(xian, public=True) if p.startswith("stations")
    }
    assert set(operations) == STATIONS_API_PUBLIC
    queries = {
        "stations/nearest": {"lat": "34.2611", "lng": "108.9422"},
        "stations/export.poi": {"format": "csv"},
        "stations/export.registry": {"format": "csv"},
    }
    for (method, path), url in sorted(operations.items()):
        if method != "GET":
            continue
        response = _call(client, method, url, query=queries.get(path))
        assert response.status_code == 200, (url, response.status_code)
        body = text(response)
        assert "西安钟楼环卫工会驿站" in body, url
        leaked = [secret for secret in xian["station_secrets"] if secret in body]
        assert not leaked, (url, leaked)
    bad = {
        "stations/{station_id}/reports": ({"kind": "", "contact": "1"}, {400}),
        "stations/{station_id}/checkins": ({"key": "wrong", "visitor": "walk-visitor-token-9999"}, {404}),
        "stations/suggestions": ({"name": "", "reason": ""}, {400}),
    }
    for (method, path), url in sorted(operations.items()):
        if method == "GET":
            continue
        body, statuses = bad[path]
        response = _call(client, method, url, body)
        assert response.status_code in statuses, (url, response.status_code)
        leaked = [secret for secret in xian["station_secrets"] if secret in text(response)]
        assert not leaked, (url, leaked)
    for name in ("stations_io_export_geojson", "stations_io_export_poi", "stations_io_export_registry"):
        response = _call(client, "GET", reverse(f"api:{name}"), query={"scope": "subtree", "union": "610100"})
        assert response.status_code == (403 if visitor is None else 404), (name, response.status_code)
    assert snapshot(xian) == before


@pytest.mark.parametrize("sibling", SIBLINGS)
def test_sibling_admins_write_nothing_of_xian_through_the_station_forms(
    world, xian, sibling, settings, tmp_path
):
    """The forms of station pages that take no object name 西安 in their input: a new station
    of 西安市总工会, an import file of 西安's union. Each is refused and nothing is written."""
    settings.MEDIA_ROOT = tmp_path
    client = signed_in(world, sibling)
    before = snapshot(xian)
    station = {
        "organisation": "610100",
        "name": "walk",
        "address": "walk",
        "division_code": "610113",
        "lat": "34.2",
        "lng": "108.9",
        "crs": "wgs84",
        "hours": "24小时",
        "status": "open",
        "tier": "ordinary",
    }
    got = client.post(reverse("stations:manage_create"), station).status_code
    assert got in {200, 400, 403, 404}, got
    csv = "名称,所属工会代码,行政区划代码,地址,纬度,经度,开放时间\r\nwalk,610100,610113,walk,34.2,108.9,24小时\r\n"
    upload = SimpleUploadedFile("stations.csv", csv.encode("utf-8"), content_type="text/csv")
    preview = client.post(reverse("stations:io_import"), {"file": upload})
    assert preview.status_code in {400, 403, 404}, preview.status_code
    confirm = client.post(reverse("stations:io_import_confirm"), {"token": "walk"})
    assert confirm.status_code in {302, 403, 404}, confirm.status_code
    assert snapshot(xian) == before
