import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from gonghui.core import crypto
from gonghui.core.models import AuditEntry
from gonghui.core.validators import china_today, mask_id_number, parse_id_number
from gonghui.members import selectors
from gonghui.members.choices import MembershipStatus as S
from gonghui.members.choices import TransferStatus
from gonghui.members.models import DuesRecord, Enrolment, Member, MembershipEvent, Transfer
from gonghui.members.services import dues, enrolment, members, personal, transfers
from gonghui.testing import make_id_number, make_phone

pytestmark = pytest.mark.django_db


def error_codes(exc: ValidationError) -> set[str]:
    if hasattr(exc, "error_dict"):
        return {e.code for errors in exc.error_dict.values() for e in errors}
    return {e.code for e in exc.error_list}


def years_ago(years: int, days: int = 0) -> datetime.date:
    """The birth date of someone who turns ``years`` old ``days`` days from today (Beijing)."""
    today = china_today()
    return datetime.date(today.year - years, today.month, min(today.day, 28)) + datetime.timedelta(days=days)


def pending_child_application(world) -> Enrolment:
    """An application from a 15-year-old taken before the age floor existed, written as the
    old code wrote it (the service now refuses it)."""
    number = make_id_number("610113", years_ago(15), "F", seq=55)
    facts = parse_id_number(number)
    e = Enrolment(
        name="李小红",
        gender=facts.gender,
        birth_date=facts.birth_date,
        employer="某外卖平台",
        work_division="610113",
        employment_form="food_delivery",
        organisation=world.orgs["yanta_joint"],
        routed_by="territorial",
        due_on=china_today(),
        id_number_enc=crypto.encrypt(number),
        id_number_hash=personal.id_hash(number),
        id_number_masked=mask_id_number(number),
    )
    personal.set_phone(e, make_phone(55), required=True)
    e.save()
    return e


def new_member(world, org="xian_factory", **kw):
    data = {"name": "刘洋", "id_number": make_id_number("610113"), "phone": make_phone()}
    data.update(kw)
    return members.member_create(actor=world.users["xian"], organisation=world.orgs[org], **data)


# ---- creating members --------------------------------------------------------------------


def test_member_gets_birth_date_gender_number_and_encrypted_personal_data(world):
    number = make_id_number("610113", datetime.date(1995, 2, 3), "F")
    m = new_member(world, id_number=number, phone="+86 139-0000-1111", joined_on=datetime.date(2024, 3, 1))
    assert (m.birth_date, m.gender) == (datetime.date(1995, 2, 3), "F")
    assert m.member_no.startswith("61011324")
    assert number not in m.id_number_enc and crypto.decrypt(m.id_number_enc) == number
    assert m.phone_masked == "139****1111"
    assert " liuyang " in m.name_pinyin and m.name_initials.strip().startswith("ly")
    assert MembershipEvent.objects.filter(member=m, kind="joined").count() == 1
    entry = AuditEntry.objects.get(action="members.member.created", object_id=str(m.pk))
    assert number not in str(entry.changes) and "1111" in str(entry.changes)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"gender": "F"}, "id_gender_mismatch"),
        ({"birth_date": datetime.date(1990, 1, 1)}, "id_birth_mismatch"),
        ({"phone": "12345"}, "phone_format"),
        ({"id_number": "610113199001010010"}, "id_checksum"),
        ({"ethnicity": "99"}, "invalid_choice"),
        ({"name": " "}, "name_required"),
        ({"name": "=cmd|' /C calc'!A0"}, "name_invalid_character"),
        ({"name": "张三1"}, "name_invalid_character"),
        ({"name": "王"}, "name_too_short"),
        ({"id_number": make_id_number("610113", years_ago(15), "F")}, "age_under_16"),
    ],
)
def test_bad_member_input_is_refused_and_nothing_written(world, kwargs, code):
    counts = (Member.objects.count(), MembershipEvent.objects.count(), AuditEntry.objects.count())
    data = {"id_number": make_id_number("610113", datetime.date(1988, 8, 8), "M"), **kwargs}
    with pytest.raises(ValidationError) as exc:
        new_member(world, **data)
    assert code in error_codes(exc.value)
    assert (Member.objects.count(), MembershipEvent.objects.count(), AuditEntry.objects.count()) == counts


def test_duplicate_id_number_is_refused_even_in_another_province(world, sibling_admin):
    number = make_id_number("620102")
    members.member_create(
        actor=sibling_admin, organisation=world.orgs["lanzhou_factory"], name="甲乙", id_number=number
    )
    before = Member.objects.count()
    with pytest.raises(ValidationError) as exc:
        new_member(world, id_number=number.lower())
    assert exc.value.error_dict["id_number"][0].code == "duplicate_id"
    assert Member.objects.count() == before


def test_sibling_admin_cannot_create_in_another_province(world, sibling_admin):
    with pytest.raises(Http404):
        members.member_create(
            actor=sibling_admin,
            organisation=world.orgs["xian_factory"],
            name="乙",
            id_number=make_id_number(),
        )


# ---- 会籍 state machine and history -------------------------------------------------------


def test_retain_restore_and_withdraw_keep_history(world, city_admin):
    m = new_member(world, joined_on=datetime.date(2020, 1, 1))
    members.member_change_status(
        actor=city_admin,
        member=m,
        to_status=S.RETAINED,
        reason="退休",
        effective_on=datetime.date(2023, 5, 1),
    )
    members.member_change_status(
        actor=city_admin,
        member=m,
        to_status=S.MEMBER,
        reason="返聘",
        effective_on=datetime.date(2024, 1, 1),
    )
    members.member_change_status(
        actor=city_admin,
        member=m,
        to_status=S.WITHDRAWN,
        reason="本人申请",
        effective_on=datetime.date(2025, 1, 1),
    )
    assert [e.kind for e in m.events.order_by("effective_on")] == [
        "joined",
        "retained",
        "restored",
        "withdrawn",
    ]
    with pytest.raises(ValidationError) as exc:
        members.member_change_status(actor=city_admin, member=m, to_status=S.MEMBER, reason="x")
    assert exc.value.code == "bad_status"


def test_status_change_needs_a_reason_and_the_right(world, city_viewer, city_admin, sibling_city_admin):
    m = world.members["xian_worker"]
    with pytest.raises(ValidationError):
        members.member_change_status(actor=city_admin, member=m, to_status=S.RETAINED, reason="")
    with pytest.raises(PermissionDenied):
        members.member_change_status(actor=city_viewer, member=m, to_status=S.RETAINED, reason="x")
    with pytest.raises(Http404):
        members.member_change_status(actor=sibling_city_admin, member=m, to_status=S.RETAINED, reason="x")
    m.refresh_from_db()
    assert m.status == S.MEMBER


def test_counts_at_past_dates_are_reproducible(world, city_admin):
    xian = world.orgs["xian"]
    m = new_member(world, joined_on=datetime.date(2022, 6, 1))
    members.member_change_status(
        actor=city_admin,
        member=m,
        to_status=S.WITHDRAWN,
        reason="离职",
        effective_on=datetime.date(2024, 6, 1),
    )
    # world: 张伟 joined XA-0001 on 2020-01-15.
    assert selectors.count_at(xian, datetime.date(2019, 12, 31)) == 0
    assert selectors.count_at(xian, datetime.date(2021, 1, 1)) == 1
    assert selectors.count_at(xian, datetime.date(2023, 1, 1)) == 2
    assert selectors.count_at(xian, datetime.date(2024, 6, 1)) == 1
    assert selectors.count_at(world.orgs["shaanxi"], datetime.date(2023, 1, 1)) == 3


# ---- reveal ----------------------------------------------------------------------------


def test_reveal_needs_the_right_and_a_reason_and_is_audited(
    world, city_admin, city_officer, sibling_city_admin
):
    m = world.members["xian_worker"]
    with pytest.raises(PermissionDenied):
        members.member_reveal_pii(actor=city_officer, member=m, field="id_number", reason="核对")
    with pytest.raises(ValidationError):
        members.member_reveal_pii(actor=city_admin, member=m, field="id_number", reason="")
    with pytest.raises(Http404):
        members.member_reveal_pii(actor=sibling_city_admin, member=m, field="phone", reason="核对")
    value = members.member_reveal_pii(actor=city_admin, member=m, field="id_number", reason="核对身份")
    assert value == crypto.decrypt(m.id_number_enc)
    entry = AuditEntry.objects.get(action="members.member.pii_revealed")
    assert entry.actor == city_admin and entry.reason == "核对身份" and value not in str(entry.changes)


# ---- enrolment ---------------------------------------------------------------------------


def submit(**kw):
    data = {
        "name": "王芳",
        "id_number": make_id_number("610113", gender="F"),
        "phone": make_phone(),
        "employer": "某快递公司",
        "work_division": "610113",
        "employment_form": "courier",
    }
    data.update(kw)
    return enrolment.enrolment_submit(actor=None, **data)


def test_enrolment_goes_to_the_employers_union_when_it_exists(world):
    e = submit(employer=" 西安某机械厂 ", employment_form="standard", work_division="610102")
    assert e.organisation.code == "XA-0001" and e.routed_by == "employer"


def test_enrolment_without_employer_union_goes_to_the_joint_union_of_the_district(world):
    e = submit()
    assert e.organisation.code == "XA-0002" and e.routed_by == "territorial"
    assert e.due_on > datetime.date.today()


def test_enrolment_walks_up_to_the_city_and_province_federation(world):
    assert submit(work_division="610102").organisation.code == "610100"  # 新城区: no union, city federation
    assert submit(work_division="610802").organisation.code == "610000"  # 榆林: province
    assert submit(work_division="110105").organisation.code == "ACFTU"  # no Beijing union: the root


def test_pre_member_when_held_by_a_federation(city_admin):
    e = submit(work_division="610102")
    m = enrolment.enrolment_approve(actor=city_admin, enrolment=e)
    assert m.status == S.PRE_MEMBER and m.organisation.code == "610100"


def test_approval_is_scoped_and_only_once(city_officer, sibling_city_admin, city_admin):
    e = submit()
    with pytest.raises(Http404):
        enrolment.enrolment_approve(actor=sibling_city_admin, enrolment=e)
    m = enrolment.enrolment_approve(actor=city_officer, enrolment=e)
    assert m.status == S.MEMBER and m.employment_form == "courier"
    with pytest.raises(ValidationError):
        enrolment.enrolment_approve(actor=city_admin, enrolment=e)
    # The member themself (same ID and phone) is told; anyone else is not.
    with pytest.raises(ValidationError) as exc:
        submit(id_number=crypto.decrypt(m.id_number_enc), phone=crypto.decrypt(m.phone_enc))
    assert exc.value.error_dict["id_number"][0].code == "already_member"
    stranger = submit(id_number=crypto.decrypt(m.id_number_enc), phone=make_phone())
    assert stranger.status == "pending" and stranger.conflict == "already_member"
    with pytest.raises(ValidationError) as exc:
        enrolment.enrolment_approve(actor=city_admin, enrolment=stranger)
    assert exc.value.code == "already_member"


def test_duplicate_pending_application_from_the_same_phone_is_refused(world):
    number, phone = make_id_number("610113"), make_phone()
    submit(id_number=number, phone=phone)
    with pytest.raises(ValidationError) as exc:
        submit(id_number=number, phone=phone)
    assert exc.value.error_dict["id_number"][0].code == "enrolment_pending"
    assert Enrolment.objects.count() == 1


def test_someone_else_using_my_id_number_cannot_block_my_application(world):
    number = make_id_number("610113")
    squatter = submit(id_number=number, phone=make_phone())
    mine = submit(id_number=number, phone=make_phone())
    assert squatter.conflict == "" and mine.conflict == "duplicate_pending"
    assert Enrolment.objects.filter(status="pending").count() == 2


def test_the_answer_to_an_anonymous_application_does_not_reveal_membership(world, client):
    from gonghui.members.models import Member as M

    m = world.members["xian_worker"]
    payload = {
        "name": "张伟",
        "id_number": crypto.decrypt(m.id_number_enc),
        "phone": make_phone(),
        "employer": "某公司",
        "work_division": "610113",
        "employment_form": "standard",
    }
    r = client.post("/api/v1/enrolments", payload, content_type="application/json")
    assert r.status_code == 201 and set(r.json()) == {
        "id",
        "status",
        "organisation",
        "routed_by",
        "submitted_at",
        "due_on",
    }
    assert M.objects.count() == 3


def test_member_history_cannot_be_rewritten_with_an_earlier_date(world, city_admin):
    m = new_member(world, joined_on=datetime.date(2020, 1, 1))
    members.member_change_status(
        actor=city_admin,
        member=m,
        to_status=S.RETAINED,
        reason="退休",
        effective_on=datetime.date(2024, 5, 1),
    )
    with pytest.raises(ValidationError) as exc:
        members.member_change_status(
            actor=city_admin,
            member=m,
            to_status=S.MEMBER,
            reason="返聘",
            effective_on=datetime.date(2024, 3, 1),
        )
    assert exc.value.code == "date_too_early"
    assert (
        selectors.count_at(world.orgs["xian"], datetime.date.today())
        == selectors.stats(world.orgs["xian"])["members"]
    )


def test_join_date_before_birth_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        new_member(
            world,
            id_number=make_id_number("610113", datetime.date(1985, 1, 1)),
            joined_on=datetime.date(1901, 1, 1),
        )
    assert "date_too_early" in error_codes(exc.value)


def test_rejoining_is_audited(world, city_admin):
    m = world.members["xian_worker"]
    members.member_change_status(actor=city_admin, member=m, to_status=S.WITHDRAWN, reason="离职")
    again = submit(
        id_number=crypto.decrypt(m.id_number_enc), phone=crypto.decrypt(m.phone_enc), employer="西安某机械厂"
    )
    enrolment.enrolment_approve(actor=city_admin, enrolment=again)
    entry = AuditEntry.objects.get(action="members.member.rejoined")
    assert entry.changes["status"] == ["withdrawn", "member"]


@pytest.mark.parametrize("field", ["employer", "job", "card_no"])
def test_overlong_fields_are_refused_by_name(world, field):
    with pytest.raises(ValidationError) as exc:
        new_member(world, **{field: "x" * 500})
    assert field in exc.value.error_dict and exc.value.error_dict[field][0].code == "too_long"


def test_audit_entries_keep_only_the_birth_month(world):
    m = world.members["xian_worker"]
    entry = AuditEntry.objects.get(action="members.member.created", object_id=str(m.pk))
    assert entry.changes["birth_date"] == [None, "1988-03"]


def test_reject_needs_a_reason_and_withdrawn_members_rejoin_on_their_record(world, city_admin):
    e = submit()
    with pytest.raises(ValidationError):
        enrolment.enrolment_reject(actor=city_admin, enrolment=e, reason=" ")
    enrolment.enrolment_reject(actor=city_admin, enrolment=e, reason="信息不全")
    e.refresh_from_db()
    assert e.status == "rejected" and e.decision_reason == "信息不全"
    m = world.members["xian_worker"]
    members.member_change_status(actor=city_admin, member=m, to_status=S.WITHDRAWN, reason="离职")
    again = submit(
        id_number=crypto.decrypt(m.id_number_enc), phone=crypto.decrypt(m.phone_enc), employer="西安某机械厂"
    )
    rejoined = enrolment.enrolment_approve(actor=city_admin, enrolment=again)
    assert rejoined.pk == m.pk and rejoined.member_no == m.member_no and rejoined.status == S.MEMBER


def test_a_pending_application_from_a_child_cannot_be_approved(world, city_admin):
    e = pending_child_application(world)
    counts = (Member.objects.count(), MembershipEvent.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as exc:
        enrolment.enrolment_approve(actor=city_admin, enrolment=e)
    assert exc.value.code == "age_under_16"
    e.refresh_from_db()
    assert e.status == "pending"
    assert (Member.objects.count(), MembershipEvent.objects.count(), AuditEntry.objects.count()) == counts
    # It can still be rejected, with the reason the applicant will read.
    enrolment.enrolment_reject(actor=city_admin, enrolment=e, reason="未满16周岁，不能入会")
    e.refresh_from_db()
    assert e.status == "rejected"


@pytest.mark.parametrize(("years", "days", "refused"), [(15, 0, True), (16, 1, True), (16, 0, False)])
def test_enrolment_age_floor_is_the_sixteenth_birthday(world, years, days, refused):
    number = make_id_number("610113", years_ago(years, days), "F")
    if refused:
        with pytest.raises(ValidationError) as exc:
            submit(id_number=number)
        assert error_codes(exc.value) == {"age_under_16"}
        assert Enrolment.objects.count() == 0
    else:
        assert submit(id_number=number).birth_date == years_ago(years, days)


def test_names_are_stored_normalised_and_checked_on_update(world, city_admin):
    m = new_member(world, name="买买提•艾力")
    assert m.name == "买买提·艾力"
    before = Member.objects.filter(pk=m.pk).values().get()
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        members.member_update(actor=city_admin, member=m, name="<b>x</b>")
    assert error_codes(exc.value) == {"name_invalid_character"}
    assert (
        Member.objects.filter(pk=m.pk).values().get() == before and AuditEntry.objects.count() == audit_before
    )


def test_every_bad_profile_field_is_reported_at_once(world):
    with pytest.raises(ValidationError) as exc:
        new_member(world, name="张三1", ethnicity="99", employer="某" * 121)
    assert set(exc.value.error_dict) == {"name", "ethnicity", "employer"}


def test_lookup_needs_both_id_and_phone(world):
    number, phone = make_id_number("610113"), make_phone()
    e = submit(id_number=number, phone=phone)
    assert enrolment.enrolment_lookup(id_number=number, phone=phone) == [e]
    assert enrolment.enrolment_lookup(id_number=number, phone="13900000000") == []


# ---- transfers ---------------------------------------------------------------------------


def test_transfer_from_xian_to_baoji_moves_the_member_with_history(
    world, city_admin, sibling_city_admin, sibling_admin
):
    m = world.members["xian_worker"]
    t = transfers.transfer_request(
        actor=city_admin, member=m, to_organisation=world.orgs["baoji_factory"], reason="工作调动"
    )
    m.refresh_from_db()
    assert m.status == S.TRANSFERRING
    # Both sides see the case; the sibling province does not.
    assert selectors.transfer_queue(sibling_city_admin).filter(pk=t.pk).exists()
    assert selectors.transfer_queue(city_admin).filter(pk=t.pk).exists()
    assert not selectors.transfer_queue(sibling_admin).filter(pk=t.pk).exists()
    with pytest.raises(ValidationError):
        transfers.transfer_accept(actor=sibling_city_admin, transfer=t)  # not released yet
    with pytest.raises(PermissionDenied):  # Baoji sees the case (new side) but may not release
        transfers.transfer_release(actor=sibling_city_admin, transfer=t)
    with pytest.raises(Http404):
        transfers.transfer_release(actor=sibling_admin, transfer=t)
    transfers.transfer_release(actor=city_admin, transfer=t)
    transfers.transfer_accept(actor=sibling_city_admin, transfer=t)
    m.refresh_from_db()
    assert m.organisation.code == "BJ-0001" and m.status == S.MEMBER
    assert m.member_no == world.members["xian_worker"].member_no
    assert [e.kind for e in m.events.order_by("created_at")] == [
        "joined",
        "transfer_requested",
        "transferred_in",
    ]
    with pytest.raises(Http404):
        selectors.member_or_404(city_admin, m.pk)
    assert selectors.member_or_404(sibling_city_admin, m.pk) == m


@pytest.mark.parametrize("side", ["old", "new"])
def test_refusal_on_either_side_leaves_the_member_where_they_were(
    world, city_admin, sibling_city_admin, side
):
    m = world.members["xian_worker"]
    members.member_change_status(actor=city_admin, member=m, to_status=S.RETAINED, reason="退休")
    t = transfers.transfer_request(
        actor=city_admin, member=m, to_organisation=world.orgs["baoji_factory"], reason="随子女迁居"
    )
    if side == "new":
        transfers.transfer_release(actor=city_admin, transfer=t)
        transfers.transfer_refuse(actor=sibling_city_admin, transfer=t, reason="不属于本单位")
    else:
        transfers.transfer_refuse(actor=city_admin, transfer=t, reason="材料不全")
    m.refresh_from_db()
    t.refresh_from_db()
    assert m.status == S.RETAINED and m.organisation.code == "XA-0001"
    assert t.status == (TransferStatus.REFUSED_IN if side == "new" else TransferStatus.REFUSED_OUT)


def test_member_may_ask_for_their_own_transfer_and_cancel_it(world, member_user):
    m = world.members["xian_worker"]
    t = transfers.transfer_request(
        actor=member_user, member=m, to_organisation=world.orgs["baoji_factory"], reason="换工作"
    )
    with pytest.raises(ValidationError):
        transfers.transfer_request(
            actor=member_user, member=m, to_organisation=world.orgs["baoji_factory"], reason="again"
        )
    transfers.transfer_cancel(actor=member_user, transfer=t)
    m.refresh_from_db()
    assert m.status == S.MEMBER and Transfer.objects.get(pk=t.pk).status == TransferStatus.CANCELLED


def test_another_members_transfer_cannot_be_requested_by_a_member(world, member_user):
    with pytest.raises(Http404):
        transfers.transfer_request(
            actor=member_user,
            member=world.members["baoji_worker"],
            to_organisation=world.orgs["xian_factory"],
            reason="x",
        )


def test_a_transfer_takes_the_new_unions_code_as_typed_and_names_an_unknown_one(world, city_admin):
    m = world.members["xian_worker"]
    before = (Transfer.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as exc:
        transfers.transfer_request(actor=city_admin, member=m, to_organisation="NOPE-1", reason="换工作")
    assert {f: error_codes(ValidationError(e)) for f, e in exc.value.error_dict.items()} == {
        "to_organisation": {"org_unknown"}
    }
    assert "NOPE-1" in exc.value.messages[0]
    assert (Transfer.objects.count(), AuditEntry.objects.count()) == before
    t = transfers.transfer_request(actor=city_admin, member=m, to_organisation=" bj-0001 ", reason="换工作")
    assert t.to_organisation == world.orgs["baoji_factory"]


# ---- dues --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wage", "base", "amount"),
    [
        ("5678.90", "5670.00", "28.35"),
        ("9.99", "0.00", "0.00"),
        ("10", "10.00", "0.05"),
        ("3000", "3000.00", "15.00"),
        ("12345.67", "12340.00", "61.70"),
        (4999, "4990.00", "24.95"),
    ],
)
def test_dues_are_half_a_percent_of_the_wage_without_the_part_under_ten_yuan(wage, base, amount):
    assert dues.calculate(wage) == (Decimal(base), Decimal(amount))


@pytest.mark.parametrize(
    ("wage", "code"),
    [
        ("-1", "amount_negative"),
        ("abc", "amount_invalid"),
        ("1.234", "amount_precision"),
        ("NaN", "amount_invalid"),
        ("1e12", "amount_too_large"),
        ("10000000", "amount_too_large"),
        (True, "amount_invalid"),
        ("", "required"),
    ],
)
def test_bad_wages_are_refused_on_the_wage_field_with_the_input_codes(wage, code):
    with pytest.raises(ValidationError) as exc:
        dues.calculate(wage)
    assert error_codes(exc.value) == {code}
    assert list(exc.value.error_dict) == ["monthly_wage"]


def test_dues_ledger_one_record_a_month_and_retained_members_exempt(world, city_admin, sibling_city_admin):
    m = world.members["xian_worker"]
    dues.dues_record(actor=city_admin, member=m, month=datetime.date(2026, 1, 15), monthly_wage="5678.90")
    with pytest.raises(ValidationError) as exc:
        dues.dues_record(actor=city_admin, member=m, month=datetime.date(2026, 1, 1), monthly_wage="6000")
    assert exc.value.code == "dues_duplicate"
    members.member_change_status(actor=city_admin, member=m, to_status=S.RETAINED, reason="退休")
    m.refresh_from_db()
    r = dues.dues_record(actor=city_admin, member=m, month=datetime.date.today(), monthly_wage="4000")
    assert r.exempt and r.amount == Decimal("0.00")
    assert list(DuesRecord.objects.filter(member=m).values_list("amount", flat=True).order_by("month")) == [
        Decimal("28.35"),
        Decimal("0.00"),
    ]
    with pytest.raises(Http404):
        dues.dues_record(
            actor=sibling_city_admin, member=m, month=datetime.date(2026, 3, 1), monthly_wage="1"
        )


def test_a_retained_member_in_transfer_still_pays_nothing(world, city_admin):
    m = world.members["xian_worker"]
    members.member_change_status(actor=city_admin, member=m, to_status=S.RETAINED, reason="退休")
    transfers.transfer_request(
        actor=city_admin, member=m, to_organisation=world.orgs["baoji_factory"], reason="迁居"
    )
    m.refresh_from_db()
    month = datetime.date.today().replace(day=1)
    r = dues.dues_record(actor=city_admin, member=m, month=month, monthly_wage="3000")
    assert r.exempt and r.amount == Decimal("0.00")


def test_dues_follow_the_status_in_the_month_recorded(world, city_admin):
    m = new_member(world, joined_on=datetime.date(2024, 1, 10))
    members.member_change_status(
        actor=city_admin,
        member=m,
        to_status=S.RETAINED,
        reason="退休",
        effective_on=datetime.date(2025, 6, 1),
    )
    m.refresh_from_db()
    before = dues.dues_record(
        actor=city_admin, member=m, month=datetime.date(2025, 3, 1), monthly_wage="5000"
    )
    after = dues.dues_record(actor=city_admin, member=m, month=datetime.date(2025, 7, 1), monthly_wage="5000")
    assert (before.amount, before.exempt) == (Decimal("25.00"), False)
    assert (after.amount, after.exempt) == (Decimal("0.00"), True)
    with pytest.raises(ValidationError) as exc:
        dues.dues_record(actor=city_admin, member=m, month=datetime.date(1800, 1, 1), monthly_wage="5000")
    assert exc.value.code == "date_too_early"


@pytest.mark.parametrize("wage", ["1_000", [1], {"a": 1}])
def test_odd_wage_inputs_are_refused(wage):
    with pytest.raises(ValidationError):
        dues.calculate(wage)


def test_minus_zero_is_zero():
    assert dues.calculate("-0") == (Decimal("0.00"), Decimal("0.00"))
    assert str(dues.calculate("-0")[0]) == "0.00"


def test_member_numbers_are_reserved_in_consecutive_ranges_per_prefix(world):
    from gonghui.members.services.members import issue_member_no, reserve_member_numbers

    org = world.orgs["xian_factory"]
    on = datetime.date(2021, 3, 5)
    prefix = f"{org.division_code}21"
    assert issue_member_no(org, on) == f"{prefix}0000001"
    first = reserve_member_numbers({prefix: 3, "62010022": 2, "61030020": 0})
    assert first == {prefix: 2, "62010022": 1}  # nothing reserved for a count of 0
    assert issue_member_no(org, on) == f"{prefix}0000005"
    assert reserve_member_numbers({}) == {}


# ---- one code for one mistake (docs/dev/error-codes.md) -------------------------------------


def test_members_refuse_with_the_codes_other_apps_use_for_the_same_mistake(world, city_admin):
    """A step the state does not allow, a date before the earliest the rule allows, a date in
    the future, a value not among the choices, a field that does not exist, a blank reason:
    the shared codes, and nothing written."""
    m = new_member(world, joined_on=datetime.date(2024, 1, 10))
    before = (Member.objects.count(), MembershipEvent.objects.count(), AuditEntry.objects.count())

    def code_of(call, **kw) -> set[str]:
        with pytest.raises(ValidationError) as exc:
            call(actor=city_admin, **kw)
        return error_codes(exc.value)

    assert code_of(
        members.member_change_status,
        member=m,
        to_status=S.RETAINED,
        reason="退休",
        effective_on=datetime.date(2023, 12, 31),
    ) == {"date_too_early"}
    assert code_of(members.member_change_status, member=m, to_status=S.RETAINED, reason=" ") == {"required"}
    future = (china_today().replace(day=1) + datetime.timedelta(days=40)).replace(day=1)
    assert code_of(dues.dues_record, member=m, month=future, monthly_wage="5000") == {"date_future"}
    assert code_of(
        members.member_create,
        organisation=world.orgs["xian_factory"],
        name="王芳",
        id_number=make_id_number("610113"),
        phone=make_phone(),
        status=S.RETAINED,
    ) == {"invalid_choice"}
    assert code_of(members.member_update, member=m, shoe_size="42") == {"field_unknown"}
    assert code_of(members.member_reveal_pii, member=m, field="phone", reason="") == {"required"}
    assert code_of(members.member_reveal_pii, member=m, field="phone", reason="x") == {"reason_required"}
    assert (Member.objects.count(), MembershipEvent.objects.count(), AuditEntry.objects.count()) == before
    transfers.transfer_request(
        actor=city_admin, member=m, to_organisation=world.orgs["baoji_factory"], reason="迁居"
    )
    before = (Member.objects.count(), MembershipEvent.objects.count(), AuditEntry.objects.count())
    assert code_of(
        transfers.transfer_request, member=m, to_organisation=world.orgs["baoji_factory"], reason="迁居"
    ) == {"bad_status"}  # a member in transfer cannot be transferred again
    assert code_of(
        transfers.transfer_request, member=m, to_organisation=world.orgs["baoji_factory"], reason=""
    ) == {"required"}
    assert (Member.objects.count(), MembershipEvent.objects.count(), AuditEntry.objects.count()) == before
