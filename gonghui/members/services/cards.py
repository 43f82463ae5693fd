"""E-member cards: a signed token (member id and issue time only — no personal data) that a
station or merchant verifies by scanning the QR code."""

from django.conf import settings
from django.core import signing

from gonghui.members.choices import IN_MEMBERSHIP
from gonghui.members.models import Member

SALT = "gonghui.members.card"


def card_token(member: Member) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object({"m": member.pk.hex}, compress=True)


def card_verify(token: str) -> tuple[Member | None, str]:
    """(member, reason): reason is 'ok', 'expired', 'invalid' or 'inactive'."""
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(
            token, max_age=settings.GONGHUI_CARD_TOKEN_MAX_AGE
        )
    except signing.SignatureExpired:
        return None, "expired"
    except (signing.BadSignature, ValueError, TypeError):
        return None, "invalid"
    member_id = data.get("m") if isinstance(data, dict) else None
    member = Member.objects.select_related("organisation").filter(pk=member_id).first() if member_id else None
    if member is None:
        return None, "invalid"
    if member.status not in IN_MEMBERSHIP:
        return member, "inactive"
    return member, "ok"
