"""Telling people what happened: the in-app inbox first, then SMS or email by the person's
preference, never during their quiet hours.

Other apps' services call :func:`notify` inside their own transaction, after their change:
the inbox row commits (or rolls back) with the change itself, and sending happens only after
the commit, so a failed SMS never loses the notification and a rolled-back change never
texts anyone."""

import datetime
import json
from collections.abc import Iterable, Mapping
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation

from gonghui.core import audit, channels, crypto, inputs
from gonghui.core.channels import templates
from gonghui.core.validators import validate_mobile
from gonghui.notifications import kinds, selectors
from gonghui.notifications.choices import AuditAction, Channel
from gonghui.notifications.models import Dispatch, Notification, Preference

BEIJING = ZoneInfo("Asia/Shanghai")
ALL_CHANNELS = (Channel.SMS, Channel.EMAIL)


def phone_index(phone: str) -> str:
    """The blind index of a mobile number, as the members app keys phones."""
    return crypto.blind_index("phone", validate_mobile(phone))


def quiet_until(now: datetime.datetime, start: datetime.time, end: datetime.time) -> datetime.datetime:
    """When a message may go out: ``now`` outside the quiet hours ``start``–``end`` (Beijing
    time, possibly across midnight), else the end of the quiet hours. Equal start and end mean
    no quiet hours."""
    local = now.astimezone(BEIJING)
    at = local.time()
    if start == end:
        return now
    if start < end:
        quiet, release_day = start <= at < end, local.date()
    else:
        quiet = at >= start or at < end
        release_day = local.date() + datetime.timedelta(days=1) if at >= start else local.date()
    if not quiet:
        return now
    return datetime.datetime.combine(release_day, end, tzinfo=BEIJING)


def _render(text, params: Mapping | None) -> str:
    text = str(text)
    return text % params if params else text


def sms_params(kind: str, params: Mapping | None) -> tuple[str, dict]:
    """The message template of ``kind`` and its parameters taken from the notification's
    ``params`` (as text, in the active language; ``link`` is added when sent), or ("", {}) for
    a kind with no template of its own (sent as the generic ``notification``). A parameter the
    notification does not carry is a programming error (ValueError)."""
    tpl = templates.registered(kind)
    if tpl is None:
        return "", {}
    wanted = [name for name in tpl.params if name != "link"]
    missing = [name for name in wanted if name not in (params or {})]
    if missing:
        raise ValueError(f"notification {kind!r} needs {', '.join(missing)} for its message template")
    return tpl.kind, {name: str(params[name]) for name in wanted}


def notify(
    *,
    kind: str,
    user=None,
    phone: str | None = None,
    title,
    body,
    link: str = "",
    params: Mapping | None = None,
    channels: Iterable[str] = ALL_CHANNELS,
    now: datetime.datetime | None = None,
) -> Notification:
    """Put a notification in a person's inbox and queue its SMS/email. Any service may call
    it, inside its own transaction (the system speaks, there is no actor to check).

    ``user``: the account it is for; else ``phone``: a mobile number with no account yet (the
    notification waits for an account signing in with it, :func:`claim_for_phone`). With both,
    the inbox is the account's and the SMS goes to ``phone``. ``title`` and ``body`` are
    translatable texts (``gettext_lazy``) with ``%(name)s`` placeholders filled from
    ``params``, rendered in the recipient's language. ``channels`` limits the SMS/email
    copies; the person's preference and quiet hours decide the rest.

    The SMS/e-mail copy is the kind's own message template (declared by its app next to the
    kind), its parameters taken from ``params`` by name; a kind without one goes out as the
    generic ``notification`` (title and link).

    Raises ValueError for a kind no app declares, a notification with no recipient or without
    a parameter its message template takes (all programming errors), ValidationError ``phone_format`` for a phone that is not a mobile
    number."""
    if not kinds.declared(kind):
        raise ValueError(f"undeclared notification kind {kind!r}: add it to an app's NotificationKind")
    if user is None and not phone:
        raise ValueError("a notification needs a user or a phone")
    phone = validate_mobile(phone) if phone else ""
    preference = selectors.preference_of(user) if user is not None else Preference()
    language = preference.language
    with translation.override(language):
        title_text = _render(title, params)[:200]
        body_text = _render(body, params)
        template, message_params = sms_params(kind, params)
    now = now or timezone.now()
    with transaction.atomic():
        notification = Notification.objects.create(
            recipient=user,
            phone_hash=phone_index(phone) if phone and user is None else "",
            phone_enc=crypto.encrypt(phone) if phone and user is None else "",
            kind=kind,
            title=title_text,
            body=body_text,
            link=link[:300],
        )
        due_at = quiet_until(now, preference.quiet_start, preference.quiet_end)
        wanted = set(channels)
        addresses = {
            Channel.SMS: phone if preference.sms else "",
            Channel.EMAIL: user.email if user is not None and preference.email else "",
        }
        dispatches = [
            Dispatch(
                notification=notification,
                channel=channel,
                to_enc=crypto.encrypt(address),
                language=language,
                template=template,
                params_enc=crypto.encrypt(json.dumps(message_params, ensure_ascii=False)) if template else "",
                due_at=due_at,
            )
            for channel, address in addresses.items()
            if address and channel in wanted
        ]
        Dispatch.objects.bulk_create(dispatches)
        if dispatches and due_at <= now:
            ids = [d.pk for d in dispatches]
            transaction.on_commit(lambda: dispatch_due(ids=ids))
    return notification


# A kind without its own message template (or a message queued before kinds had theirs).
TEMPLATE = "notification"


def absolute(link: str) -> str:
    """A notification's link as a whole address for an SMS or e-mail (GONGHUI_SITE_URL)."""
    if not link or "://" in link:
        return link
    return settings.GONGHUI_SITE_URL.rstrip("/") + link


def dispatch_due(*, now: datetime.datetime | None = None, ids=None, limit: int = 500) -> int:
    """Hand every SMS/e-mail whose quiet hours are over (``ids``: only those) to the channel
    layer, which sends, records and retries it. Called after the commit of the notifying
    change, and by ``manage.py dispatch_notifications`` (every few minutes) for the messages
    that waited. Each is handed over once: the row is locked and re-read. Returns how many."""
    now = now or timezone.now()
    waiting = Dispatch.objects.filter(sent_at__isnull=True, due_at__lte=now)
    if ids is not None:
        waiting = waiting.filter(pk__in=ids)
    handed = 0
    for pk in list(waiting.order_by("due_at").values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            dispatch = (
                Dispatch.objects.select_for_update()
                .select_related("notification")
                .filter(pk=pk, sent_at__isnull=True)
                .first()
            )
            if dispatch is None:  # another run took it
                continue
            note = dispatch.notification
            if dispatch.template:
                template = dispatch.template
                params = json.loads(crypto.decrypt(dispatch.params_enc))
                if "link" in templates.template(template).params:
                    params["link"] = absolute(note.link)
            else:
                template, params = TEMPLATE, {"title": note.title, "link": absolute(note.link)}
            dispatch.delivery = channels.send(
                channel=dispatch.channel,
                to=crypto.decrypt(dispatch.to_enc),
                template=template,
                params=params,
                language=dispatch.language,
            )
            dispatch.sent_at = now
            dispatch.save(update_fields=["delivery", "sent_at"])
            handed += 1
    return handed


def claim_for_phone(user, phone: str) -> int:
    """Attach the notifications sent to ``phone`` before it had an account to ``user``, the
    account now signed in with it (the caller has proved the phone, by an SMS code). Returns
    how many were attached; calling it again attaches nothing."""
    try:
        index = phone_index(phone)
    except ValidationError:
        return 0
    return claim_for_index(user, index)


def claim_for_index(user, index: str) -> int:
    """:func:`claim_for_phone` for a phone known by its blind index (an account's own phone,
    which is stored only encrypted and indexed)."""
    if not index:
        return 0
    with transaction.atomic():
        claimed = Notification.objects.filter(recipient__isnull=True, phone_hash=index).update(
            recipient=user, phone_hash="", phone_enc=""
        )
        if claimed:
            audit.record(
                actor=user,
                action=AuditAction.CLAIMED,
                obj=user,
                organisation_id=None,
                changes={"notifications": [None, claimed]},
            )
    return claimed


def notification_mark_read(*, actor, notification_id) -> Notification:
    """The signed-in person marks one of their own notifications read (again: no change).
    Someone else's, or a missing one, is Http404. Not audited: the inbox is the person's own,
    not a record of the union."""
    with transaction.atomic():
        notification = selectors.notification_of_or_404(actor, notification_id)
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor) -> int:
    """The signed-in person marks their whole inbox read; returns how many were unread."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


def preference_set(*, actor, sms, email, quiet_start, quiet_end, language=None) -> Preference:
    """The signed-in person chooses their channels and quiet hours (Beijing time). Raises
    ValidationError ``time_invalid`` / ``required`` / ``invalid_choice`` keyed by field,
    nothing saved."""
    errors = {}
    parsed = {}
    for field, value in (("quiet_start", quiet_start), ("quiet_end", quiet_end)):
        try:
            parsed[field] = inputs.time(value, field)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    try:
        language = inputs.choice(
            language, "language", [code for code, _name in settings.LANGUAGES], required=False
        )
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        preference, _created = Preference.objects.select_for_update().get_or_create(user=actor)
        before = {"sms": preference.sms, "email": preference.email, "quiet": _quiet(preference)}
        preference.sms, preference.email = bool(sms), bool(email)
        preference.quiet_start, preference.quiet_end = parsed["quiet_start"], parsed["quiet_end"]
        if language:
            preference.language = language
        preference.save()
        after = {"sms": preference.sms, "email": preference.email, "quiet": _quiet(preference)}
        audit.record(
            actor=actor,
            action=AuditAction.PREFERENCE_CHANGED,
            obj=preference,
            organisation_id=None,
            changes={k: [before[k], after[k]] for k in before if before[k] != after[k]},
        )
    return preference


def _quiet(preference: Preference) -> str:
    return f"{preference.quiet_start:%H:%M}-{preference.quiet_end:%H:%M}"
