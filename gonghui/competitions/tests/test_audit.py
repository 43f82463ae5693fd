"""The competitions' audit entries read in words on the audit page: every action by its
label, every object by a name (never an id), every change by a value people recognise."""

import re

import pytest

from gonghui.competitions.choices import AuditAction
from gonghui.competitions.models import Recommendation
from gonghui.competitions.services import assignments, marking, results, setup
from gonghui.competitions.tests import helpers
from gonghui.competitions.tests.test_services import PLAN
from gonghui.core.models import AuditEntry
from gonghui.organisations import auditlog
from gonghui.organisations.choices import Role

pytestmark = pytest.mark.django_db

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-")


def _substitution(world, province_admin):
    s = helpers.build(world, n=1, judges=False)
    conflicted = helpers.make_judge(world, "jx", member_org=world.orgs["xian_factory"])
    assignments.judge_assign(actor=province_admin, section=s.sections[0], judge=conflicted)
    assignments.judge_substitute(
        actor=province_admin,
        entry=s.entries[0],
        section=s.sections[0],
        conflicted_judge=conflicted,
        substitute=helpers.make_judge(world, "js"),
    )


def _published_with_everything_after(world, province_admin, national_admin, sibling_city_admin):
    s = helpers.build(world, n=3)
    setup.competition_set_rules(actor=province_admin, competition=s.competition, rules={})
    helpers.start_marking(world, s)
    b1 = helpers.aspect(s, "B1")
    marking.sheet_justify(
        actor=s.judges[0], sheet=helpers.sheet(s, s.entries[0], 1), aspect=b1, text="裁判视角不同，合议保留"
    )
    helpers.mark_all(world, s, {0: (1, "0.2", (1, 2, 3)), 1: PLAN[1], 2: PLAN[2]})
    helpers.theory_all(world, s, [90, 60, 70])
    c = setup.competition_advance_status(actor=province_admin, competition=s.competition)
    results.results_compute(actor=province_admin, competition=c)
    c.refresh_from_db()
    results.results_verify(actor=national_admin, competition=c)
    c = results.results_publish(actor=national_admin, competition=c)
    sheet, a1 = helpers.sheet(s, s.entries[1], 0), helpers.aspect(s, "A1")
    for decide in (marking.correction_approve, marking.correction_reject):
        correction = marking.correction_request(
            actor=province_admin, sheet=sheet, aspect=a1, new_value=1, reason="申诉复核成立"
        )
        if decide is marking.correction_approve:
            decide(actor=national_admin, correction=correction)
        else:
            decide(actor=national_admin, correction=correction, reason="重复申请")
    preview = results.results_recompute_preview(actor=province_admin, competition=c)
    results.results_recompute_apply(actor=province_admin, competition=c, fingerprint=preview["fingerprint"])
    appeal = results.appeal_file(actor=sibling_city_admin, entry=s.entries[1], reason="评分有误，请复核")
    supervisor = helpers.make_user_with_role(world, "sup", "shaanxi", Role.SUPERVISOR)
    results.appeal_decide(actor=supervisor, appeal=appeal, upheld=False, reason="复核无误")
    pending = Recommendation.objects.filter(competition=c, status="pending")
    results.recommendation_accept(actor=province_admin, recommendation=pending.filter(kind="grade").first())
    results.recommendation_decline(
        actor=province_admin, recommendation=pending.filter(kind="honour").first(), reason="名额已满"
    )


def test_every_competition_audit_entry_names_its_action_object_and_values(
    world, province_admin, national_admin, sibling_city_admin
):
    _substitution(world, province_admin)
    _published_with_everything_after(world, province_admin, national_admin, sibling_city_admin)
    entries = AuditEntry.objects.filter(action__startswith="competitions.").order_by("at")
    assert {e.action for e in entries} == set(AuditAction.values)
    rows = auditlog.readable(entries)
    # a field of the object is named by its (translated) verbose name, not its code
    names = {(row.entry.action, change.code): change.name for row in rows for change in row.changes}
    for action, code in [
        ("competitions.judge.assigned", "judge"),
        ("competitions.judge.substituted", "section"),
        ("competitions.sheet.signed_off", "status"),
        ("competitions.appeal.decided", "status"),
        ("competitions.correction.rejected", "status"),
        ("competitions.recommendation.declined", "status"),
    ]:
        assert names[(action, code)] != code, (action, code)
    for row in rows:
        where = (row.entry.action, row.entry.object_repr)
        assert row.action == AuditAction(row.entry.action).label, where
        assert row.entry.object_repr and not UUID.search(row.entry.object_repr), where
        for change in row.changes:
            for value in (change.before, change.after):
                assert not UUID.search(str(value)), (where, change)
                assert str(value) != "(a record since deleted)", (where, change)
