import base64
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from gonghui.core import crypto
from gonghui.core.models import AuditEntry
from gonghui.members.models import Enrolment, Member
from gonghui.members.services import enrolment as enrolment_services
from gonghui.members.services import members as member_services
from gonghui.organisations import services as org_services
from gonghui.testing import make_id_number, make_phone

pytestmark = pytest.mark.django_db

KEY_A = "a:" + base64.urlsafe_b64encode(b"A" * 32).decode()
KEY_B = "b:" + base64.urlsafe_b64encode(b"B" * 32).decode()
ID_NUMBER = make_id_number("610113", datetime.date(1990, 5, 17), "F", seq=41)
PHONE = make_phone(41)
APPLICANT_ID = make_id_number("610112", datetime.date(1999, 1, 2), "M", seq=42)


def rotate(*args) -> str:
    out = io.StringIO()
    call_command("rotate_personal_data", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def written_under_a(db):
    """One member and one application, both encrypted under key A only."""
    root = org_services.organisation_create(
        actor=None, parent=None, kind="national", code="ACFTU", name="中华全国总工会"
    )
    union = org_services.organisation_create(
        actor=None,
        parent=root,
        kind="grassroots",
        code="XA-0001",
        name="西安某厂工会",
        division_code="610113",
    )
    with override_settings(GONGHUI_FIELD_KEYS=KEY_A):
        member = member_services.member_create(
            actor=None, organisation=union, name="查文静", id_number=ID_NUMBER, phone=PHONE
        )
        enrolment = enrolment_services.enrolment_submit(
            actor=None,
            name="翟晓",
            id_number=APPLICANT_ID,
            phone="13800001111",
            employer="美团外卖",
            work_division="610113",
            employment_form="food_delivery",
        )
    return member, enrolment


def test_value_written_under_old_key_is_readable_after_rotation_with_only_the_new_key(written_under_a):
    member, enrolment = written_under_a
    assert member.id_number_enc.startswith("a$") and member.phone_enc.startswith("a$")

    with override_settings(GONGHUI_FIELD_KEYS=f"{KEY_B},{KEY_A}"):
        member.refresh_from_db()
        assert crypto.decrypt(member.id_number_enc) == ID_NUMBER
        assert crypto.needs_rotation(member.id_number_enc)
        output = rotate("--batch-size", "1")
        assert "members.Member: 1 rows re-encrypted under key 'b'" in output
        assert "members.Enrolment: 1 rows re-encrypted" in output

    with override_settings(GONGHUI_FIELD_KEYS=KEY_B):
        member.refresh_from_db()
        enrolment.refresh_from_db()
        assert member.id_number_enc.startswith("b$") and member.phone_enc.startswith("b$")
        assert crypto.decrypt(member.id_number_enc) == ID_NUMBER
        assert crypto.decrypt(member.phone_enc) == PHONE
        assert crypto.decrypt(enrolment.id_number_enc) == APPLICANT_ID
        assert not Member.objects.filter(id_number_enc__startswith="a$").exists()
        assert not Enrolment.objects.filter(phone_enc__startswith="a$").exists()
    assert AuditEntry.objects.filter(action="members.personal_data.rotated").count() == 1


def test_rotation_touches_nothing_already_under_the_current_key(written_under_a):
    with override_settings(GONGHUI_FIELD_KEYS=f"{KEY_A}"):
        output = rotate()
    assert "members.Member: 0 rows" in output and "members.Enrolment: 0 rows" in output


def test_dry_run_counts_but_writes_nothing(written_under_a):
    member, _enrolment = written_under_a
    with override_settings(GONGHUI_FIELD_KEYS=f"{KEY_B},{KEY_A}"):
        assert "1 rows would be re-encrypted" in rotate("--dry-run")
    member.refresh_from_db()
    assert member.id_number_enc.startswith("a$")
    assert not AuditEntry.objects.filter(action="members.personal_data.rotated").exists()


def test_rows_under_a_missing_key_are_reported_not_destroyed(written_under_a):
    member, _enrolment = written_under_a
    before = member.id_number_enc
    with (
        override_settings(GONGHUI_FIELD_KEYS=KEY_B),
        pytest.raises(CommandError, match="not in GONGHUI_FIELD_KEYS"),
    ):
        rotate()
    member.refresh_from_db()
    assert member.id_number_enc == before
