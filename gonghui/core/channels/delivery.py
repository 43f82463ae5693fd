"""Trying a delivery: render it, hand it to its back end, record the outcome (docs/ops/messages.md).

A failed attempt is tried again after a growing pause (``RETRY_MINUTES``) by
``manage.py retry_deliveries`` or the ``retry_due_deliveries`` task, until it is sent, fails
for good (a permanent refusal, or GONGHUI_DELIVERY_MAX_ATTEMPTS attempts) or expires (its
template's lifetime is over: a late sign-in code is useless). Whatever a back end raises is
recorded on the row, never lost, and never reaches the caller that asked for the message.
"""

import json
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gonghui.core import crypto
from gonghui.core.channels.backends import DeliveryFailed, Outgoing, backend_for
from gonghui.core.channels.templates import ordered, render
from gonghui.core.models import Delivery

log = logging.getLogger(__name__)

# Minutes to wait after the 1st, 2nd, 3rd … failed attempt (the last repeats).
RETRY_MINUTES = (1, 5, 30, 120, 720)
OPEN = (Delivery.Status.PENDING, Delivery.Status.RETRYING)


def outgoing(delivery: Delivery) -> Outgoing:
    """The message of ``delivery``, decrypted and rendered in its language."""
    params = json.loads(crypto.decrypt(delivery.params_enc) or "{}")
    subject, text = render(delivery.template, params, delivery.language)
    return Outgoing(
        delivery_id=str(delivery.pk),
        to=crypto.decrypt(delivery.recipient_enc),
        template=delivery.template,
        language=delivery.language,
        params=params,
        ordered_params=ordered(delivery.template, params),
        subject=subject,
        text=text,
    )


def attempt(delivery_id) -> Delivery | None:
    """Try to send delivery ``delivery_id`` once, if it is still open and due; record the
    outcome. Returns the delivery (None when it does not exist). The row is claimed under a
    lock (``next_try_at`` moved on) before the provider is called, outside the transaction,
    so two workers never send one message twice and no lock is held during a slow call."""
    now = timezone.now()
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.status not in OPEN:
            return delivery
        if delivery.next_try_at and delivery.next_try_at > now:
            return delivery
        if delivery.expires_at and delivery.expires_at <= now:
            delivery.status = Delivery.Status.EXPIRED
            delivery.params_enc = ""
            delivery.next_try_at = None
            delivery.save(update_fields=["status", "params_enc", "next_try_at"])
            return delivery
        delivery.attempts += 1
        # Claimed: another worker sees it as not due until this attempt's pause has passed.
        delivery.next_try_at = now + _pause(delivery.attempts)
        delivery.save(update_fields=["attempts", "next_try_at"])
    backend = backend_for(delivery.channel)
    try:
        provider_id = backend.send(outgoing(delivery))
    except DeliveryFailed as exc:
        _failed(delivery, backend.name, str(exc), permanent=exc.permanent)
    except Exception as exc:  # a bug or a misconfiguration: recorded and retried like a failure
        log.exception("delivery %s failed", delivery.pk)
        _failed(delivery, backend.name, f"{type(exc).__name__}: {exc}"[:500], permanent=False)
    else:
        delivery.status = Delivery.Status.SENT
        delivery.backend = backend.name
        delivery.provider_id = (provider_id or "")[:100]
        delivery.sent_at = timezone.now()
        delivery.next_try_at = None
        delivery.params_enc = ""  # nothing kept that is no longer needed (a code is a secret)
        delivery.last_error = ""
        delivery.save(
            update_fields=[
                "status",
                "backend",
                "provider_id",
                "sent_at",
                "next_try_at",
                "params_enc",
                "last_error",
            ]
        )
    return delivery


def _pause(attempts: int) -> timedelta:
    return timedelta(minutes=RETRY_MINUTES[min(attempts, len(RETRY_MINUTES)) - 1])


def _failed(delivery: Delivery, backend: str, error: str, *, permanent: bool) -> None:
    give_up = permanent or delivery.attempts >= settings.GONGHUI_DELIVERY_MAX_ATTEMPTS
    delivery.backend = backend
    delivery.last_error = error[:500]
    delivery.status = Delivery.Status.FAILED if give_up else Delivery.Status.RETRYING
    if give_up:
        delivery.next_try_at = None
        delivery.params_enc = ""
    delivery.save(update_fields=["backend", "last_error", "status", "next_try_at", "params_enc"])


def due(now=None):
    """Open deliveries whose next try has come (or that were never tried), oldest first."""
    now = now or timezone.now()
    return Delivery.objects.filter(status__in=OPEN).exclude(next_try_at__gt=now).order_by("created_at")


def retry_due(*, limit: int = 500) -> dict:
    """Attempt every due delivery (at most ``limit``); returns counts by resulting status."""
    counts: dict[str, int] = {}
    for delivery_id in list(due().values_list("pk", flat=True)[:limit]):
        delivery = attempt(delivery_id)
        if delivery is not None:
            counts[delivery.status] = counts.get(delivery.status, 0) + 1
    return counts
