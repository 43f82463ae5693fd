"""Where a message goes: the SMS back end named by GONGHUI_SMS_BACKEND, and e-mail through
Django's mail (EMAIL_BACKEND: SMTP in production).

Every back end takes an :class:`Outgoing` message and returns the provider's message id, or
raises :class:`DeliveryFailed` saying whether trying again can help. The provider SDKs are
imported when used, so the file back end works without them.
"""

import json
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone


class DeliveryFailed(Exception):
    """The message did not go out. ``permanent``: the same message will never go (a number
    the provider refuses, a template it does not know), so it is not tried again."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Outgoing:
    """A message ready to send: the recipient in clear (only in memory), the rendered subject
    and text, and what providers with approved templates need instead of the text."""

    delivery_id: str
    to: str
    template: str
    language: str
    params: dict
    ordered_params: list[str]
    subject: str
    text: str


class FileSmsBackend:
    """Development and tests: one JSON object per message appended to
    GONGHUI_OUTBOX_DIR/sms.jsonl (the whole text, so the developer reads the code there)."""

    name = "file"

    def send(self, message: Outgoing) -> str:
        folder = settings.GONGHUI_OUTBOX_DIR
        folder.mkdir(parents=True, exist_ok=True)
        line = {
            "to": message.to,
            "text": message.text,
            "template": message.template,
            "params": message.params,
            "language": message.language,
            "delivery": message.delivery_id,
            "at": timezone.localtime().isoformat(timespec="seconds"),
        }
        with open(folder / "sms.jsonl", "a", encoding="utf-8") as outbox:
            outbox.write(json.dumps(line, ensure_ascii=False) + "\n")
        return message.delivery_id


# Aliyun answers these codes for a message that will never go as it is (docs/ops/messages.md).
ALIYUN_PERMANENT = {
    "isv.MOBILE_NUMBER_ILLEGAL",
    "isv.SMS_TEMPLATE_ILLEGAL",
    "isv.SMS_SIGNATURE_ILLEGAL",
    "isv.TEMPLATE_MISSING_PARAMETERS",
    "isv.INVALID_PARAMETERS",
    "isv.PARAM_LENGTH_LIMIT",
    "isv.BLACK_KEY_CONTROL_LIMIT",
}


class AliyunSmsBackend:
    """Aliyun SMS (短信服务, API version 2017-05-25, ``SendSms``) through its SDK."""

    name = "aliyun"

    def client(self):
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi import models as open_api_models

        config = open_api_models.Config(
            access_key_id=settings.GONGHUI_ALIYUN_SMS_ACCESS_KEY_ID,
            access_key_secret=settings.GONGHUI_ALIYUN_SMS_ACCESS_KEY_SECRET,
            endpoint=settings.GONGHUI_ALIYUN_SMS_ENDPOINT,
            connect_timeout=5000,
            read_timeout=10000,
        )
        return Client(config)

    def request(self, message: Outgoing):
        from alibabacloud_dysmsapi20170525 import models as sms_models

        from gonghui.core.channels.templates import provider_code

        return sms_models.SendSmsRequest(
            phone_numbers=message.to,
            sign_name=settings.GONGHUI_SMS_SIGN_NAME,
            template_code=provider_code(message.template, message.language),
            template_param=json.dumps({k: str(v) for k, v in message.params.items()}, ensure_ascii=False),
            out_id=message.delivery_id,
        )

    def send(self, message: Outgoing) -> str:
        request = self.request(message)
        try:
            response = self.client().send_sms(request)
        except Exception as exc:  # the SDK raises its own errors and the network's
            raise DeliveryFailed(f"aliyun: {type(exc).__name__}: {exc}"[:500]) from exc
        body = response.body
        if body is None or body.code != "OK":
            code = getattr(body, "code", None) or "no answer"
            raise DeliveryFailed(
                f"aliyun: {code}: {getattr(body, 'message', '') or ''}"[:500],
                permanent=code in ALIYUN_PERMANENT,
            )
        return body.biz_id or ""


# Tencent Cloud answers these codes for a number or template that will never work.
TENCENT_PERMANENT = {
    "InvalidParameterValue.IncorrectPhoneNumber",
    "FailedOperation.TemplateIncorrectOrUnapproved",
    "FailedOperation.SignatureIncorrectOrUnapproved",
    "InvalidParameterValue.TemplateParameterFormatError",
    "FailedOperation.PhoneNumberInBlacklist",
    "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber",
}


class TencentSmsBackend:
    """Tencent Cloud SMS (API version 2021-01-11, ``SendSms``) through its SDK."""

    name = "tencent"

    def client(self):
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        cred = credential.Credential(
            settings.GONGHUI_TENCENT_SMS_SECRET_ID, settings.GONGHUI_TENCENT_SMS_SECRET_KEY
        )
        http = HttpProfile(reqTimeout=10)
        return sms_client.SmsClient(
            cred, settings.GONGHUI_TENCENT_SMS_REGION, ClientProfile(httpProfile=http)
        )

    def request(self, message: Outgoing):
        from tencentcloud.sms.v20210111 import models as sms_models

        from gonghui.core.channels.templates import provider_code

        request = sms_models.SendSmsRequest()
        request.PhoneNumberSet = [f"+86{message.to}"]
        request.SmsSdkAppId = settings.GONGHUI_TENCENT_SMS_APP_ID
        request.SignName = settings.GONGHUI_SMS_SIGN_NAME
        request.TemplateId = provider_code(message.template, message.language)
        request.TemplateParamSet = message.ordered_params
        request.SessionContext = message.delivery_id
        return request

    def send(self, message: Outgoing) -> str:
        request = self.request(message)
        try:
            response = self.client().SendSms(request)
        except Exception as exc:  # TencentCloudSDKException and the network's
            code = getattr(exc, "code", None) or type(exc).__name__
            raise DeliveryFailed(
                f"tencent: {code}: {exc}"[:500], permanent=code in TENCENT_PERMANENT
            ) from exc
        statuses = response.SendStatusSet or []
        if not statuses:
            raise DeliveryFailed("tencent: no send status in the answer")
        status = statuses[0]
        if status.Code != "Ok":
            raise DeliveryFailed(
                f"tencent: {status.Code}: {status.Message}"[:500], permanent=status.Code in TENCENT_PERMANENT
            )
        return status.SerialNo or ""


SMS_BACKENDS = {b.name: b for b in (FileSmsBackend, AliyunSmsBackend, TencentSmsBackend)}


def sms_backend():
    """The SMS back end GONGHUI_SMS_BACKEND names."""
    return SMS_BACKENDS[settings.GONGHUI_SMS_BACKEND]()


class EmailBackend:
    """E-mail through Django's mail framework (EMAIL_BACKEND, any SMTP server)."""

    name = "email"

    def send(self, message: Outgoing) -> str:
        mail = EmailMessage(subject=message.subject, body=message.text, to=[message.to])
        try:
            mail.send(fail_silently=False)
        except Exception as exc:  # smtplib's and the socket's errors
            raise DeliveryFailed(f"email: {type(exc).__name__}: {exc}"[:500]) from exc
        return mail.extra_headers.get("Message-ID", "") if mail.extra_headers else ""


def backend_for(channel: str):
    """The back end of ``channel`` ("sms" or "email")."""
    return sms_backend() if channel == "sms" else EmailBackend()
