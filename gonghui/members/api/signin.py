"""Phone sign-in and the account's own member link over HTTP (docs/ops/messages.md).
Thin: parse → service → shape. Mounted under ``/auth`` (beside the password token) and ``/me``.

``POST /auth/sms-code`` answers 202 ``{"sent": true}`` for every well-formed mobile number,
member or not; ``POST /auth/sms-login`` answers a bearer token and the member record the
account is linked to (None for a visitor)."""

from ninja import Router, Schema, Status

from gonghui.accounts import services as account_services
from gonghui.accounts.services import phone as phone_services
from gonghui.core import throttle
from gonghui.core.api import error_answers
from gonghui.members.services import accounts

auth_router = Router(tags=["auth"])
me_router = Router(tags=["me"])


class SmsCodeIn(Schema):
    phone: str


class SmsCodeOut(Schema):
    sent: bool


class SmsLoginIn(Schema):
    phone: str
    code: str


class SignedInOrg(Schema):
    code: str
    name: str


class SignedInMember(Schema):
    id: str
    name: str
    member_no: str
    organisation: SignedInOrg


class SmsLoginOut(Schema):
    token: str
    member: SignedInMember | None


class MemberVerifyIn(Schema):
    name: str
    id_number: str


class MemberVerifyOut(Schema):
    member: SignedInMember


class PhoneChangeIn(Schema):
    phone: str
    code: str


class PhoneChangeOut(Schema):
    phone: str


def member_shape(member) -> dict | None:
    if member is None:
        return None
    return {
        "id": str(member.pk),
        "name": member.name,
        "member_no": member.member_no,
        "organisation": {"code": member.organisation.code, "name": member.organisation.name},
    }


@auth_router.post("/sms-code", response={202: SmsCodeOut, **error_answers(429)}, auth=None)
def sms_code(request, payload: SmsCodeIn):
    """Send a 6-digit sign-in code by SMS (valid 5 minutes, once, 5 tries). Any mainland
    mobile number gets the same answer, whether or not it belongs to anyone. 400
    ``phone_format``; 429 ``throttled`` past 1 code a minute or 10 a day for the phone, or the
    client address's hourly limit."""
    phone_services.code_send(address=throttle.client_key(request), phone=payload.phone)
    return Status(202, {"sent": True})


@auth_router.post("/sms-login", response={200: SmsLoginOut}, auth=None)
def sms_login(request, payload: SmsLoginIn):
    """Sign in with a phone and the code sent to it: a bearer token (30 days) for the phone's
    account, made on first sign-in, and the member record it is linked to (linked now when
    exactly one record has this phone and no other account), or null for a visitor. 400
    ``code_invalid`` for a wrong, expired or used code."""
    user, _created = phone_services.sms_login(phone=payload.phone, code=payload.code)
    member = accounts.account_link_by_phone(user=user)
    _token, secret = account_services.token_create(actor=user, name="sms-login", days=30)
    return {"token": secret, "member": member_shape(member)}


@me_router.post("/verify", response={200: MemberVerifyOut, **error_answers(429)})
def verify(request, payload: MemberVerifyIn):
    """认证: link the signed-in account to its member record by name and ID number. 400
    ``verify_failed`` whatever did not match, ``already_verified`` when linked already; 429
    past 5 tries a day for the account or 20 an hour for the client address."""
    member = accounts.account_verify(
        actor=request.user,
        address=throttle.client_key(request),
        name=payload.name,
        id_number=payload.id_number,
    )
    return {"member": member_shape(member)}


@me_router.post("/phone/code", response={202: SmsCodeOut, **error_answers(429)})
def phone_code(request, payload: SmsCodeIn):
    """Send a code to the new phone the signed-in account wants to sign in with (limits as
    for sign-in codes)."""
    phone_services.phone_change_send(
        actor=request.user, address=throttle.client_key(request), phone=payload.phone
    )
    return Status(202, {"sent": True})


@me_router.post("/phone", response={200: PhoneChangeOut})
def phone_change(request, payload: PhoneChangeIn):
    """Make the new phone the account's sign-in phone with the code sent to it. 400
    ``code_invalid``, ``phone_taken`` (another account signs in with it)."""
    phone_services.phone_change(actor=request.user, phone=payload.phone, code=payload.code)
    accounts.account_link_by_phone(user=request.user)  # the new phone's record and messages
    return {"phone": request.user.phone_masked}
