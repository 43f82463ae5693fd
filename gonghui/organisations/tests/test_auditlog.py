"""The audit log in words (organisations/auditlog.py): every action has a label, every change
key a name, and the audit page of the demo data shows officers no id and no code."""

import ast
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from gonghui.core import audit
from gonghui.core.models import AuditEntry
from gonghui.core.pagination import PageOf
from gonghui.organisations import auditlog, forms, services
from gonghui.testing import client_for

GONGHUI = Path(settings.BASE_DIR) / "gonghui"
# The apps whose every literal change key must have a name. The other apps list theirs in their
# reports while they are brought into shape (issue 13); add an app here when its keys are named.
NAMED_CHANGE_KEYS = {"accounts", "organisations", "members"}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def _declaring_apps() -> set[str]:
    return {config.label for config, _actions in audit.declared_by_app()}


def _action_code() -> re.Pattern:
    """An audit code of an app that declares its actions (the others still show theirs)."""
    labels = "|".join(sorted(_declaring_apps()))
    return re.compile(rf"\b(?:{labels})\.[a-z_]+\.[a-z_]+\b")


def _written_change_keys(app: str) -> set[str]:
    """Every literal key of a ``changes={...}`` the app's code writes."""
    keys = set()
    for path in (GONGHUI / app).rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "changes" and isinstance(node.value, ast.Dict):
                keys |= {k.value for k in node.value.keys if isinstance(k, ast.Constant)}
    return keys


def test_every_declared_audit_action_has_a_label_of_its_own_app():
    for config, actions in audit.declared_by_app():
        assert actions, config.label
        for code, label in actions:
            assert code.startswith(f"{config.label}.") and code.count(".") == 2, code
            assert str(label) != code and audit.label(code) == str(label)


@pytest.mark.parametrize("app", sorted(NAMED_CHANGE_KEYS))
def test_every_change_key_an_app_writes_has_a_name(app):
    object_types = [m._meta.label_lower for m in apps.get_app_config(app).get_models()]
    found = _written_change_keys(app)
    assert found, f"no change keys found in {app}: is the scan still right?"
    unnamed = sorted(key for key in found if not any(auditlog.change_name(t, key) for t in object_types))
    assert unnamed == [], f"name these in organisations/auditlog.py CHANGE_NAMES: {unnamed}"


def test_a_change_counted_per_table_is_named_by_the_table():
    with translation.override("zh-hans"):
        assert auditlog.change_name("members.member", "members.Member") == "会员"
        assert auditlog.change_name("members.member", "no_such_key") is None


@pytest.mark.django_db
def test_ids_in_an_objects_name_and_codes_of_references_read_as_names(world, province_admin):
    xian, baoji = world.orgs["xian"], world.orgs["baoji"]
    member = world.members["xian_worker"]
    deleted = "0192f0b4-0000-7000-8000-000000000000"
    AuditEntry.objects.create(
        actor=province_admin,
        actor_label="shaanxi",
        action="members.transfer.requested",
        object_type="members.transfer",
        object_id="1",
        object_repr=f"{member.pk}: {xian.pk} → {deleted}",
        organisation_id=xian.pk,
        changes={"to": [None, baoji.code], "member_status": ["member", "transferring"]},
    )
    services.organisation_move(actor=province_admin, organisation=world.orgs["yanta"], new_parent=baoji)
    with translation.override("zh-hans"):
        moved, requested = auditlog.readable(AuditEntry.objects.order_by("-at")[:2])
    assert requested.object_name == "张伟 (610113200000001): 西安市总工会 → （该记录已删除）"
    assert requested.object_kind == "会员关系转接"
    assert [(c.name, c.before, c.after) for c in requested.changes] == [
        ("转入工会", None, "宝鸡市总工会"),
        ("会籍状态", "会员", "转出中"),
    ]
    assert [(c.name, c.before, c.after) for c in moved.changes] == [
        ("上级组织", "西安市总工会", "宝鸡市总工会")
    ]


@pytest.mark.django_db
def test_keys_recorded_without_a_field_read_in_words(world, city_admin, member_user):
    from gonghui.members.services import members as member_services

    member = world.members["xian_worker"]
    member_services.member_reveal_pii(actor=city_admin, member=member, field="phone", reason="核对电话")
    with translation.override("zh-hans"):
        revealed, linked = auditlog.readable(
            AuditEntry.objects.filter(
                action__in=["members.member.pii_revealed", "members.member.user_linked"]
            ).order_by("-at")
        )
    assert [(c.name, c.after) for c in revealed.changes] == [("查看的信息", "手机号码")]
    assert [(c.name, c.after) for c in linked.changes] == [("用户", str(member_user))]


class _VisibleText(HTMLParser):
    """What a person reads on a page: the text, and the attributes browsers show (tooltips,
    placeholders, the values of visible inputs)."""

    SHOWN = {"title", "placeholder", "alt", "aria-label"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        self.parts += [v for k, v in attrs.items() if k in self.SHOWN and v]
        if tag == "input" and attrs.get("type") != "hidden" and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _visible(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def _assert_in_words(html: str, where: str) -> None:
    text = _visible(html)
    assert not UUID.findall(text), f"{where}: ids shown: {sorted(set(UUID.findall(text)))[:5]}"
    codes = _action_code().findall(text)
    assert not codes, f"{where}: codes shown: {sorted(set(codes))[:5]}"


@pytest.mark.django_db
def test_the_audit_page_of_the_demo_data_shows_no_id_and_no_code():
    """Every entry the demo writes for an app that declares its actions, on one page as the
    audit template renders it, and the audit page itself for each app and for one record. (The
    apps that do not declare theirs yet are test_guards' PENDING_AUDIT_LABELS.)"""
    call_command("seed_demo", members=120, stdout=io.StringIO())
    declaring = _declaring_apps()
    entries = [e for e in AuditEntry.objects.select_related("actor") if e.action.split(".")[0] in declaring]
    assert {e.action.split(".")[0] for e in entries} >= {"organisations", "members", "accounts"}
    operator = apps.get_model(settings.AUTH_USER_MODEL).objects.get(username="admin")
    request = RequestFactory().get(reverse("audit"))
    request.user = operator
    with translation.override("zh-hans"):
        rows = auditlog.readable(entries)
        unnamed = sorted(
            {(row.entry.object_type, c.code) for row in rows for c in row.changes if c.name == c.code}
        )
        assert unnamed == [], f"name these change keys in auditlog.CHANGE_NAMES: {unnamed}"
        for row in rows:
            assert row.action != row.entry.action and row.object_kind != row.entry.object_type, row.entry
        page = PageOf(items=entries, count=len(entries), number=1, page_size=len(entries), rows=rows)
        html = render_to_string(
            "organisations/audit.html", {"form": forms.AuditFilterForm(), "page": page}, request=request
        )
    _assert_in_words(html, "all entries")
    client = client_for(operator, language="zh-hans")
    transfer = next(e for e in entries if e.object_type == "members.transfer")
    written = sorted({e.action.split(".")[0] for e in entries})  # the apps the demo wrote for
    for query in [{}, *({"action": f"{app}."} for app in written), {"object": transfer.object_id}]:
        response = client.get(reverse("audit"), query)
        assert response.status_code == 200 and response.context["page"].rows, query
        _assert_in_words(response.content.decode(), str(query))
    assert response.context["subject"] == response.context["page"].rows[0].object_name
