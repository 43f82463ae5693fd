"""The assistance pages in the worker's and officer's language: words, not codes; the right
Chinese terms; dates an <input type=date> keeps; tappable buttons; the family cards."""

import datetime
import re

import pytest

from gonghui.assistance import forms
from gonghui.assistance.choices import Step
from gonghui.assistance.models import Household, HouseholdEvent
from gonghui.assistance.services import editing, households, timeline, workflow
from gonghui.assistance.tests.conftest import APPLY, OPEN
from gonghui.testing import client_for

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _timeline(body: str) -> str:
    return body.rsplit("<ol>", 1)[1].split("</ol>", 1)[0]


@pytest.fixture
def opened(world, member_user, city_admin, dibao):
    h = households.household_open(actor=member_user, head=world.members["xian_worker"], **OPEN)
    workflow.household_screen(actor=city_admin, household=h, approve=True)
    return h


# ---- 1. timeline steps, statuses, expenses and causes as words -----------------------------


def test_the_workers_timeline_reads_in_words(opened):
    for language, screened in (("zh-hans", "初审通过"), ("en", "first check passed")):
        timeline = _timeline(
            client_for("member", language=language).get("/assistance/apply/").content.decode()
        )
        assert timeline.count("<li>") == 2
        assert not re.search(r"\b(opened|screened)\b", timeline), timeline
        assert screened in timeline
    assert "application received" in _timeline(
        client_for("member", language="en").get("/assistance/apply/").content.decode()
    )


def test_the_officers_timeline_and_household_read_in_words(opened):
    body = client_for("xian", language="en").get(f"/assistance/{opened.pk}/").content.decode()
    timeline = _timeline(body)
    assert "application received → applied" in timeline
    assert "first check passed" in timeline and "passed → first" not in timeline  # said once
    assert not re.search(r"\b(opened|screened)\b|→ applied\b(?! )", timeline.replace("→ applied", ""))
    # Rigid expenses and secondary causes with their labels, not their codes.
    assert "medical 600.00" in body  # the English label of 'medical' is 'medical'
    zh = client_for("xian").get(f"/assistance/{opened.pk}/").content.decode()
    assert "医疗 600.00" in zh and "medical 600.00" not in zh
    assert "因学" in zh  # secondary cause 'schooling'
    assert not re.search(r"\b(opened|screened|applied)\b", _timeline(zh))


def test_every_timeline_step_the_services_write_has_a_label(filed, city_admin):
    kinds = set(HouseholdEvent.objects.values_list("kind", flat=True))
    assert kinds <= set(Step.values)
    with pytest.raises(AssertionError):
        timeline.record_event(city_admin, filed, "made_up", "", "")


# ---- 2. dates an <input type=date> keeps, in Chinese too -----------------------------------


def test_date_fields_start_at_today_in_iso_in_chinese(filed, opened_for_visit=None):
    body = client_for("xian").get(f"/assistance/{filed.pk}/").content.decode()
    assert f'name="paid_on" value="{TODAY:%Y-%m-%d}"' in body
    assert re.search(r'type="date" name="paid_on"|name="paid_on"[^>]*type="date"', body)


def test_visit_date_starts_at_today_in_iso_in_chinese(world, city_admin, dibao):
    h = households.household_open(actor=city_admin, head=world.members["xian_worker"], **OPEN)
    workflow.household_screen(actor=city_admin, household=h, approve=True)
    body = client_for("xian").get(f"/assistance/{h.pk}/").content.decode()
    assert f'name="visited_on" value="{TODAY:%Y-%m-%d}"' in body


def test_every_date_field_uses_the_iso_widget():
    for form in (forms.DibaoForm, forms.PaymentForm, forms.VisitForm):
        for name, field in form.base_fields.items():
            if field.__class__.__name__ == "DateField":
                assert field.widget.format == "%Y-%m-%d", (form, name)
                assert field.widget.input_type == "date"


# ---- 3. the right Chinese words ------------------------------------------------------------


def test_payment_and_family_labels_are_not_the_dues_or_organisation_words(filed, world):
    body = client_for("xian").get(f"/assistance/{filed.pk}/").content.decode()
    assert "组织类别" not in body and "缴纳日期" not in body  # organisation kind, dues date
    assert "名称" not in body and "<th>姓名</th>" in body


def test_the_family_name_on_the_application_reads_xingming(world):
    apply_page = _apply_page(world)
    assert "名称" not in apply_page and "姓名" in apply_page


def _apply_page(world):
    return client_for("member").get("/assistance/apply/").content.decode()


# ---- 4. buttons you can tap ----------------------------------------------------------------


def test_the_apply_button_uses_the_site_classes(world):
    assert '<button type="submit" class="btn block">' in _apply_page(world)


def test_the_reopen_button_on_the_workers_page_uses_the_site_classes(filed, city_admin):
    workflow.household_close(actor=city_admin, household=filed, reason="搬走")
    body = client_for("member").get("/assistance/apply/").content.decode()
    assert '<button type="submit" class="btn block">' in body


def test_buttons_use_the_site_classes(world, dibao, filed):
    detail = client_for("xian").get(f"/assistance/{filed.pk}/").content.decode()
    main = detail.split("<main", 1)[1].split("</main>", 1)[0]
    buttons = re.findall(r"<button[^>]*>", main)
    assert buttons and all('class="btn' in b for b in buttons), buttons


def test_first_check_buttons_use_the_site_classes(world, member_user, dibao):
    h = households.household_open(actor=member_user, head=world.members["xian_worker"], **OPEN)
    main = client_for("xian").get(f"/assistance/{h.pk}/").content.decode().split("<main", 1)[1]
    buttons = re.findall(r"<button[^>]*>", main.split("</main>", 1)[0])
    assert len(buttons) >= 4 and all('class="btn' in b for b in buttons), buttons


# ---- 5. the family cards -------------------------------------------------------------------


def _card(i, **values):
    base = {"relation": "", "name": "", "monthly_income": "", "employment": "employed", "health": "healthy"}
    return {f"p-{i}-{k}": v for k, v in (base | values).items()}


def test_the_application_shows_one_empty_card_with_no_relation_chosen(world):
    body = _apply_page(world)
    assert 'name="p-0-name"' in body and 'name="p-1-name"' not in body
    select = body.split('name="p-0-relation"', 1)[1].split("</select>", 1)[0]
    first = re.search(r"<option[^>]*>", select).group(0)
    assert 'value=""' in first and "selected" in first
    assert "add_person" in body


def test_add_a_person_renders_one_more_card_with_what_was_typed(world, dibao):
    c = client_for("member")
    data = APPLY | {"p-TOTAL_FORMS": "1", "add_person": "1"} | _card(0, relation="spouse", name="李娜")
    r = c.post("/assistance/apply/", data)
    body = r.content.decode()
    assert r.status_code == 200 and not Household.objects.exists()
    assert 'name="p-1-name"' in body and 'name="p-2-name"' not in body
    assert 'value="李娜"' in body and 'value="1800"' in body
    assert 'class="errorlist' not in body  # nothing checked yet
    assert re.search(r'<option value="spouse" selected>', body)


def test_blank_cards_are_ignored_and_a_named_person_needs_a_relation(world, dibao):
    c = client_for("member")
    data = APPLY | {"p-TOTAL_FORMS": "3"} | _card(0, name="李娜") | _card(1) | _card(2)
    r = c.post("/assistance/apply/", data)
    assert r.status_code == 400 and not Household.objects.exists()
    assert r.content.decode().count('class="errorlist') == 1  # only the named card's relation
    data = APPLY | {"p-TOTAL_FORMS": "2"} | _card(0, monthly_income="500") | _card(1)
    r = c.post("/assistance/apply/", data)
    assert r.status_code == 400 and not Household.objects.exists()  # an income needs a name
    data = APPLY | {"p-TOTAL_FORMS": "3"} | _card(0, relation="spouse", name="李娜") | _card(1) | _card(2)
    assert c.post("/assistance/apply/", data).status_code == 302
    h = Household.objects.get()
    assert sorted(h.people.values_list("relation", flat=True)) == ["self", "spouse"]


def test_enter_in_a_field_sends_the_application_not_add_a_person(world):
    form = _apply_page(world).split('<form method="post" class="card">', 1)[1]
    first = re.search(r"<button[^>]*>", form).group(0)
    assert "add_person" not in first


# ---- 6. the people table: the head first ---------------------------------------------------


def test_people_table_lists_the_head_first_then_by_relation(world, city_admin, dibao):
    family = [
        {"relation": "parent", "name": "张父", "employment": "retired"},
        {"relation": "child", "name": "张小明", "employment": "student"},
        {"relation": "spouse", "name": "李娜", "employment": "employed"},
        {"relation": "child", "name": "张小红", "employment": "student"},
    ]
    h = households.household_open(
        actor=city_admin, head=world.members["xian_worker"], **(OPEN | {"family": family})
    )
    body = client_for("xian").get(f"/assistance/{h.pk}/").content.decode()
    table = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    names = [world.members["xian_worker"].name, "李娜", "张小明", "张小红", "张父"]
    positions = [table.index(n) for n in names]
    assert positions == sorted(positions), positions


# ---- the officer's lists and the edit note in words ----------------------------------------


def test_queue_and_watch_do_not_say_document_or_plan(filed):
    from gonghui.assistance.models import Household as H

    H.objects.filter(pk=filed.pk).update(next_review_on=TODAY - datetime.timedelta(days=3))
    c = client_for("shaanxi")
    assert "<th>文件</th>" not in c.get("/assistance/").content.decode()  # a file here is 档案
    watch = c.get("/assistance/watch/").content.decode()
    assert filed.file_no in watch and "计划" not in watch


def test_an_edit_is_told_in_words_on_the_timeline(opened, city_admin):
    editing.household_edit(
        actor=city_admin,
        household=opened,
        changes={"housing": "dormitory", "zero_employment": True},
        note="",
    )
    note = opened.events.get(kind=Step.EDITED).note
    assert "住房" in note or "housing" in note
    assert "租住私房 → 集体宿舍" in note and "private_rental" not in note and "dormitory" not in note
    assert "否 → 是" in note


def test_the_audit_page_names_the_fields_of_payments_and_documents_in_words(filed, city_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    from gonghui.assistance.services import attachments, payments
    from gonghui.core.models import AuditEntry
    from gonghui.organisations import auditlog

    payments.payment_record(
        actor=city_admin, household=filed, kind="living", amount="500", paid_on=datetime.date.today()
    )
    pdf = SimpleUploadedFile("proof.pdf", b"%PDF-1.4\n1 0 obj\n", content_type="application/pdf")
    attachments.attachment_add(actor=city_admin, household=filed, kind="income_proof", upload=pdf)
    entries = AuditEntry.objects.filter(
        action__in=["assistance.payment.recorded", "assistance.attachment.added"]
    ).order_by("at")
    with translation.override("zh-hans"):
        # as a set: PostgreSQL's jsonb keeps an entry's change keys in its own order
        names = {e.entry.action: {c.name for c in e.changes} for e in auditlog.readable(entries)}
    # a payment's kind is the kind of help, a document's kind the document (not the
    # organisation kind 组织类别); the file a document belongs to is named in Chinese
    assert names["assistance.payment.recorded"] == {"金额", "救助类别"}
    assert names["assistance.attachment.added"] == {"困难档案", "材料", "文件名"}
