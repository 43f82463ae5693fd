"""我的: each page for a member and for a visitor, only the person's own rows, and the writes
behind them (adding to a request, rating once, moving by the union's name, entering a
competition, 认证, changing the phone) — all through plain forms, without JavaScript."""

import datetime
import json
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from gonghui.accounts.services.phone import phone_index
from gonghui.competitions.models import Entry
from gonghui.competitions.services import setup as competition_setup
from gonghui.core import crypto
from gonghui.core.models import AuditEntry
from gonghui.members.models import Transfer
from gonghui.members.services import enrolment as enrolment_services
from gonghui.rights.models import RequestEvent
from gonghui.rights.services import requests as request_services
from gonghui.testing import client_for, make_id_number, make_phone, make_user

MINE_PAGES = [
    "/me/overview/",
    "/me/applications/",
    "/me/requests/",
    "/me/hardship/",
    "/me/transfers/",
    "/me/competitions/",
    "/me/ideas/",
    "/me/verify/",
    "/me/phone/",
]
VISITOR_PHONE = "13700000077"


@pytest.fixture
def visitor(world):
    """An account signed in by phone with no member record (its phone set as the sign-in
    service sets it)."""
    user = make_user("visitor")
    user.phone_enc = crypto.encrypt(VISITOR_PHONE)
    user.phone_hash = phone_index(VISITOR_PHONE)
    user.phone_masked = "137****0077"
    user.save()
    return user


def file_request(world, user, member=None, **extra):
    fields = {
        "channel": "app",
        "category": "help",
        "description": "工资拖欠两个月，老板说下个月再发。",
        "work_division": "610113",
    }
    if member is None:
        fields.update(name="李四", phone=make_phone(40))
    return request_services.request_file(actor=user, member=member, **{**fields, **extra})


def closed(world, req):
    request_services.request_accept(actor=world.users["xian"], request=req)
    return request_services.request_close(actor=world.users["xian"], request=req, reply="已协调发放。")


# ---- every page, member and visitor ---------------------------------------------------------


@pytest.mark.parametrize("url", MINE_PAGES)
def test_each_mine_page_renders_in_chinese_for_a_member(world, member_user, url):
    answer = client_for(member_user).get(url)
    assert answer.status_code == 200
    assert answer["Content-Language"] == "zh-hans"


@pytest.mark.parametrize("url", MINE_PAGES)
def test_each_mine_page_renders_for_a_visitor_without_a_member_record(visitor, url):
    assert client_for(visitor).get(url).status_code == 200


@pytest.mark.parametrize(
    "url", ["/me/transfers/", "/me/competitions/", "/me/ideas/", "/me/hardship/", "/me/overview/"]
)
def test_member_only_pages_tell_a_visitor_to_link_the_record_or_join(visitor, url):
    page = client_for(visitor, language="en").get(url).content.decode()
    assert "/me/verify/" in page and "/join/" in page


def test_empty_lists_tell_a_visitor_what_to_do(visitor):
    caller = client_for(visitor, language="en")
    assert "/rights/new/" in caller.get("/me/requests/").content.decode()
    applications = caller.get("/me/applications/").content.decode()
    assert "No application to join was made with your phone number." in applications
    assert "/join/status/" in applications  # the lookup by ID number and another phone


def test_mine_pages_need_signing_in(client):
    for url in MINE_PAGES:
        assert client.get(url).status_code == 302


# ---- my applications ----------------------------------------------------------------------------


def test_my_applications_are_those_filed_with_my_phone(world, visitor):
    mine = enrolment_services.enrolment_submit(
        actor=AnonymousUser(),
        name="王芳",
        id_number=make_id_number("610113", datetime.date(1995, 5, 5), "F", seq=50),
        phone=VISITOR_PHONE,
        employer="某快递公司",
        work_division="610113",
        employment_form="courier",
    )
    enrolment_services.enrolment_submit(
        actor=AnonymousUser(),
        name="赵强",
        id_number=make_id_number("610113", datetime.date(1990, 1, 1), "M", seq=51),
        phone=make_phone(51),
        employer="某外卖平台",
        work_division="610113",
        employment_form="courier",
    )
    page = client_for(visitor).get("/me/applications/").content.decode()
    assert page.count('class="card application"') == 1
    assert mine.organisation.name in page and 'data-status="pending"' in page


# ---- my requests --------------------------------------------------------------------------------


def test_my_request_shows_its_timeline_and_reply(world, member_user):
    req = closed(world, file_request(world, member_user, world.members["xian_worker"]))
    page = client_for(member_user).get(f"/me/requests/{req.pk}/").content.decode()
    assert req.number in page and "已协调发放。" in page and 'id="rate"' in page


def test_another_persons_request_answers_404_even_to_the_officer_handling_it(world, member_user, visitor):
    req = file_request(world, visitor)
    for user in (member_user, world.users["xian"]):
        caller = client_for(user)
        assert caller.get(f"/me/requests/{req.pk}/").status_code == 404
        assert caller.post(f"/me/requests/{req.pk}/information/", {"text": "补充"}).status_code == 404
        assert caller.post(f"/me/requests/{req.pk}/rate/", {"rating": "1"}).status_code == 404
    assert not RequestEvent.objects.filter(request=req, kind="information").exists()
    assert client_for(visitor).get(f"/me/requests/{req.pk}/").status_code == 200


def test_an_unknown_request_button_answers_404(world, visitor):
    req = file_request(world, visitor)
    assert client_for(visitor).post(f"/me/requests/{req.pk}/escalate/").status_code == 404


def test_the_filer_adds_information_to_an_open_request_and_the_union_reads_it(world, visitor):
    req = file_request(world, visitor)
    answer = client_for(visitor).post(
        f"/me/requests/{req.pk}/information/", {"text": "拖欠的是3月和4月的工资。"}
    )
    assert answer.status_code == 302
    event = RequestEvent.objects.get(request=req, kind="information")
    assert event.note == "拖欠的是3月和4月的工资。" and event.actor == visitor
    assert AuditEntry.objects.filter(action="rights.request.information", object_id=str(req.pk)).exists()
    assert "拖欠的是3月和4月的工资。" in client_for(visitor).get(f"/me/requests/{req.pk}/").content.decode()


def test_information_is_refused_once_the_request_is_closed(world, visitor):
    req = closed(world, file_request(world, visitor))
    answer = client_for(visitor, language="en").post(f"/me/requests/{req.pk}/information/", {"text": "还有"})
    assert answer.status_code == 400 and "This request is closed." in answer.content.decode()
    assert not RequestEvent.objects.filter(request=req, kind="information").exists()


def test_a_closed_request_is_rated_once_only(world, visitor):
    req = closed(world, file_request(world, visitor))
    caller = client_for(visitor, language="en")
    assert caller.post(f"/me/requests/{req.pk}/rate/", {"rating": "4", "comment": "满意"}).status_code == 302
    second = caller.post(f"/me/requests/{req.pk}/rate/", {"rating": "1"})
    assert second.status_code == 400 and "already been rated" in second.content.decode()
    req.refresh_from_db()
    assert req.rating == 4 and req.rating_comment == "满意"
    assert AuditEntry.objects.filter(action="rights.request.rated", object_id=str(req.pk)).count() == 1
    assert 'id="rated"' in caller.get(f"/me/requests/{req.pk}/").content.decode()


def test_an_open_request_cannot_be_rated(world, visitor):
    req = file_request(world, visitor)
    assert client_for(visitor).post(f"/me/requests/{req.pk}/rate/", {"rating": "5"}).status_code == 400
    req.refresh_from_db()
    assert req.rating is None


# ---- moving to another union by its name ---------------------------------------------------------


def test_a_member_moves_to_a_union_found_by_name_without_javascript(world, member_user):
    caller = client_for(member_user)
    search = caller.get("/me/transfers/", {"q": "新就业形态"}).content.decode()
    target = world.orgs["yanta_joint"]
    assert target.name in search and "<script" not in search.split("<main", 1)[1].split("</main>", 1)[0]
    link = re.search(r'href="(/me/transfers/to/[0-9a-f-]+/)[^"]*"', search).group(1)
    assert link == f"/me/transfers/to/{target.pk}/"
    confirm = caller.get(link).content.decode()
    assert target.name in confirm and 'name="to_organisation"' not in confirm
    assert caller.post(link, {"reason": "换了工作，现在送外卖"}).status_code == 302
    transfer = Transfer.objects.get(member=world.members["xian_worker"])
    assert transfer.to_organisation == target and transfer.status == "requested"
    assert target.name in caller.get("/me/transfers/").content.decode()


@pytest.mark.parametrize("q", ["xinjiuye", "ytqxjy", "雁塔", "联合"])
def test_the_union_is_found_by_pinyin_initials_and_district(world, member_user, q):
    page = client_for(member_user).get("/me/transfers/", {"q": q}).content.decode()
    assert world.orgs["yanta_joint"].name in page


def test_the_union_search_never_matches_a_code_nor_lists_my_own_union(world, member_user):
    caller = client_for(member_user)
    assert (
        world.orgs["yanta_joint"].name not in caller.get("/me/transfers/", {"q": "XA-0002"}).content.decode()
    )
    results = caller.get("/me/transfers/", {"q": "机械厂"}).content.decode()
    assert 'id="no-union"' in results


def test_a_union_that_holds_no_members_cannot_be_chosen(world, member_user):
    assert client_for(member_user).get(f"/me/transfers/to/{world.orgs['shaanxi'].pk}/").status_code == 404


def test_a_visitor_cannot_reach_the_move_confirmation(world, visitor):
    assert client_for(visitor).get(f"/me/transfers/to/{world.orgs['yanta_joint'].pk}/").status_code == 404


def test_another_members_transfer_cannot_be_withdrawn(world, member_user):
    other = make_user("other_member")
    from gonghui.members.services import members as member_services

    member_services.member_link_user(
        actor=world.users["baoji"], member=world.members["baoji_worker"], user=other
    )
    client_for(other).post(f"/me/transfers/to/{world.orgs['yanta_joint'].pk}/", {"reason": "搬家"})
    transfer = Transfer.objects.get(member=world.members["baoji_worker"])
    assert client_for(member_user).post(f"/me/transfers/{transfer.pk}/withdraw/").status_code == 404
    transfer.refresh_from_db()
    assert transfer.status == "requested"


# ---- competitions --------------------------------------------------------------------------------


def open_competition(world, organisation_key="xian", **rules):
    now = timezone.now()
    competition = competition_setup.competition_create(
        actor=world.users["xian"] if organisation_key == "xian" else world.users[organisation_key],
        organisation=world.orgs[organisation_key],
        title="快递员职业技能竞赛",
        occupation="快递员",
        registration_opens=now - datetime.timedelta(days=1),
        registration_closes=now + datetime.timedelta(days=10),
        **rules,
    )
    actor = world.users["xian"] if organisation_key == "xian" else world.users[organisation_key]
    return competition_setup.competition_advance_status(actor=actor, competition=competition)


def test_a_member_enters_an_open_competition_they_are_eligible_for(world, member_user):
    competition = open_competition(world)
    caller = client_for(member_user)
    assert competition.title in caller.get("/me/competitions/").content.decode()
    assert caller.post(f"/me/competitions/{competition.pk}/enter/").status_code == 302
    entry = Entry.objects.get(competition=competition)
    assert entry.competitors.get().member == world.members["xian_worker"]
    assert entry.registered_by == member_user
    page = caller.get("/me/competitions/").content.decode()
    assert 'class="card entry"' in page and 'class="card open-competition"' not in page


def test_an_ineligible_member_is_told_why_and_nothing_is_written(world, member_user):
    competition = open_competition(world, max_age=30)
    caller = client_for(member_user, language="en")
    page = caller.get("/me/competitions/").content.decode()
    assert (
        "is older than the maximum age." in page and f"/me/competitions/{competition.pk}/enter/" not in page
    )
    audit_before = AuditEntry.objects.count()
    answer = caller.post(f"/me/competitions/{competition.pk}/enter/", follow=True)
    assert "张伟 is older than the maximum age." in answer.content.decode()
    assert not Entry.objects.filter(competition=competition).exists()
    assert AuditEntry.objects.count() == audit_before


def test_a_member_enters_only_once(world, member_user):
    competition = open_competition(world)
    caller = client_for(member_user, language="en")
    caller.post(f"/me/competitions/{competition.pk}/enter/")
    again = caller.post(f"/me/competitions/{competition.pk}/enter/", follow=True)
    assert "already entered" in again.content.decode()
    assert Entry.objects.filter(competition=competition).count() == 1


def test_a_competition_of_another_branch_answers_404_and_is_not_offered(world, member_user):
    competition = open_competition(world, "gansu")
    caller = client_for(member_user)
    assert competition.title not in caller.get("/me/competitions/").content.decode()
    assert caller.post(f"/me/competitions/{competition.pk}/enter/").status_code == 404
    assert not Entry.objects.filter(competition=competition).exists()


def test_a_visitor_cannot_enter_a_competition(world, visitor):
    competition = open_competition(world)
    assert client_for(visitor).post(f"/me/competitions/{competition.pk}/enter/").status_code == 404
    assert not Entry.objects.exists()


# ---- 认证 and the phone ----------------------------------------------------------------------------


def test_a_visitor_links_the_member_record_with_the_right_name_and_id_number(world, visitor):
    member = world.members["gansu_worker"]
    id_number = crypto.decrypt(member.id_number_enc)
    answer = client_for(visitor).post("/me/verify/", {"name": member.name, "id_number": id_number})
    assert answer.status_code == 302 and answer["Location"] == "/me/overview/"
    member.refresh_from_db()
    assert member.user == visitor


def test_a_wrong_id_number_links_nothing_and_says_so(world, visitor):
    member = world.members["gansu_worker"]
    wrong = make_id_number("620102", datetime.date(1985, 11, 30), "M", seq=9)
    answer = client_for(visitor, language="en").post("/me/verify/", {"name": member.name, "id_number": wrong})
    assert answer.status_code == 400
    assert "No member record matches this name and ID number." in answer.content.decode()
    member.refresh_from_db()
    assert member.user is None


@pytest.fixture
def outbox(settings, tmp_path):
    settings.GONGHUI_OUTBOX_DIR = tmp_path / "outbox"
    settings.GONGHUI_SMS_BACKEND = "file"
    return tmp_path / "outbox" / "sms.jsonl"


def last_code(outbox, phone):
    lines = [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()]
    text = [line for line in lines if line["to"] == phone][-1]["text"]
    return re.search(r"(?<!\d)\d{6}(?!\d)", text).group(0)


def test_the_phone_changes_with_the_code_sent_to_the_new_phone(
    world, visitor, outbox, django_capture_on_commit_callbacks
):
    new = "13900000088"
    caller = client_for(visitor)
    with django_capture_on_commit_callbacks(execute=True):
        step = caller.post("/me/phone/", {"step": "send", "phone": new})
    assert step.status_code == 200 and 'value="confirm"' in step.content.decode()
    wrong = caller.post("/me/phone/", {"step": "confirm", "phone": new, "code": "000000"})
    assert wrong.status_code == 400
    visitor.refresh_from_db()
    assert visitor.phone_hash == phone_index(VISITOR_PHONE)
    done = caller.post("/me/phone/", {"step": "confirm", "phone": new, "code": last_code(outbox, new)})
    assert done.status_code == 302
    visitor.refresh_from_db()
    assert visitor.phone_hash == phone_index(new) and visitor.phone_masked.endswith("0088")
