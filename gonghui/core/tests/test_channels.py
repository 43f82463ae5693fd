"""The channel layer: every back end against a local stand-in (the file, Django's locmem mail,
the provider SDKs' own request objects with the network call replaced), never the network."""

import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from gonghui.core import channels, crypto
from gonghui.core.channels import delivery as deliveries
from gonghui.core.models import Delivery

PHONE = "13912345678"


@pytest.fixture
def outbox(settings, tmp_path):
    settings.GONGHUI_OUTBOX_DIR = tmp_path / "outbox"
    settings.GONGHUI_SMS_BACKEND = "file"
    return tmp_path / "outbox" / "sms.jsonl"


@pytest.fixture
def providers(settings):
    settings.GONGHUI_SMS_TEMPLATE_CODES = {"login_code": "SMS_100", "login_code.en": "SMS_200"}
    settings.GONGHUI_SMS_SIGN_NAME = "陕西工会"
    settings.GONGHUI_ALIYUN_SMS_ACCESS_KEY_ID = "test-id"
    settings.GONGHUI_ALIYUN_SMS_ACCESS_KEY_SECRET = "test-secret"
    settings.GONGHUI_TENCENT_SMS_SECRET_ID = "test-id"
    settings.GONGHUI_TENCENT_SMS_SECRET_KEY = "test-secret"
    settings.GONGHUI_TENCENT_SMS_APP_ID = "1400000000"
    return settings


def send_code(capture, *, language="zh-hans", to=PHONE):
    with capture(execute=True):
        return channels.send(
            channel="sms",
            to=to,
            template="login_code",
            params={"code": "246810", "minutes": 5},
            language=language,
        )


def lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# ---- file back end and the delivery row ----------------------------------------------------------


def test_an_sms_through_the_file_backend_is_one_json_line_with_the_code_in_its_text(
    db, outbox, django_capture_on_commit_callbacks
):
    sent = send_code(django_capture_on_commit_callbacks)
    (line,) = lines(outbox)
    assert line["to"] == PHONE
    assert "246810" in line["text"] and "5" in line["text"]
    assert line["template"] == "login_code"
    assert line["at"]
    sent.refresh_from_db()
    assert sent.status == Delivery.Status.SENT
    assert sent.attempts == 1 and sent.backend == "file" and sent.sent_at


def test_a_delivery_keeps_the_recipient_encrypted_and_forgets_the_parameters_once_sent(
    db, outbox, django_capture_on_commit_callbacks
):
    sent = send_code(django_capture_on_commit_callbacks)
    row = Delivery.objects.values().get(pk=sent.pk)
    assert PHONE not in json.dumps(row, default=str)
    assert crypto.decrypt(row["recipient_enc"]) == PHONE
    assert row["recipient_hash"] == crypto.blind_index("phone", PHONE)
    assert row["recipient_masked"] == "139****5678"
    assert row["params_enc"] == ""


def test_a_message_is_written_in_the_recipients_language(db, outbox, django_capture_on_commit_callbacks):
    send_code(django_capture_on_commit_callbacks)
    send_code(django_capture_on_commit_callbacks, language="en")
    chinese, english = lines(outbox)
    assert "验证码" in chinese["text"]
    assert english["text"].startswith("Your Gonghui sign-in code is 246810")


def test_a_number_written_with_the_country_code_is_sent_to_the_eleven_digits(
    db, outbox, django_capture_on_commit_callbacks
):
    send_code(django_capture_on_commit_callbacks, to="+86 139-1234-5678")
    assert lines(outbox)[0]["to"] == PHONE


@pytest.mark.parametrize(
    "kwargs",
    [
        {"channel": "fax"},
        {"template": "no_such_kind"},
        {"params": {"code": "1"}},
        {"params": {"code": "1", "minutes": 5, "extra": 1}},
        {"language": "fr"},
    ],
)
def test_a_message_the_layer_cannot_write_is_refused_and_nothing_is_recorded_or_sent(db, outbox, kwargs):
    call = {"channel": "sms", "to": PHONE, "template": "login_code", "params": {"code": "1", "minutes": 5}}
    with pytest.raises(ValueError):
        channels.send(**{**call, **kwargs})
    assert not Delivery.objects.exists()
    assert not outbox.exists()


def test_a_malformed_phone_is_refused_with_phone_format_and_nothing_is_recorded(db, outbox):
    with pytest.raises(ValidationError) as caught:
        channels.send(channel="sms", to="12345", template="login_code", params={"code": "1", "minutes": 5})
    assert caught.value.code == "phone_format"
    assert not Delivery.objects.exists()


def test_nothing_is_sent_when_the_callers_transaction_rolls_back(
    db, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        channels.send(channel="sms", to=PHONE, template="login_code", params={"code": "1", "minutes": 5})
    assert len(callbacks) == 1  # queued for the commit, which never comes here
    assert not outbox.exists()


# ---- e-mail ---------------------------------------------------------------------------------------


def test_an_email_goes_through_djangos_mail_with_subject_and_text(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = channels.send(
            channel="email",
            to="Zeng.Le@Example.org",
            template="login_code",
            params={"code": "135790", "minutes": 5},
            language="en",
        )
    (message,) = mail.outbox
    assert message.to == ["zeng.le@example.org"]
    assert message.subject == "Your sign-in code"
    assert "135790" in message.body
    sent.refresh_from_db()
    assert sent.status == Delivery.Status.SENT and sent.recipient_masked == "z***@example.org"


# ---- Aliyun -----------------------------------------------------------------------------------------


def aliyun_answer(body):
    return {"headers": {}, "statusCode": 200, "body": body}


def test_aliyun_gets_the_number_signature_template_code_and_parameters_in_its_sdk_request(
    db, providers, monkeypatch, django_capture_on_commit_callbacks
):
    from alibabacloud_tea_openapi.client import Client as OpenApiClient

    calls = []

    def call_api(self, params, request, runtime):
        calls.append((params, request))
        return aliyun_answer(
            {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "r"}
        )

    monkeypatch.setattr(OpenApiClient, "call_api", call_api)
    providers.GONGHUI_SMS_BACKEND = "aliyun"
    sent = send_code(django_capture_on_commit_callbacks)
    ((params, request),) = calls
    assert params.action == "SendSms" and params.version == "2017-05-25"
    assert request.query["PhoneNumbers"] == PHONE
    assert request.query["SignName"] == "陕西工会"
    assert request.query["TemplateCode"] == "SMS_100"
    assert json.loads(request.query["TemplateParam"]) == {"code": "246810", "minutes": "5"}
    assert request.query["OutId"] == str(sent.pk)
    sent.refresh_from_db()
    assert sent.status == Delivery.Status.SENT and sent.provider_id == "900619746936498440^0"


def test_aliyun_uses_the_english_template_code_for_an_english_message(db, providers):
    from gonghui.core.channels.backends import AliyunSmsBackend

    providers.GONGHUI_SMS_BACKEND = "aliyun"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("gonghui.core.channels.delivery.backend_for", lambda channel: AliyunSmsBackend())
        delivery = channels.send(
            channel="sms", to=PHONE, template="login_code", params={"code": "1", "minutes": 5}, language="en"
        )
    request = AliyunSmsBackend().request(deliveries.outgoing(delivery))
    assert request.template_code == "SMS_200"


def test_an_aliyun_refusal_of_the_number_fails_for_good_without_retrying(
    db, providers, monkeypatch, django_capture_on_commit_callbacks
):
    from alibabacloud_tea_openapi.client import Client as OpenApiClient

    monkeypatch.setattr(
        OpenApiClient,
        "call_api",
        lambda self, p, r, rt: aliyun_answer({"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "bad number"}),
    )
    providers.GONGHUI_SMS_BACKEND = "aliyun"
    sent = send_code(django_capture_on_commit_callbacks)
    sent.refresh_from_db()
    assert sent.status == Delivery.Status.FAILED
    assert "isv.MOBILE_NUMBER_ILLEGAL" in sent.last_error
    assert sent.next_try_at is None and sent.params_enc == ""


def test_an_aliyun_network_error_is_recorded_and_tried_again_after_the_pause(
    db, providers, monkeypatch, django_capture_on_commit_callbacks
):
    from alibabacloud_tea_openapi.client import Client as OpenApiClient

    answers = [ConnectionError("connection refused")]

    def call_api(self, params, request, runtime):
        if answers:
            raise answers.pop()
        return aliyun_answer({"Code": "OK", "BizId": "b2"})

    monkeypatch.setattr(OpenApiClient, "call_api", call_api)
    providers.GONGHUI_SMS_BACKEND = "aliyun"
    sent = send_code(django_capture_on_commit_callbacks)
    sent.refresh_from_db()
    assert sent.status == Delivery.Status.RETRYING and sent.attempts == 1
    assert "connection refused" in sent.last_error
    assert sent.next_try_at > timezone.now()

    call_command("retry_deliveries")  # not due yet: nothing happens
    sent.refresh_from_db()
    assert sent.attempts == 1

    Delivery.objects.filter(pk=sent.pk).update(next_try_at=timezone.now())
    call_command("retry_deliveries")
    sent.refresh_from_db()
    assert sent.status == Delivery.Status.SENT and sent.attempts == 2 and sent.provider_id == "b2"


# ---- Tencent Cloud ----------------------------------------------------------------------------------


def tencent_answer(code="Ok", message="send success"):
    status = {
        "SerialNo": "2028:1",
        "PhoneNumber": f"+86{PHONE}",
        "Fee": 1,
        "SessionContext": "",
        "Code": code,
    }
    return json.dumps({"Response": {"SendStatusSet": [{**status, "Message": message}], "RequestId": "r"}})


def test_tencent_gets_the_app_signature_template_and_ordered_parameters_in_its_sdk_request(
    db, providers, monkeypatch, django_capture_on_commit_callbacks
):
    from tencentcloud.common.abstract_client import AbstractClient

    calls = []

    def call(self, action, params, options=None, headers=None):
        calls.append((action, params))
        return tencent_answer()

    monkeypatch.setattr(AbstractClient, "call", call)
    providers.GONGHUI_SMS_BACKEND = "tencent"
    sent = send_code(django_capture_on_commit_callbacks)
    ((action, params),) = calls
    assert action == "SendSms"
    assert params["PhoneNumberSet"] == [f"+86{PHONE}"]
    assert params["SmsSdkAppId"] == "1400000000"
    assert params["SignName"] == "陕西工会"
    assert params["TemplateId"] == "SMS_100"
    assert params["TemplateParamSet"] == ["246810", "5"]
    sent.refresh_from_db()
    assert sent.status == Delivery.Status.SENT and sent.provider_id == "2028:1"


def test_a_tencent_failure_is_retried_until_the_attempts_run_out(
    db, providers, monkeypatch, django_capture_on_commit_callbacks
):
    from tencentcloud.common.abstract_client import AbstractClient

    monkeypatch.setattr(
        AbstractClient,
        "call",
        lambda self, a, p, options=None, headers=None: tencent_answer(
            "LimitExceeded.PhoneNumberDailyLimit", "limit"
        ),
    )
    providers.GONGHUI_SMS_BACKEND = "tencent"
    providers.GONGHUI_DELIVERY_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        sent = channels.send(
            channel="sms", to=PHONE, template="phone_change_code", params={"code": "1", "minutes": 5}
        )
    providers.GONGHUI_SMS_TEMPLATE_CODES = {"phone_change_code": "300"}
    for _ in range(4):
        Delivery.objects.filter(pk=sent.pk, next_try_at__isnull=False).update(next_try_at=timezone.now())
        deliveries.retry_due()
    sent.refresh_from_db()
    assert sent.status == Delivery.Status.FAILED and sent.attempts == 3
    assert "LimitExceeded.PhoneNumberDailyLimit" in sent.last_error


def test_a_missing_template_code_is_recorded_as_the_failure_not_raised_to_the_caller(
    db, providers, django_capture_on_commit_callbacks
):
    providers.GONGHUI_SMS_BACKEND = "tencent"
    providers.GONGHUI_SMS_TEMPLATE_CODES = {}
    sent = send_code(django_capture_on_commit_callbacks)
    sent.refresh_from_db()
    assert sent.status == Delivery.Status.RETRYING
    assert "GONGHUI_SMS_TEMPLATE_CODES" in sent.last_error


def test_a_sign_in_code_not_sent_within_its_lifetime_expires_instead_of_arriving_late(db, outbox):
    sent = channels.send(channel="sms", to=PHONE, template="login_code", params={"code": "1", "minutes": 5})
    Delivery.objects.filter(pk=sent.pk).update(expires_at=timezone.now())
    deliveries.attempt(sent.pk)
    sent.refresh_from_db()
    assert sent.status == Delivery.Status.EXPIRED and sent.params_enc == ""
    assert not outbox.exists()


def test_a_sent_delivery_is_never_sent_twice(db, outbox, django_capture_on_commit_callbacks):
    sent = send_code(django_capture_on_commit_callbacks)
    deliveries.attempt(sent.pk)
    call_command("retry_deliveries")
    assert len(lines(outbox)) == 1
