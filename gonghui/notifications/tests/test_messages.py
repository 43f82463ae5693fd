"""Every notification kind's own SMS/e-mail template: declared by its app, in both languages,
and carried to the providers under the kind's template code (never the network)."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from gonghui.core import channels
from gonghui.core.channels import delivery as deliveries
from gonghui.core.channels import templates
from gonghui.core.channels.backends import AliyunSmsBackend, TencentSmsBackend
from gonghui.notifications import kinds

# Kinds sent on purpose as the generic ``notification`` (title and link); none today.
GENERIC = set()
PHONE = "13912345678"


@pytest.mark.parametrize("code", [code for code, _label in kinds.all_kinds()])
def test_every_declared_kind_has_its_own_message_in_chinese_and_english(code):
    if code in GENERIC:
        return
    tpl = templates.registered(code)
    assert tpl is not None, f"{code} has no message template: declare one or list it in GENERIC"
    example = {name: f"<{name}>" for name in tpl.params}
    _subject, english = templates.render(code, example, "en")
    subject, chinese = templates.render(code, example, "zh-hans")
    assert english == tpl.text % example
    assert (
        chinese != english
        and re.search(r"[\u4e00-\u9fff]", chinese)
        and re.search(r"[\u4e00-\u9fff]", subject)
    )
    for name in tpl.params:
        assert f"<{name}>" in english and f"<{name}>" in chinese


def test_registering_another_text_under_a_taken_kind_is_refused():
    tpl = templates.template("request.accepted")
    templates.register(tpl)  # the same again: harmless
    with pytest.raises(ValueError, match="request.accepted"):
        templates.register(templates.MessageTemplate(kind=tpl.kind, subject="x", text="y", params=()))
    assert templates.template("request.accepted") == tpl


@pytest.fixture
def providers(settings):
    settings.GONGHUI_SMS_TEMPLATE_CODES = {"request.accepted": "SMS_310", "request.accepted.en": "SMS_311"}
    settings.GONGHUI_SMS_SIGN_NAME = "陕西工会"
    settings.GONGHUI_TENCENT_SMS_APP_ID = "1400000000"
    return settings


def accepted(language="zh-hans"):
    with translation.override("en"):
        return channels.send(
            channel="sms",
            to=PHONE,
            template="request.accepted",
            params={"number": "WQ-2026-0001", "due": "2026-03-10", "link": "https://g.example.cn/r/1"},
            language=language,
        )


def test_aliyun_gets_the_kinds_template_code_and_named_parameters(db, providers):
    request = AliyunSmsBackend().request(deliveries.outgoing(accepted()))
    assert request.template_code == "SMS_310"
    assert request.template_param == (
        '{"number": "WQ-2026-0001", "due": "2026-03-10", "link": "https://g.example.cn/r/1"}'
    )
    assert AliyunSmsBackend().request(deliveries.outgoing(accepted("en"))).template_code == "SMS_311"


def test_tencent_gets_the_kinds_template_id_and_parameters_in_its_order(db, providers):
    request = TencentSmsBackend().request(deliveries.outgoing(accepted()))
    assert request.TemplateId == "SMS_310"
    assert request.TemplateParamSet == ["WQ-2026-0001", "2026-03-10", "https://g.example.cn/r/1"]


def test_a_kind_without_a_provider_code_is_refused_by_name(db, providers):
    providers.GONGHUI_SMS_TEMPLATE_CODES = {"notification": "SMS_300"}
    message = deliveries.outgoing(accepted())
    for backend in (AliyunSmsBackend(), TencentSmsBackend()):
        with pytest.raises(
            ImproperlyConfigured, match="GONGHUI_SMS_TEMPLATE_CODES has no code for 'request.accepted'"
        ):
            backend.request(message)
