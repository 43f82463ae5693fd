"""What the worker and officer pages say: in Chinese, the words of a request (受理, 转办) and
not those of membership (采纳, 转会) that share their English; the amber time limit is written
out, not only coloured; the no-JavaScript place button goes away when htmx is there."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from gonghui.rights.choices import EventKind, Outcome, TransferStatus
from gonghui.rights.models import Request
from gonghui.rights.services import legal_aid, transfers
from gonghui.rights.services import requests as svc
from gonghui.rights.services import worker as worker_services
from gonghui.testing import client_for

pytestmark = pytest.mark.django_db

# Chinese that belongs to other apps' meanings of the same English words.
WRONG_ZH = ["已采纳", "转会", "考核等级", "退会", "所属工会代码", "同意接收"]


def _request(**extra):
    data = {
        "actor": None,
        "channel": "app",
        "category": "legal_aid",
        "description": "单位拖欠加班费。",
        "work_division": "610113",
        "name": "刘芳",
        "phone": "13800001111",
    }
    data.update(extra)
    return svc.request_file(**data)


def test_the_rights_labels_carry_their_own_context():
    """Shared English msgids are looked up with the context "rights", so their Chinese can
    differ from the membership meanings (采纳, 转会, 退会)."""
    for label in (
        EventKind.ACCEPTED.label,
        EventKind.TRANSFER_REFUSED.label,
        EventKind.TRANSFER_ACCEPTED.label,
        TransferStatus.ACCEPTED.label,
        TransferStatus.REFUSED.label,
        Outcome.WITHDRAWN.label,
    ):
        assert label._args[0] == "rights", label  # pgettext_lazy(context, message)
    with translation.override("zh-hans"):
        shared = {translation.gettext(m) for m in ("Accepted", "Transfer refused", "Withdrawn")}
        assert str(EventKind.ACCEPTED.label) not in shared - {"Accepted"}
        assert str(EventKind.TRANSFER_REFUSED.label) not in shared - {"Transfer refused"}
        assert str(Outcome.WITHDRAWN.label) not in shared - {"Withdrawn"}


def test_the_worker_and_officer_pages_use_the_words_of_requests(world, city_admin):
    xian = city_admin
    req = _request()
    svc.request_accept(actor=xian, request=req)
    t = transfers.request_transfer(
        actor=xian, request=req, to=world.orgs["xian_factory"], reason="单位有工会"
    )
    transfers.transfer_decide(actor=city_admin, transfer=t, accept=False, note="不在本单位")
    legal_aid.legal_aid_open(
        actor=xian,
        request=req,
        cause="wages",
        form="mediation",
        monthly_income="1500",
        knew_on=timezone.localdate() - datetime.timedelta(days=20),
    )
    aid = req.legal_aid
    legal_aid.legal_aid_outcome(actor=xian, aid=aid, outcome="withdrawn")
    svc.request_close(actor=xian, request=req, reply="已协调。")
    req.refresh_from_db()
    worker_services.request_rate(actor=None, request=req, rating=5, phone="13800001111")

    worker = Client().get(f"/rights/r/{req.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    officer = client_for(xian)
    pages = {
        "worker": worker,
        "detail": officer.get(f"/rights/requests/{req.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode(),
        "queue": officer.get("/rights/?tab=", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode(),
        "rates": officer.get("/rights/rates/?org=610100", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode(),
    }
    found = {name: [w for w in WRONG_ZH if w in _main(body)] for name, body in pages.items()}
    assert found == {name: [] for name in pages}


def _main(page: str) -> str:
    """The page's own content, without the menu (where 转会 is the members' transfers)."""
    return page[page.index("<main") : page.index("</main>")]


def test_an_amber_row_says_it_is_due_soon_in_words(city_admin):
    xian = city_admin
    amber = _request(category="help", name="赵丽", actor=xian, channel="letter")
    Request.objects.filter(pk=amber.pk).update(due_on=timezone.localdate() + datetime.timedelta(days=1))
    red = _request(category="help", name="李建国", actor=xian, channel="phone", phone="13800002222")
    Request.objects.filter(pk=red.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    green = _request(category="help", name="孙强", actor=xian, channel="visit", phone="13800003333")
    client = client_for(xian)
    with translation.override("en"):
        queue = client.get("/rights/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        rows = {r.name: _row(queue, r.number) for r in (amber, red, green)}
        assert 'data-sla-badge="amber"' in rows["赵丽"] and "due within two days" in rows["赵丽"]
        assert 'data-sla-badge="red"' in rows["李建国"] and "overdue" in rows["李建国"]
        assert "data-sla-badge" not in rows["孙强"]
        detail = client.get(f"/rights/requests/{amber.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'data-sla-badge="amber"' in detail and "due within two days" in detail


def _row(page: str, number: str) -> str:
    at = page.index(number)
    return page[page.rindex("<tr", 0, at) : page.index("</tr>", at)]


def test_the_filing_page_drops_the_no_javascript_place_button_when_htmx_is_there(world):
    page = Client().get("/rights/new/").content.decode()
    assert "data-nojs" in page  # the button is there without JavaScript
    # The site script (static, under the Content-Security-Policy) removes it when htmx is there.
    assert "/static/js/gonghui.js" in page
    script = (settings.BASE_DIR / "gonghui" / "static" / "js" / "gonghui.js").read_text(encoding="utf-8")
    script = script[script.index('querySelectorAll("[data-nojs]")') - 200 :]
    assert "window.htmx" in script and "remove()" in script
