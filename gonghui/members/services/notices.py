"""Telling a member what happened to their record (or to their request, their hardship file,
their competition entry: the other apps call :func:`tell_member` too)."""

from collections.abc import Mapping

from gonghui.core import crypto
from gonghui.members.models import Member
from gonghui.notifications.models import Notification
from gonghui.notifications.services import notify


def tell_member(
    member: Member, *, kind: str, title, body, params: Mapping | None = None, link: str = ""
) -> Notification | None:
    """Notify ``member``: in the inbox of their account, with the SMS to the phone on their
    record; a member with no account yet is told on that phone, and the notification waits in
    the inbox of the account that later signs in with it. None when the member has neither
    (an old record without a phone): there is nobody to tell."""
    phone = crypto.decrypt(member.phone_enc) if member.phone_enc else ""
    if member.user_id is None and not phone:
        return None
    return notify(
        kind=kind, user=member.user, phone=phone or None, title=title, body=body, params=params, link=link
    )
