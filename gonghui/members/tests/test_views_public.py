"""Public pages (join, application status, card check) and member self-service (/me/)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import signing
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from gonghui.core.models import AuditEntry
from gonghui.core.validators import china_today, id_check_char
from gonghui.members.choices import EnrolmentStatus, MembershipStatus, TransferStatus
from gonghui.members.models import Enrolment, Member, Transfer
from gonghui.members.services import cards, dues
from gonghui.members.services import enrolment as enrolment_services
from gonghui.members.services import members as member_services
from gonghui.testing import client_for, make_id_number

pytestmark = pytest.mark.django_db

APPLICANT_ID = make_id_number("610113", datetime.date(1995, 4, 2), "F", seq=60)
APPLICANT_PHONE = "13912345678"
# The persona member 张伟 (world.members["xian_worker"]) was made with these.
XIAN_WORKER_ID = make_id_number("610113", datetime.date(1988, 3, 9), "M", seq=1)


def join_data(**overrides) -> dict:
    data = {
        "name": "李娜",
        "id_number": APPLICANT_ID,
        "phone": APPLICANT_PHONE,
        "employer": "某快递公司",
        "province": "610000",
        "city": "610100",
        "work_division": "610113",
        "work_address": "",
        "employment_form": "courier",
        "consent": "on",
    }
    data.update(overrides)
    return data


def field_error_codes(response, field: str) -> list[str]:
    return [e.code for e in response.context["form"].errors.as_data().get(field, [])]


def with_check_char(first17: str) -> str:
    return first17 + id_check_char(first17)


# ---- join page ---------------------------------------------------------------------------


def test_join_page_renders_in_chinese_by_default_and_in_english(world, client, en_client):
    zh = client.get("/join/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert zh.status_code == 200
    html = zh.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "陕西省" in html and 'name="work_division"' in html
    assert 'type="tel"' in html and 'inputmode="numeric"' in html
    en = en_client.get("/join/")
    assert en.status_code == 200
    html = en.content.decode()
    assert '<html lang="en">' in html
    assert "Join the union online" in html and "Courier" in html and "Food delivery rider" in html


def test_courier_working_in_yanta_is_routed_to_the_joint_union_and_sees_the_status_page(world, client):
    r = client.post("/join/", join_data())
    enrolment = Enrolment.objects.get()
    assert r.status_code == 302
    assert r["Location"] == reverse("members:join_status", kwargs={"enrolment_id": enrolment.pk})
    assert enrolment.organisation.code == "XA-0002"
    assert enrolment.routed_by == "territorial"
    assert enrolment.status == EnrolmentStatus.PENDING
    assert enrolment.employment_form == "courier"
    assert client.get(r["Location"]).status_code == 200


def test_factory_worker_is_routed_to_the_employers_union(world, client):
    r = client.post("/join/", join_data(employer="西安某机械厂", employment_form="standard"))
    assert r.status_code == 302
    enrolment = Enrolment.objects.get()
    assert enrolment.organisation.code == "XA-0001"
    assert enrolment.routed_by == "employer"


def test_a_county_code_alone_is_enough_without_the_selects(world, client):
    r = client.post("/join/", join_data(province="", city="", work_division="610113"))
    assert r.status_code == 302
    assert Enrolment.objects.get().work_division == "610113"


def test_a_beijing_district_needs_no_county(world, client):
    r = client.post("/join/", join_data(province="110000", city="110101", work_division=""))
    assert r.status_code == 302
    assert Enrolment.objects.get().work_division == "110101"


BAD_INPUTS = [
    pytest.param(
        {"id_number": APPLICANT_ID[:17] + ("0" if APPLICANT_ID[17] != "0" else "1")},
        "id_number",
        "id_checksum",
        "check character",
        id="bad-checksum",
    ),
    pytest.param(
        {"id_number": with_check_char("61011319901332123")},
        "id_number",
        "id_birth_date",
        "birth date",
        id="impossible-birth-date",
    ),
    pytest.param({"id_number": "61011319950402"}, "id_number", "id_format", "18 characters", id="short-id"),
    pytest.param({"phone": "1391234"}, "phone", "phone_format", "11 digits", id="malformed-phone"),
    pytest.param({"phone": ""}, "phone", "required", "mobile number is required", id="missing-phone"),
    pytest.param(
        {"province": "", "city": "", "work_division": "999999"},
        "work_division",
        "division_unknown",
        "999999",
        id="unknown-division",
    ),
    pytest.param(
        {"work_division": ""},
        "work_division",
        "division_incomplete",
        "district or county",
        id="city-without-county",
    ),
    pytest.param(
        {"province": "", "city": "", "work_division": ""},
        "work_division",
        "division_required",
        "province, city and district",
        id="no-place",
    ),
    pytest.param({"employer": "  "}, "employer", "required", "company or platform", id="missing-employer"),
    pytest.param({"name": ""}, "name", "name_required", "Enter the name", id="missing-name"),
    pytest.param(
        {"name": "=cmd|' /C calc'!A0"},
        "name",
        "name_invalid_character",
        "cannot start with",
        id="formula-name",
    ),
    pytest.param({"name": "<b>x</b>"}, "name", "name_invalid_character", "cannot contain", id="markup-name"),
    pytest.param({"name": "张三1"}, "name", "name_invalid_character", "cannot contain", id="digit-name"),
    pytest.param({"name": "王"}, "name", "name_too_short", "at least 2", id="one-character-name"),
    pytest.param({"id_number": ""}, "id_number", "required", "Fill in the ID number", id="missing-id"),
    pytest.param(
        {"employment_form": "astronaut"},
        "employment_form",
        "invalid_choice",
        "form of employment",
        id="unknown-employment-form",
    ),
    pytest.param({"consent": ""}, "consent", "required", "agree", id="no-consent"),
]


@pytest.mark.parametrize(("overrides", "field", "code", "text"), BAD_INPUTS)
def test_bad_join_input_shows_the_error_next_to_the_field_and_saves_nothing(
    world, en_client, overrides, field, code, text
):
    members_before = Member.objects.count()
    r = en_client.post("/join/", join_data(**overrides))
    assert r.status_code == 200
    assert code in field_error_codes(r, field)
    html = r.content.decode()
    error_list = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    assert error_list and text in error_list.group(1)
    assert Enrolment.objects.count() == 0
    assert Member.objects.count() == members_before


def test_an_empty_join_form_shows_every_error_at_once_in_natural_chinese(world, client):
    audit_before = AuditEntry.objects.count()
    r = client.post("/join/", {"province": "", "city": "", "work_division": ""})
    assert r.status_code == 200
    errors = {field: [str(m) for m in messages] for field, messages in r.context["form"].errors.items()}
    assert errors == {
        "name": ["请填写姓名。"],
        "id_number": ["请填写身份证号码。"],
        "phone": ["请填写手机号码。"],
        "employer": ["请填写您的工作单位（公司或平台）。"],
        "work_division": ["请选择您工作所在的省、市、区（县）。"],
        "employment_form": ["请选择就业形态。"],
        "consent": ["请同意为办理本申请而使用您的个人信息。"],
    }
    html = r.content.decode()
    for field, messages in errors.items():
        shown = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
        assert shown and messages[0] in shown.group(1), field
    assert Enrolment.objects.count() == 0 and AuditEntry.objects.count() == audit_before


def test_overlong_fields_get_natural_chinese_messages_not_djangos(world, client):
    r = client.post("/join/", join_data(employer="某" * 121, work_address="路" * 201))
    errors = r.context["form"].errors
    assert errors["employer"] == ["最多120个字，现在是121个字。"]
    assert errors["work_address"] == ["最多200个字，现在是201个字。"]
    html = r.content.decode()
    assert "确保" not in html and "(目前" not in html
    assert Enrolment.objects.count() == 0


def _id_of_age(years: int, days: int = 0, gender: str = "F", seq: int = 70) -> str:
    """An ID number of someone who turns ``years`` old ``days`` days from today (Beijing)."""
    today = china_today()
    birthday = today.replace(year=today.year - years) + datetime.timedelta(days=days)
    return make_id_number("610113", birthday, gender, seq=seq)


@pytest.mark.parametrize(("years", "days"), [(11, 0), (15, 0), (16, 1)], ids=["11", "15", "16-tomorrow"])
def test_children_under_sixteen_are_refused_with_a_clear_message(world, client, years, days):
    audit_before = AuditEntry.objects.count()
    r = client.post("/join/", join_data(id_number=_id_of_age(years, days)))
    assert r.status_code == 200
    assert field_error_codes(r, "id_number") == ["age_under_16"]
    assert "未满16周岁不能入会" in r.content.decode()
    assert Enrolment.objects.count() == 0 and AuditEntry.objects.count() == audit_before


def test_a_worker_on_their_sixteenth_birthday_may_apply(world, client):
    r = client.post("/join/", join_data(id_number=_id_of_age(16)))
    assert r.status_code == 302
    assert Enrolment.objects.count() == 1


def test_an_applicant_past_retirement_age_is_taken_and_flagged_for_the_officer(world, client):
    r = client.post("/join/", join_data(id_number=_id_of_age(86, gender="M", seq=71), name="王建国"))
    assert r.status_code == 302
    application = Enrolment.objects.get()
    assert enrolment_services.retirement_flag(application) is not None
    # The applicant is not told anything about it: the flag is for the officer.
    assert "退休" not in client.get(r["Location"]).content.decode()


def test_a_second_application_while_one_is_pending_is_refused(world, en_client):
    assert en_client.post("/join/", join_data()).status_code == 302
    r = en_client.post("/join/", join_data(employer="另一家公司"))
    assert r.status_code == 200
    assert field_error_codes(r, "id_number") == ["enrolment_pending"]
    assert "already being processed" in r.content.decode()
    assert Enrolment.objects.count() == 1


def test_an_existing_member_cannot_apply_again(world, en_client):
    from gonghui.core import crypto

    members_before = Member.objects.count()
    phone = crypto.decrypt(world.members["xian_worker"].phone_enc)
    r = en_client.post("/join/", join_data(id_number=XIAN_WORKER_ID, name="张伟", phone=phone))
    assert r.status_code == 200
    assert field_error_codes(r, "id_number") == ["already_member"]
    assert "already a union member" in r.content.decode()
    assert Enrolment.objects.count() == 0 and Member.objects.count() == members_before


def test_someone_else_with_a_members_id_number_learns_nothing_and_the_union_is_warned(world, en_client):
    r = en_client.post("/join/", join_data(id_number=XIAN_WORKER_ID, name="张伟"))
    assert r.status_code == 302
    assert Enrolment.objects.get().conflict == "already_member"


def test_the_form_keeps_what_was_typed_after_an_error(world, en_client):
    r = en_client.post("/join/", join_data(phone="123"))
    html = r.content.decode()
    assert 'value="李娜"' in html and 'value="某快递公司"' in html
    assert '<option value="610113" selected>' in html
    assert 'value="courier" checked' in html


def test_without_javascript_the_place_button_fills_the_next_select_and_saves_nothing(world, client):
    r = client.post("/join/", {"name": "李娜", "province": "610000", "pick": "1"})
    assert r.status_code == 200
    html = r.content.decode()
    assert '<option value="610100">西安市</option>' in html
    assert 'class="errorlist"' not in html
    assert Enrolment.objects.count() == 0


def test_the_division_endpoint_returns_the_cities_then_the_districts(world, client):
    cities = client.get("/join/divisions/", {"province": "610000"}).content.decode()
    assert '<option value="610100">西安市</option>' in cities
    assert 'name="work_division" id="id_work_division" autocomplete="off" disabled' in cities
    districts = client.get("/join/divisions/", {"province": "610000", "city": "610100"}).content.decode()
    assert '<option value="610113">雁塔区</option>' in districts
    moved = client.get(
        "/join/divisions/", {"province": "620000", "city": "610100", "work_division": ""}
    ).content.decode()
    assert "兰州市" in moved and "雁塔区" not in moved
    junk = client.get("/join/divisions/", {"province": "<script>", "city": "x" * 500})
    assert junk.status_code == 200 and "<script>" not in junk.content.decode()


# ---- status and lookup ---------------------------------------------------------------------


def submit(world, **overrides) -> Enrolment:
    data = join_data(**overrides)
    for key in ("province", "city", "consent"):
        data.pop(key)
    return enrolment_services.enrolment_submit(actor=None, **data)


def test_status_page_shows_the_responsible_union_and_masked_data_only(world, en_client):
    enrolment = submit(world)
    r = en_client.get(reverse("members:join_status", kwargs={"enrolment_id": enrolment.pk}))
    html = r.content.decode()
    assert r.status_code == 200
    assert 'data-status="pending"' in html
    assert "雁塔区新就业形态劳动者联合工会" in html
    assert "Territorial union for the work place" in html
    assert enrolment.due_on.isoformat() in html
    assert enrolment.id_number_masked in html and enrolment.phone_masked in html
    assert "李*" in html
    assert APPLICANT_ID not in html and APPLICANT_PHONE not in html and "李娜" not in html
    assert "陕西省西安市雁塔区" in html
    assert r["Cache-Control"].startswith("max-age=0") or "no-cache" in r["Cache-Control"]


def test_status_page_flags_an_overdue_application(world, en_client):
    enrolment = submit(world)
    Enrolment.objects.filter(pk=enrolment.pk).update(due_on=datetime.date(2020, 1, 1))
    html = en_client.get(
        reverse("members:join_status", kwargs={"enrolment_id": enrolment.pk})
    ).content.decode()
    assert "Overdue" in html and "The decision is late" in html


def test_status_page_shows_the_member_number_once_approved(world, city_admin, en_client):
    enrolment = submit(world)
    member = enrolment_services.enrolment_approve(actor=city_admin, enrolment=enrolment)
    html = en_client.get(
        reverse("members:join_status", kwargs={"enrolment_id": enrolment.pk})
    ).content.decode()
    assert 'data-status="approved"' in html
    assert member.member_no in html


def test_status_page_shows_the_reason_for_a_rejection(world, city_admin, en_client):
    enrolment = submit(world)
    enrolment_services.enrolment_reject(actor=city_admin, enrolment=enrolment, reason="请补充工作证明")
    html = en_client.get(
        reverse("members:join_status", kwargs={"enrolment_id": enrolment.pk})
    ).content.decode()
    assert 'data-status="rejected"' in html and "请补充工作证明" in html


def test_status_page_of_an_unknown_application_is_404(world, client):
    assert client.get("/join/status/0190a0a0-0000-7000-8000-000000000000/").status_code == 404


def test_lookup_finds_the_applications_with_id_number_and_phone_together(world, en_client):
    enrolment = submit(world)
    r = en_client.post("/join/status/", {"id_number": APPLICANT_ID.lower(), "phone": "139 1234 5678"})
    html = r.content.decode()
    assert reverse("members:join_status", kwargs={"enrolment_id": enrolment.pk}) in html
    assert APPLICANT_ID not in html and APPLICANT_PHONE not in html


def test_lookup_needs_both_numbers(world, en_client):
    submit(world)
    r = en_client.post("/join/status/", {"id_number": APPLICANT_ID})
    assert r.status_code == 200
    assert "phone" in r.context["form"].errors
    assert r.context["results"] is None


def test_lookup_answers_the_same_for_a_wrong_phone_and_an_unknown_id(world, en_client):
    submit(world)

    def results_section(data):
        html = en_client.post("/join/status/", data).content.decode()
        return re.search(
            r'<section aria-live="polite" id="lookup-results">(.*?)</section>', html, re.S
        ).group(1)

    wrong_phone = results_section({"id_number": APPLICANT_ID, "phone": "13900000000"})
    unknown_id = results_section({"id_number": make_id_number("610113", seq=77), "phone": APPLICANT_PHONE})
    garbage = results_section({"id_number": "not an id", "phone": "nope"})
    assert wrong_phone == unknown_id == garbage
    assert "No application matches" in wrong_phone


# ---- member self-service -----------------------------------------------------------------


@pytest.fixture
def member_client(world) -> Client:
    return client_for("member", language="en")


def test_member_sees_their_own_membership_masked(world, member_client):
    member = world.members["xian_worker"]
    r = member_client.get("/me/")
    html = r.content.decode()
    assert r.status_code == 200
    assert member.member_no in html and "西安某机械厂工会委员会" in html
    assert member.id_number_masked in html and member.phone_masked in html
    assert XIAN_WORKER_ID not in html
    assert "Joined" in html  # the membership timeline


@pytest.mark.parametrize("url", ["/me/", "/me/card/"])
def test_anonymous_visitor_is_sent_to_sign_in(world, client, url):
    r = client.get(url)
    assert r.status_code == 302
    assert r["Location"] == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.parametrize("url", ["/me/", "/me/card/"])
def test_a_login_without_a_member_record_gets_404(city_officer, client, url):
    client.force_login(city_officer)
    assert client.get(url).status_code == 404


def test_member_page_lists_dues_read_only(world, city_admin, member_client):
    member = world.members["xian_worker"]
    dues.dues_record(
        actor=city_admin,
        member=member,
        month=datetime.date(2024, 3, 1),
        monthly_wage=Decimal("5678.90"),
    )
    html = member_client.get("/me/").content.decode()
    assert "2024-03" in html and "28.35" in html and "5670.00" in html


def test_the_member_page_sends_a_move_to_the_union_picker_and_never_asks_for_a_code(world, member_client):
    html = member_client.get("/me/").content.decode()
    assert f'href="{reverse("portal:mine_transfers")}"' in html
    assert 'id="transfer-form"' not in html and "to_organisation" not in html
    assert "code" not in html.split('id="transfers"', 1)[1].split('id="dues"', 1)[0].lower()
    zh = client_for("member").get("/me/").content.decode()
    assert "代码" not in zh


def test_the_old_code_transfer_addresses_are_gone(world, member_client):
    assert (
        member_client.post("/me/transfer/", {"to_organisation": "xa-0002", "reason": "x"}).status_code == 404
    )
    assert member_client.get("/me/transfer/union/", {"to_organisation": "xa-0002"}).status_code == 404
    assert Transfer.objects.count() == 0


def test_member_sees_their_open_transfer_on_their_page_and_can_cancel_it(world, member_user, member_client):
    from gonghui.members.services import transfers

    member = world.members["xian_worker"]
    transfer = transfers.transfer_request(
        actor=member_user, member=member, to_organisation=world.orgs["yanta_joint"], reason="换了工作"
    )
    html = member_client.get("/me/").content.decode()
    assert "雁塔区新就业形态劳动者联合工会" in html and "Cancel this request" in html
    assert f'href="{reverse("portal:mine_transfers")}"' not in html  # one open move at a time
    r = member_client.post(reverse("members:me_transfer_cancel", kwargs={"transfer_id": transfer.pk}))
    assert r.status_code == 302
    transfer.refresh_from_db()
    member.refresh_from_db()
    assert transfer.status == TransferStatus.CANCELLED
    assert member.status == MembershipStatus.MEMBER


def test_a_member_cannot_cancel_someone_elses_transfer(world, sibling_city_admin, member_client):
    from gonghui.members.services import transfers

    other = transfers.transfer_request(
        actor=sibling_city_admin,
        member=world.members["baoji_worker"],
        to_organisation=world.orgs["xian_factory"],
        reason="调动",
    )
    r = member_client.post(reverse("members:me_transfer_cancel", kwargs={"transfer_id": other.pk}))
    assert r.status_code == 404
    other.refresh_from_db()
    assert other.status == TransferStatus.REQUESTED


# ---- e-member card -----------------------------------------------------------------------


def test_card_shows_the_member_and_a_qr_code_without_personal_data(world, member_client):
    member = world.members["xian_worker"]
    r = member_client.get("/me/card/")
    html = r.content.decode()
    assert r.status_code == 200
    assert member.member_no in html and "张伟" in html and "<svg" in html
    url = r.context["card_url"]
    assert url.startswith("http://testserver/card/verify/")
    for secret in (XIAN_WORKER_ID, member.phone_masked[:3] + "000", "张伟", member.member_no):
        assert secret not in url
    token = url.removeprefix("http://testserver/card/verify/").rstrip("/")
    payload = signing.TimestampSigner(salt=cards.SALT).unsign_object(token)
    assert payload == {"m": member.pk.hex}


def test_card_check_shows_valid_for_a_fresh_code_with_a_masked_name(world, client):
    member = world.members["xian_worker"]
    r = client.get(reverse("members:card_verify", kwargs={"token": cards.card_token(member)}))
    html = r.content.decode()
    assert 'data-result="ok"' in html
    assert "张*" in html and "张伟" not in html
    assert member.member_no in html and "西安某机械厂工会委员会" in html
    assert member.id_number_masked not in html and member.phone_masked not in html


def test_card_check_rejects_a_tampered_code(world, client):
    token = cards.card_token(world.members["xian_worker"])
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    html = client.get(reverse("members:card_verify", kwargs={"token": tampered})).content.decode()
    assert 'data-result="invalid"' in html and "张*" not in html
    junk = client.get("/card/verify/not-a-token/")
    assert junk.status_code == 200 and 'data-result="invalid"' in junk.content.decode()


def test_card_check_reports_an_expired_code(world, client, settings):
    token = cards.card_token(world.members["xian_worker"])
    settings.GONGHUI_CARD_TOKEN_MAX_AGE = -1
    html = client.get(reverse("members:card_verify", kwargs={"token": token})).content.decode()
    assert 'data-result="expired"' in html


@pytest.mark.parametrize("status", [MembershipStatus.EXPELLED, MembershipStatus.WITHDRAWN])
def test_card_check_reports_a_former_member_as_inactive(world, city_admin, client, member_client, status):
    member = world.members["xian_worker"]
    token = cards.card_token(member)
    member_services.member_change_status(actor=city_admin, member=member, to_status=status, reason="测试")
    html = client.get(reverse("members:card_verify", kwargs={"token": token})).content.decode()
    assert 'data-result="inactive"' in html and "张*" in html
    card = member_client.get("/me/card/")
    assert card.status_code == 200 and "<svg" not in card.content.decode()


# ---- error pages -------------------------------------------------------------------------


def test_an_unknown_address_gets_the_house_404_page(world, en_client):
    r = en_client.get("/no/such/page/")
    assert r.status_code == 404
    assert "This page does not exist" in r.content.decode()


def test_the_500_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert "500" in html and "Something went wrong" in html


@pytest.mark.parametrize("name", ["400.html", "403.html", "404.html"])
def test_the_other_error_pages_render(name, rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    assert name[:3] in render_to_string(name, request=request)
