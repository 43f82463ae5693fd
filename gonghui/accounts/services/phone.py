"""Phone sign-in (docs/ops/messages.md): one-time codes sent by SMS, the account of a phone,
and changing an account's phone.

A code is 6 digits, valid ``CODE_MINUTES`` minutes, used once and void after ``MAX_WRONG_TRIES``
wrong tries; only a keyed hash of it is stored, next to the phone's blind index (no clear
phone at rest). Asking for a code is limited per phone (1 a minute, 10 a day) and per client
address (GONGHUI_SMS_CODE_ADDRESS_RATE an hour). Every well-formed mobile number is answered
the same way and gets a code — any worker may sign in by phone, member or not — so neither
the answer nor its timing tells whether a phone belongs to anyone.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from gonghui.accounts.choices import AuditAction
from gonghui.accounts.models import PhoneCode
from gonghui.core import audit, channels, crypto, throttle
from gonghui.core.inputs import field_error
from gonghui.core.validation import keyed
from gonghui.core.validators import mask_phone, validate_mobile

User = get_user_model()

CODE_MINUTES = 5
MAX_WRONG_TRIES = 5
PHONE_MINUTE = "sms-code-phone-minute"
PHONE_DAY = "sms-code-phone-day"
ADDRESS_HOUR = "sms-code-address"
TEMPLATES = {PhoneCode.Purpose.LOGIN: "login_code", PhoneCode.Purpose.PHONE_CHANGE: "phone_change_code"}


def phone_index(phone: str) -> str:
    """The blind index of a normalised mobile number: the same as members' phone index, so an
    account and a member record of one phone meet without decrypting either."""
    return crypto.blind_index("phone", phone)


def parse_phone(value) -> str:
    """A mainland mobile number (11 digits), or ``phone_format`` keyed ``phone``."""
    try:
        return validate_mobile(value)
    except ValidationError as exc:
        raise keyed(exc, "phone") from None


def _code_hash(code_id, code: str) -> str:
    # Keyed and tied to the row: a leaked table does not give codes, even for 10^6 guesses
    # offline, without the secret key.
    return salted_hmac("gonghui.accounts.PhoneCode", f"{code_id}:{code}", algorithm="sha256").hexdigest()


def _wrong_code() -> ValidationError:
    return field_error("code", _("The code is wrong or no longer valid. Ask for a new one."), "code_invalid")


def code_send(*, address: str, phone, purpose: str = PhoneCode.Purpose.LOGIN, user=None) -> None:
    """Send a new code to ``phone`` for ``purpose`` (``user``: the account changing its phone).
    Anyone may call it for sign-in. Earlier open codes of the phone and purpose stop working.
    Raises ``phone_format`` (nothing counted or written) and Throttled past a limit (nothing
    written)."""
    phone = parse_phone(phone)
    index = phone_index(phone)
    # The address first: a client trying many phones is stopped before any phone's count moves.
    throttle.hit(
        ADDRESS_HOUR, address or "unknown", limit=settings.GONGHUI_SMS_CODE_ADDRESS_RATE, window=3600
    )
    throttle.hit(PHONE_MINUTE, f"{purpose}:{index}", limit=1, window=60)
    throttle.hit(PHONE_DAY, index, limit=10, window=86400)
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    with transaction.atomic():
        PhoneCode.objects.filter(phone_hash=index, purpose=purpose, used_at__isnull=True).update(used_at=now)
        row = PhoneCode(
            purpose=purpose, phone_hash=index, user=user, expires_at=now + timedelta(minutes=CODE_MINUTES)
        )
        row.code_hash = _code_hash(row.pk, code)
        row.save()
        language = "en" if (translation.get_language() or "").startswith("en") else "zh-hans"
        channels.send(
            channel="sms",
            to=phone,
            template=TEMPLATES[purpose],
            params={"code": code, "minutes": CODE_MINUTES},
            language=language,
        )


def code_use(*, phone, code, purpose: str = PhoneCode.Purpose.LOGIN, user=None) -> str:
    """Spend the open code of ``phone`` for ``purpose`` (and ``user``); returns the normalised
    phone. A wrong code counts a try (the fifth voids the code); a wrong, expired, used or
    voided code, or none, raises ``code_invalid`` alike. ``phone_format`` for a malformed
    phone, ``code_invalid`` for a code that is not 6 digits (nothing counted)."""
    phone = parse_phone(phone)
    code = str(code or "").strip()
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        raise _wrong_code()
    now = timezone.now()
    with transaction.atomic():
        row = (
            PhoneCode.objects.select_for_update()
            .filter(phone_hash=phone_index(phone), purpose=purpose, used_at__isnull=True, expires_at__gt=now)
            .filter(wrong_tries__lt=MAX_WRONG_TRIES)
            .order_by("-created_at")
            .first()
        )
        if row is None or (user is not None and row.user_id != user.pk):
            matched = False
        elif constant_time_compare(row.code_hash, _code_hash(row.pk, code)):
            row.used_at = now
            row.save(update_fields=["used_at"])
            matched = True
        else:
            # Counted in this transaction, which commits: the refusal is raised after it.
            row.wrong_tries += 1
            row.save(update_fields=["wrong_tries"])
            matched = False
    if not matched:
        raise _wrong_code()
    return phone


def account_of_phone(phone: str):
    """The account that signs in with ``phone`` (normalised), or None."""
    return User.objects.filter(phone_hash=phone_index(phone)).first()


def sms_login(*, phone, code):
    """Sign in with a phone and its code: the phone's account, made on first sign-in (no
    password, no role: a visitor until linked to a member record). Raises ``phone_format`` or
    ``code_invalid``. Returns (user, created)."""
    phone = code_use(phone=phone, code=code, purpose=PhoneCode.Purpose.LOGIN)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(phone_hash=phone_index(phone)).first()
        if user is not None:
            return user, False
        user = User(username=f"phone-{secrets.token_hex(6)}", display_name=mask_phone(phone))
        _set_phone(user, phone)
        user.set_unusable_password()
        user.save()
        audit.record(
            actor=None,
            action=AuditAction.USER_CREATED,
            obj=user,
            changes={"phone": [None, user.phone_masked], "via": [None, "sms"]},
        )
    return user, True


def _set_phone(user, phone: str) -> None:
    user.phone_enc = crypto.encrypt(phone)
    user.phone_hash = phone_index(phone)
    user.phone_masked = mask_phone(phone)


def phone_change_send(*, actor, address: str, phone) -> None:
    """The signed-in ``actor`` asks for a code at the new ``phone`` (limits as for sign-in)."""
    code_send(address=address, phone=phone, purpose=PhoneCode.Purpose.PHONE_CHANGE, user=actor)


def phone_change(*, actor, phone, code) -> None:
    """The signed-in ``actor`` makes ``phone`` their sign-in phone with the code sent to it.
    Raises ``phone_format``, ``code_invalid`` (a code asked for by another account too) or
    ``phone_taken`` (another account signs in with that phone)."""
    phone = code_use(phone=phone, code=code, purpose=PhoneCode.Purpose.PHONE_CHANGE, user=actor)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        if User.objects.filter(phone_hash=phone_index(phone)).exclude(pk=user.pk).exists():
            raise field_error("phone", _("Another account signs in with this phone number."), "phone_taken")
        before = user.phone_masked or None
        _set_phone(user, phone)
        user.save(update_fields=["phone_enc", "phone_hash", "phone_masked"])
        audit.record(
            actor=actor,
            action=AuditAction.PHONE_CHANGED,
            obj=user,
            changes={"phone": [before, user.phone_masked]},
        )
    actor.phone_enc, actor.phone_hash, actor.phone_masked = user.phone_enc, user.phone_hash, user.phone_masked
