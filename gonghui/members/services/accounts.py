"""Accounts and member records: an account that signs in by phone is linked to the member
record of that phone, or by 认证 (name + ID number). Accounts sit below members, so the
linking lives here and is called by the phone sign-in endpoints and pages of this app.

Rules (docs/dev/permissions.md, "Phone sign-in and 认证"):

* On each phone sign-in, an account not yet linked is linked to the member record whose phone
  (blind index) is the account's phone — when exactly one record has it and that record has no
  other account. Otherwise the account stays a visitor: it can join, file requests and use
  the public services.
* A visitor may link itself by typing the name and ID number of a member record: the record of
  the account's phone if it has those, or else the one record with that ID number and name.
  Attempts are limited per account and per client address and audited; a wrong try answers
  the same whatever was wrong.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core import audit, throttle
from gonghui.core.inputs import field_error
from gonghui.core.validation import keyed, merge_errors
from gonghui.core.validators import parse_id_number, validate_person_name
from gonghui.members.choices import AuditAction
from gonghui.members.models import Member
from gonghui.members.services.personal import id_hash
from gonghui.notifications import services as notification_services

User = get_user_model()

VERIFY_USER = "member-verify-user"
VERIFY_ADDRESS = "member-verify-address"
VERIFY_USER_LIMIT = 5  # tries per account and day
VERIFY_ADDRESS_LIMIT = 20  # tries per client address and hour, whatever the accounts


def member_of(user) -> Member | None:
    """The member record linked to ``user``, or None (a visitor)."""
    if user is None or not user.is_authenticated:
        return None
    return Member.objects.select_related("organisation").filter(user=user).first()


def account_link_by_phone(*, user) -> Member | None:
    """Link ``user`` (just signed in by phone) to the member record of its phone when exactly
    one record has that phone and no other account; returns the linked record, if any. The
    system acts (the person proved the phone with a code); the link is audited. The messages
    sent to that phone before it had an account (an enrolment approved, a ticket resolved)
    join the account's inbox."""
    if not user.phone_hash:
        return None
    notification_services.claim_for_index(user, user.phone_hash)
    with transaction.atomic():
        if Member.objects.filter(user=user).exists():
            return member_of(user)
        matches = list(Member.objects.select_for_update().filter(phone_hash=user.phone_hash)[:2])
        if len(matches) != 1 or matches[0].user_id is not None:
            return None
        member = matches[0]
        _link(member, user, how="phone")
    return member_of(user)


def _link(member: Member, user, *, how: str) -> None:
    member.user = user
    member.save(update_fields=["user", "updated_at"])
    audit.record(
        actor=user,
        action=AuditAction.MEMBER_USER_LINKED,
        obj=member,
        organisation_id=member.organisation_id,
        changes={"user": [None, str(user.pk)], "via": [None, how]},
    )


def account_verify(*, actor, address: str, name, id_number) -> Member:
    """认证: the signed-in visitor ``actor`` links itself to a member record by its name and
    ID number (see the module's rules). Raises ``already_verified`` when the account is linked
    already; the name and ID codes of core.validators for malformed input (nothing counted or
    written); Throttled past the limits; ``verify_failed`` for any mismatch (audited)."""
    errors: dict = {}
    try:
        name = validate_person_name(name)
    except ValidationError as exc:
        merge_errors(errors, exc, field="name")
    try:
        number_hash = id_hash(_checked_id(id_number))
    except ValidationError as exc:
        merge_errors(errors, exc, field="id_number")
    if errors:
        raise ValidationError(errors)
    if Member.objects.filter(user=actor).exists():
        raise field_error("", _("Your account is already linked to a member record."), "already_verified")
    throttle.hit(VERIFY_ADDRESS, address or "unknown", limit=VERIFY_ADDRESS_LIMIT, window=3600)
    throttle.hit(VERIFY_USER, str(actor.pk), limit=VERIFY_USER_LIMIT, window=86400)
    with transaction.atomic():
        # id_number_hash is unique: "the record of the phone with these" and "the one record with
        # this ID number and name" are the same record when they exist.
        member = Member.objects.select_for_update().filter(id_number_hash=number_hash, name=name).first()
        if member is not None and member.user_id is None:
            _link(member, actor, how="verification")
            return member_of(actor)
    # Recorded (who tried, when), without what was typed: the audit log keeps no wrong guesses.
    audit.record(actor=actor, action=AuditAction.MEMBER_VERIFY_FAILED, obj=actor)
    raise field_error(
        "",
        _("No member record matches this name and ID number. Check them, or ask your union."),
        "verify_failed",
    )


def _checked_id(value) -> str:
    try:
        return parse_id_number(value).number
    except ValidationError as exc:
        raise keyed(exc, "id_number") from None
