"""Check-in by the rotating QR code and by the member's card: the codes, the refusals and what
they leave behind (activities/checkin/services.py)."""

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from gonghui.activities.checkin import services, tokens
from gonghui.activities.choices import SignupStatus
from gonghui.activities.models import CheckIn
from gonghui.activities.tests.attendance_fixtures import make_activity, make_signup
from gonghui.core.models import AuditEntry
from gonghui.members.services import cards

pytestmark = pytest.mark.django_db


def _code(error):
    exc = error.value
    if hasattr(exc, "error_dict"):
        return next(iter(exc.error_dict.values()))[0].code
    return exc.error_list[0].code


# ---- the code itself ------------------------------------------------------------------------


def test_a_code_is_read_back_for_its_activity_and_direction():
    activity_id = uuid.uuid4()
    code = tokens.make(activity_id, "out")
    read = tokens.read(code, activity_id=activity_id)
    assert (read.activity_id, read.direction) == (activity_id, "out")


def test_the_previous_window_is_still_accepted_and_the_one_before_expired(settings):
    settings.GONGHUI_CHECKIN_CODE_SECONDS = 30
    activity_id = uuid.uuid4()
    then = timezone.now()
    code = tokens.make(activity_id, "in", then)
    tokens.read(code, activity_id=activity_id, moment=then + datetime.timedelta(seconds=30))
    with pytest.raises(tokens.CodeError) as error:
        tokens.read(code, activity_id=activity_id, moment=then + datetime.timedelta(seconds=61))
    assert error.value.code == "code_expired"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c[:-1] + ("0" if c[-1] != "0" else "1"),  # signature changed
        lambda c: c.replace(".in.", ".out."),  # direction changed
        lambda c: c.rsplit(".", 2)[0] + "." + str(int(c.split(".")[2]) + 5) + "." + c.rsplit(".", 1)[1],
        lambda c: "not a code",
        lambda c: "",
    ],
)
def test_a_tampered_or_foreign_code_is_invalid(tamper):
    activity_id = uuid.uuid4()
    with pytest.raises(tokens.CodeError) as error:
        tokens.read(tamper(tokens.make(activity_id, "in")), activity_id=activity_id)
    assert error.value.code == "code_invalid"


def test_a_genuine_code_of_another_activity_is_wrong_activity():
    with pytest.raises(tokens.CodeError) as error:
        tokens.read(tokens.make(uuid.uuid4(), "in"), activity_id=uuid.uuid4())
    assert error.value.code == "wrong_activity"


# ---- member scans the organiser's code ------------------------------------------------------


def test_a_confirmed_member_checks_in_by_the_code_with_an_audit_entry(world, member_user):
    activity = make_activity(world)
    signup = make_signup(activity, member_user, member=world.members["xian_worker"])
    checkin = services.checkin_by_code(
        actor=member_user, activity=activity, code=tokens.make(activity.pk, "in")
    )
    assert (checkin.signup, checkin.direction, checkin.source, checkin.by) == (
        signup,
        "in",
        "qr",
        member_user,
    )
    entry = AuditEntry.objects.get(action="activities.checkin.recorded")
    assert entry.organisation_id == activity.organisation_id


@pytest.mark.parametrize(
    ("make_code", "expected"),
    [
        (lambda a: tokens.make(a.pk, "in", timezone.now() - datetime.timedelta(minutes=5)), "code_expired"),
        (lambda a: tokens.make(uuid.uuid4(), "in"), "wrong_activity"),
        (lambda a: "x" + tokens.make(a.pk, "in"), "code_invalid"),
    ],
)
def test_a_bad_code_is_refused_and_nothing_is_written(world, member_user, make_code, expected):
    activity = make_activity(world)
    make_signup(activity, member_user)
    with pytest.raises(ValidationError) as error:
        services.checkin_by_code(actor=member_user, activity=activity, code=make_code(activity))
    assert _code(error) == expected
    assert not CheckIn.objects.exists()
    assert not AuditEntry.objects.filter(action="activities.checkin.recorded").exists()


@pytest.mark.parametrize("status", [SignupStatus.WAITLISTED, SignupStatus.CANCELLED, None])
def test_only_a_confirmed_place_checks_in(world, member_user, status):
    activity = make_activity(world)
    if status:
        make_signup(activity, member_user, status=status)
    with pytest.raises(ValidationError) as error:
        services.checkin_by_code(actor=member_user, activity=activity, code=tokens.make(activity.pk, "in"))
    assert _code(error) == "not_signed_up"
    assert not CheckIn.objects.exists()


def test_replaying_the_same_code_is_refused_as_already_checked_in(world, member_user):
    activity = make_activity(world)
    make_signup(activity, member_user)
    code = tokens.make(activity.pk, "in")
    services.checkin_by_code(actor=member_user, activity=activity, code=code)
    with pytest.raises(ValidationError) as error:
        services.checkin_by_code(actor=member_user, activity=activity, code=code)
    assert _code(error) == "already_checked_in"
    assert CheckIn.objects.count() == 1


def test_check_out_before_check_in_is_refused_then_works_after_it(world, member_user):
    activity = make_activity(world)
    make_signup(activity, member_user)
    with pytest.raises(ValidationError) as error:
        services.checkin_by_code(actor=member_user, activity=activity, code=tokens.make(activity.pk, "out"))
    assert _code(error) == "not_checked_in"
    assert not CheckIn.objects.exists()
    services.checkin_by_code(actor=member_user, activity=activity, code=tokens.make(activity.pk, "in"))
    services.checkin_by_code(actor=member_user, activity=activity, code=tokens.make(activity.pk, "out"))
    assert sorted(CheckIn.objects.values_list("direction", flat=True)) == ["in", "out"]


# ---- organiser scans the member's card ------------------------------------------------------


@pytest.mark.parametrize(
    "starts_in",
    [datetime.timedelta(days=3), datetime.timedelta(days=-3)],
    ids=["the day before", "days after"],
)
def test_a_code_or_a_card_outside_the_activity_time_records_nothing(
    world, member_user, city_officer, starts_in
):
    # A valid code shown while the screen is tried out, or a card scanned days later, is no
    # attendance: check-in is open only around the activity's time.
    activity = make_activity(world, starts_in=starts_in, records_hours=False)
    signup = make_signup(activity, member_user, member=world.members["xian_worker"])
    with pytest.raises(ValidationError) as error:
        services.checkin_by_code(actor=member_user, activity=activity, code=tokens.make(activity.pk, "in"))
    assert _code(error) == "checkin_closed"
    token = cards.card_token(world.members["xian_worker"])
    with pytest.raises(ValidationError) as error:
        services.checkin_by_card(actor=city_officer, activity=activity, token=token)
    assert _code(error) == "checkin_closed"
    signup.refresh_from_db()
    assert signup.status == SignupStatus.CONFIRMED
    assert (
        not CheckIn.objects.exists()
        and not AuditEntry.objects.filter(action__startswith="activities.checkin").exists()
    )


def test_a_cancelled_activity_takes_no_card_check_in(world, member_user, city_officer):
    activity = make_activity(world)
    make_signup(activity, member_user, member=world.members["xian_worker"])
    activity.status = "cancelled"
    activity.save(update_fields=["status"])
    with pytest.raises(ValidationError) as error:
        services.checkin_by_card(
            actor=city_officer, activity=activity, token=cards.card_token(world.members["xian_worker"])
        )
    assert _code(error) == "checkin_closed"
    assert not CheckIn.objects.exists()


def test_the_organiser_checks_a_member_in_by_the_card_url(world, city_officer, member_user):
    activity = make_activity(world)
    signup = make_signup(activity, member_user, member=world.members["xian_worker"])
    url = f"https://example.org/card/verify/{cards.card_token(world.members['xian_worker'])}/"
    checkin = services.checkin_by_card(actor=city_officer, activity=activity, token=url)
    assert (checkin.signup, checkin.source, checkin.by) == (signup, "card", city_officer)


def test_a_card_of_someone_not_signed_up_is_refused(world, city_officer, member_user):
    activity = make_activity(world)
    make_signup(activity, member_user, member=world.members["xian_worker"])
    with pytest.raises(ValidationError) as error:
        services.checkin_by_card(
            actor=city_officer, activity=activity, token=cards.card_token(world.members["baoji_worker"])
        )
    assert _code(error) == "not_signed_up"
    assert not CheckIn.objects.exists()


def test_a_forged_card_is_refused(world, city_officer):
    activity = make_activity(world)
    with pytest.raises(ValidationError) as error:
        services.checkin_by_card(actor=city_officer, activity=activity, token="forged:token")
    assert _code(error) == "card_invalid"


def test_a_sibling_city_admin_cannot_scan_cards_at_a_xian_activity(world, sibling_city_admin, city_viewer):
    activity = make_activity(world)
    with pytest.raises(Http404):
        services.checkin_by_card(actor=sibling_city_admin, activity=activity, token="x")
    with pytest.raises(PermissionDenied):
        services.checkin_by_card(actor=city_viewer, activity=activity, token="x")
