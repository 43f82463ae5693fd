"""Phone sign-in end to end with the file SMS back end (the code read from the outbox, as a
person reads it on the phone), linking an account to its member record, 认证 and changing
the phone."""

import datetime
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from gonghui.accounts.models import PhoneCode
from gonghui.core import crypto, throttle
from gonghui.core.models import AuditEntry, Delivery
from gonghui.members.models import Member
from gonghui.members.services.personal import phone_hash
from gonghui.testing import api_for, make_id_number

User = get_user_model()
STRANGER = "13700000001"


@pytest.fixture
def outbox(settings, tmp_path):
    settings.GONGHUI_OUTBOX_DIR = tmp_path / "outbox"
    settings.GONGHUI_SMS_BACKEND = "file"
    return tmp_path / "outbox" / "sms.jsonl"


@pytest.fixture
def sms(outbox, client, django_capture_on_commit_callbacks):
    """Ask for a code for a phone and return what the file back end wrote, or the answer."""

    def ask(phone, *, caller=None, path="/api/v1/auth/sms-code", address="198.51.100.7"):
        with django_capture_on_commit_callbacks(execute=True):
            return (caller or client).post(
                path, {"phone": phone}, content_type="application/json", REMOTE_ADDR=address
            )

    return ask


def last_code(outbox, phone):
    lines = [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()]
    text = [line for line in lines if line["to"] == phone][-1]["text"]
    return re.search(r"(?<!\d)\d{6}(?!\d)", text).group(0)


def login(client, phone, code):
    return client.post(
        "/api/v1/auth/sms-login", {"phone": phone, "code": code}, content_type="application/json"
    )


def member_phone(world, key="xian_worker"):
    return crypto.decrypt(world.members[key].phone_enc)


# ---- codes ----------------------------------------------------------------------------------------------


def test_a_code_sent_by_sms_signs_a_member_in_and_links_the_member_record(world, client, sms, outbox):
    phone = member_phone(world, "baoji_worker")
    answer = sms(phone)
    assert answer.status_code == 202 and answer.json() == {"sent": True}
    line = json.loads(outbox.read_text(encoding="utf-8").splitlines()[-1])
    assert line["to"] == phone and line["template"] == "login_code" and line["at"]
    signed = login(client, phone, last_code(outbox, phone))
    assert signed.status_code == 200
    body = signed.json()
    member = world.members["baoji_worker"]
    assert body["member"] == {
        "id": str(member.pk),
        "name": member.name,
        "member_no": member.member_no,
        "organisation": {"code": member.organisation.code, "name": member.organisation.name},
    }
    user = User.objects.get(phone_hash=phone_hash(phone))
    member.refresh_from_db()
    assert member.user_id == user.pk
    assert AuditEntry.objects.filter(action="members.member.user_linked", object_id=str(member.pk)).exists()
    me = client.get("/api/v1/auth/tokens", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert me.status_code == 200


def test_the_account_keeps_its_phone_encrypted_with_a_blind_index(world, client, sms, outbox):
    sms(STRANGER)
    login(client, STRANGER, last_code(outbox, STRANGER))
    row = User.objects.values().get(phone_hash=phone_hash(STRANGER))
    assert STRANGER not in json.dumps(row, default=str)
    assert crypto.decrypt(row["phone_enc"]) == STRANGER and row["phone_masked"] == "137****0001"
    assert STRANGER not in json.dumps(list(PhoneCode.objects.values()), default=str)


def test_a_stranger_signs_in_as_a_visitor_with_no_member_record(world, client, sms, outbox):
    sms(STRANGER)
    body = login(client, STRANGER, last_code(outbox, STRANGER)).json()
    assert body["member"] is None and body["token"].startswith("gh_")


def test_signing_in_again_uses_the_same_account(world, client, sms, outbox):
    sms(STRANGER)
    login(client, STRANGER, last_code(outbox, STRANGER))
    throttle.reset("sms-code-phone-minute", f"login:{phone_hash(STRANGER)}", window=60)
    sms(STRANGER)
    login(client, STRANGER, last_code(outbox, STRANGER))
    assert User.objects.filter(phone_hash=phone_hash(STRANGER)).count() == 1


def test_the_answer_is_the_same_for_a_member_and_a_stranger(world, client, sms, outbox):
    for_member = sms(member_phone(world, "baoji_worker"))
    for_stranger = sms(STRANGER)
    assert (for_member.status_code, for_member.content) == (for_stranger.status_code, for_stranger.content)
    assert Delivery.objects.count() == 2  # both really get a code


def test_a_wrong_code_is_refused_and_the_right_one_still_works(world, client, sms, outbox):
    sms(STRANGER)
    code = last_code(outbox, STRANGER)
    wrong = "000000" if code != "000000" else "111111"
    answer = login(client, STRANGER, wrong)
    assert answer.status_code == 400 and answer.json()["code"] == "code_invalid"
    assert not User.objects.filter(phone_hash=phone_hash(STRANGER)).exists()
    assert login(client, STRANGER, code).status_code == 200


def test_an_expired_code_is_refused(world, client, sms, outbox):
    sms(STRANGER)
    PhoneCode.objects.update(expires_at=timezone.now())
    answer = login(client, STRANGER, last_code(outbox, STRANGER))
    assert answer.status_code == 400 and answer.json()["code"] == "code_invalid"


def test_a_used_code_is_refused(world, client, sms, outbox):
    sms(STRANGER)
    code = last_code(outbox, STRANGER)
    assert login(client, STRANGER, code).status_code == 200
    again = login(client, STRANGER, code)
    assert again.status_code == 400 and again.json()["code"] == "code_invalid"


def test_five_wrong_tries_void_the_code(world, client, sms, outbox):
    sms(STRANGER)
    code = last_code(outbox, STRANGER)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert login(client, STRANGER, wrong).status_code == 400
    answer = login(client, STRANGER, code)
    assert answer.status_code == 400 and answer.json()["code"] == "code_invalid"


def test_a_new_code_replaces_the_earlier_one(world, client, sms, outbox):
    sms(STRANGER)
    first = last_code(outbox, STRANGER)
    throttle.reset("sms-code-phone-minute", f"login:{phone_hash(STRANGER)}", window=60)
    sms(STRANGER)
    second = last_code(outbox, STRANGER)
    if first != second:
        assert login(client, STRANGER, first).status_code == 400
    assert login(client, STRANGER, second).status_code == 200


def test_a_phone_gets_one_code_a_minute(world, sms):
    assert sms(STRANGER).status_code == 202
    again = sms(STRANGER)
    assert again.status_code == 429 and again.json()["code"] == "throttled"
    assert Delivery.objects.count() == 1 and PhoneCode.objects.count() == 1


def test_a_phone_gets_ten_codes_a_day(world, sms):
    for _ in range(10):
        throttle.reset("sms-code-phone-minute", f"login:{phone_hash(STRANGER)}", window=60)
        assert sms(STRANGER).status_code == 202
    throttle.reset("sms-code-phone-minute", f"login:{phone_hash(STRANGER)}", window=60)
    assert sms(STRANGER).status_code == 429
    assert PhoneCode.objects.count() == 10


def test_an_address_gets_the_configured_number_of_codes_an_hour_whatever_the_phones(world, sms, settings):
    settings.GONGHUI_SMS_CODE_ADDRESS_RATE = 3
    for n in range(3):
        assert sms(f"1370000010{n}").status_code == 202
    assert sms("13700000109").status_code == 429
    assert sms("13700000109", address="198.51.100.8").status_code == 202
    assert PhoneCode.objects.count() == 4


@pytest.mark.parametrize("phone", ["12345", "23912345678", "1391234567x", "", "１３９"])
def test_a_malformed_phone_is_refused_and_nothing_is_written_or_sent(world, sms, outbox, phone):
    answer = sms(phone)
    assert answer.status_code == 400 and answer.json()["code"] == "phone_format"
    assert answer.json()["errors"][0]["field"] == "phone"
    assert not PhoneCode.objects.exists() and not Delivery.objects.exists() and not outbox.exists()


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "１２３４５６"])
def test_a_malformed_code_is_refused_and_nothing_is_written(world, client, sms, outbox, code):
    sms(STRANGER)
    answer = login(client, STRANGER, code)
    assert answer.status_code == 400 and answer.json()["code"] == "code_invalid"
    assert PhoneCode.objects.get().wrong_tries == 0
    assert not User.objects.filter(phone_hash=phone_hash(STRANGER)).exists()


def test_a_login_body_that_is_not_the_contract_is_refused(world, client):
    answer = client.post("/api/v1/auth/sms-login", {"phone": STRANGER}, content_type="application/json")
    assert answer.status_code == 400 and answer.json()["code"] == "invalid"


# ---- linking rules -----------------------------------------------------------------------------------


def test_two_member_records_with_the_phone_leave_the_account_a_visitor(world, client, sms, outbox):
    from gonghui.members.services import members as member_services

    phone = member_phone(world, "xian_worker")
    member_services.member_create(
        actor=None,
        organisation=world.orgs["xian_factory"],
        name="李娜",
        id_number=make_id_number("610113", datetime.date(1990, 1, 2), "F", seq=77),
        phone=phone,
        joined_on=datetime.date(2022, 1, 1),
    )
    # xian_worker is linked to "member"; unlink it so that only the two-matches rule decides.
    Member.objects.filter(phone_hash=phone_hash(phone)).update(user=None)
    sms(phone)
    body = login(client, phone, last_code(outbox, phone)).json()
    assert body["member"] is None
    assert not Member.objects.filter(phone_hash=phone_hash(phone), user__isnull=False).exists()


def test_a_member_record_linked_to_another_account_is_not_taken_over(world, client, sms, outbox):
    phone = member_phone(world, "xian_worker")  # linked to the login "member"
    sms(phone)
    body = login(client, phone, last_code(outbox, phone)).json()
    assert body["member"] is None
    world.members["xian_worker"].refresh_from_db()
    assert world.members["xian_worker"].user == world.users["member"]


# ---- 认证 -------------------------------------------------------------------------------------------------


@pytest.fixture
def visitor(world, client, sms, outbox):
    sms(STRANGER)
    login(client, STRANGER, last_code(outbox, STRANGER))
    return User.objects.get(phone_hash=phone_hash(STRANGER))


def verify(user, name, id_number, address="198.51.100.7"):
    return api_for(user).post(
        "/api/v1/me/verify",
        {"name": name, "id_number": id_number},
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def id_of(world, key):
    return crypto.decrypt(world.members[key].id_number_enc)


def test_a_visitor_links_itself_by_the_right_name_and_id_number(world, visitor):
    member = world.members["gansu_worker"]
    answer = verify(visitor, member.name, id_of(world, "gansu_worker"))
    assert answer.status_code == 200 and answer.json()["member"]["id"] == str(member.pk)
    member.refresh_from_db()
    assert member.user_id == visitor.pk
    assert AuditEntry.objects.filter(
        action="members.member.user_linked", object_id=str(member.pk), changes__via=[None, "verification"]
    ).exists()


@pytest.mark.parametrize(
    "name, id_key",
    [("王五", "gansu_worker"), ("曾乐", "baoji_worker"), ("曾乐", None)],
)
def test_a_wrong_name_or_id_number_links_nothing_and_says_the_same(world, visitor, name, id_key):
    id_number = id_of(world, id_key) if id_key else make_id_number("620102", datetime.date(1970, 1, 1))
    answer = verify(visitor, name, id_number)
    assert answer.status_code == 400
    assert answer.json()["code"] == "verify_failed"
    assert not Member.objects.filter(user=visitor).exists()
    assert (
        AuditEntry.objects.filter(action="members.member.verify_failed", object_id=str(visitor.pk)).count()
        == 1
    )


def test_a_record_linked_to_another_account_cannot_be_claimed_by_verification(world, visitor):
    member = world.members["xian_worker"]
    answer = verify(visitor, member.name, id_of(world, "xian_worker"))
    assert answer.json()["code"] == "verify_failed"
    member.refresh_from_db()
    assert member.user == world.users["member"]


def test_verification_is_limited_to_five_tries_a_day_for_an_account(world, visitor):
    for _ in range(5):
        assert verify(visitor, "王五", id_of(world, "gansu_worker")).status_code == 400
    answer = verify(visitor, "曾乐", id_of(world, "gansu_worker"))
    assert answer.status_code == 429 and answer.json()["code"] == "throttled"
    assert not Member.objects.filter(user=visitor).exists()


@pytest.mark.parametrize(
    "body, code",
    [({"name": "曾乐", "id_number": "123"}, "id_format"), ({"name": "Z3", "id_number": None}, "invalid")],
)
def test_malformed_verification_input_is_refused_and_nothing_is_written(world, visitor, body, code):
    caller = api_for(visitor)
    before = AuditEntry.objects.count()
    answer = caller.post("/api/v1/me/verify", body, content_type="application/json")
    assert answer.status_code == 400 and answer.json()["code"] == code
    assert AuditEntry.objects.count() == before
    assert not Member.objects.filter(user=visitor).exists()


def test_an_account_already_linked_cannot_verify_again(world, member_user):
    answer = verify(member_user, "曾乐", id_of(world, "gansu_worker"))
    assert answer.status_code == 400 and answer.json()["code"] == "already_verified"


def test_verification_needs_a_signed_in_account(world, client):
    answer = client.post(
        "/api/v1/me/verify", {"name": "曾乐", "id_number": "x"}, content_type="application/json"
    )
    assert answer.status_code == 401


# ---- changing the phone ---------------------------------------------------------------------------------


def test_the_phone_changes_with_the_code_sent_to_the_new_phone(world, visitor, sms, outbox):
    new = "13700000002"
    caller = api_for(visitor)
    assert sms(new, caller=caller, path="/api/v1/me/phone/code").status_code == 202
    answer = caller.post(
        "/api/v1/me/phone", {"phone": new, "code": last_code(outbox, new)}, content_type="application/json"
    )
    assert answer.status_code == 200 and answer.json() == {"phone": "137****0002"}
    visitor.refresh_from_db()
    assert visitor.phone_hash == phone_hash(new)
    assert AuditEntry.objects.filter(action="accounts.user.phone_changed", object_id=str(visitor.pk)).exists()


def test_a_phone_change_code_does_not_sign_anyone_in_and_a_sign_in_code_does_not_change_the_phone(
    world, visitor, client, sms, outbox
):
    new = "13700000003"
    caller = api_for(visitor)
    sms(new, caller=caller, path="/api/v1/me/phone/code")
    assert login(client, new, last_code(outbox, new)).status_code == 400
    sms(new)
    answer = caller.post(
        "/api/v1/me/phone", {"phone": new, "code": last_code(outbox, new)}, content_type="application/json"
    )
    assert answer.status_code == 400 and answer.json()["code"] == "code_invalid"


def test_another_accounts_code_does_not_change_my_phone(world, visitor, member_user, sms, outbox):
    new = "13700000004"
    sms(new, caller=api_for(member_user), path="/api/v1/me/phone/code")
    answer = api_for(visitor).post(
        "/api/v1/me/phone", {"phone": new, "code": last_code(outbox, new)}, content_type="application/json"
    )
    assert answer.status_code == 400 and answer.json()["code"] == "code_invalid"
    visitor.refresh_from_db()
    assert visitor.phone_hash == phone_hash(STRANGER)


def test_a_phone_another_account_signs_in_with_is_refused(world, visitor, member_user, sms, outbox):
    caller = api_for(member_user)
    sms(STRANGER, caller=caller, path="/api/v1/me/phone/code", address="198.51.100.9")
    answer = caller.post(
        "/api/v1/me/phone",
        {"phone": STRANGER, "code": last_code(outbox, STRANGER)},
        content_type="application/json",
    )
    assert answer.status_code == 400 and answer.json()["code"] == "phone_taken"
    member_user.refresh_from_db()
    assert member_user.phone_hash == ""


# ---- the sign-in page -------------------------------------------------------------------------------


def test_the_sign_in_page_offers_the_sms_code_form_next_to_the_password(db, client):
    page = client.get("/accounts/login/").content.decode()
    assert "手机验证码登录" in page and 'name="step" value="send"' in page and 'name="password"' in page


def test_a_worker_signs_in_on_the_page_without_javascript(
    world, client, outbox, django_capture_on_commit_callbacks
):
    phone = member_phone(world, "baoji_worker")
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post("/login/phone/", {"step": "send", "phone": phone})
    assert second.status_code == 200 and 'name="code"' in second.content.decode()
    signed = client.post("/login/phone/", {"step": "login", "phone": phone, "code": last_code(outbox, phone)})
    assert signed.status_code == 302
    world.members["baoji_worker"].refresh_from_db()
    assert world.members["baoji_worker"].user_id is not None
    assert client.get(signed.url).wsgi_request.user == world.members["baoji_worker"].user


def test_a_wrong_code_on_the_page_says_so_and_signs_no_one_in(
    world, client, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/login/phone/", {"step": "send", "phone": STRANGER})
    code = last_code(outbox, STRANGER)
    wrong = "000000" if code != "000000" else "111111"
    page = client.post("/login/phone/", {"step": "login", "phone": STRANGER, "code": wrong})
    assert page.status_code == 400 and "验证码错误或已失效" in page.content.decode()
    assert not User.objects.filter(phone_hash=phone_hash(STRANGER)).exists()


def test_a_malformed_phone_on_the_page_is_refused_and_nothing_is_sent(db, client, outbox):
    page = client.post("/login/phone/", {"step": "send", "phone": "12345"})
    assert page.status_code == 400 and "phone" in page.content.decode()
    assert not PhoneCode.objects.exists() and not outbox.exists()


# ---- messages sent before the account existed ---------------------------------------------------------


def test_an_applicant_approved_before_having_an_account_finds_it_in_the_inbox_after_signing_in(
    world, client, sms, outbox, city_officer, django_capture_on_commit_callbacks
):
    from gonghui.members.services import enrolment

    phone = "13700000077"
    with django_capture_on_commit_callbacks(execute=True):
        application = enrolment.enrolment_submit(
            actor=None,
            name="王芳",
            id_number=make_id_number("610113", gender="F"),
            phone=phone,
            employer="某快递公司",
            work_division="610113",
            employment_form="courier",
        )
        enrolment.enrolment_approve(actor=city_officer, enrolment=application)
    from gonghui.notifications.models import Dispatch

    # The SMS is on its way (or waits for the end of the quiet hours) before any account exists.
    assert [crypto.decrypt(d.to_enc) for d in Dispatch.objects.all()] == [phone]
    assert not User.objects.filter(phone_hash=phone_hash(phone)).exists()

    sms(phone)
    token = login(client, phone, last_code(outbox, phone)).json()["token"]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    me = client.get("/api/v1/me", **headers).json()
    assert me["unread"] == 1
    inbox = client.get("/api/v1/me/notifications", **headers).json()
    items = inbox["items"] if isinstance(inbox, dict) else inbox
    assert [n["kind"] for n in items] == ["enrolment.approved"]
    assert items[0]["read_at"] is None
