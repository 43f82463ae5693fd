"""Messages to people: SMS and e-mail through the back ends the settings choose
(docs/ops/messages.md).

``send`` records a :class:`~gonghui.core.models.Delivery` (recipient encrypted, with a blind
index) and queues its first attempt after the caller's transaction commits; the outcome of
every attempt is kept on the row and a failure is tried again later (``channels.delivery``).
A caller never waits for, nor fails because of, a provider.
"""

import json
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from gonghui.core import crypto, tasks
from gonghui.core.channels import templates
from gonghui.core.models import Delivery
from gonghui.core.validators import mask_phone, validate_mobile

CHANNELS = (Delivery.Channel.SMS, Delivery.Channel.EMAIL)


def normalise_recipient(channel: str, to: str) -> str:
    """A mainland mobile number (11 digits) for SMS, a lower-cased address for e-mail."""
    if channel == Delivery.Channel.SMS:
        return validate_mobile(to)
    return str(to).strip().lower()


def mask_recipient(channel: str, to: str) -> str:
    if channel == Delivery.Channel.SMS:
        return mask_phone(to)
    local, _sep, domain = to.partition("@")
    return f"{local[:1]}***@{domain}"


def recipient_index(channel: str, to: str) -> str:
    """The blind index of a recipient: the same as members' phone index for a phone, so a
    person's messages can be found from their phone without decrypting anything."""
    return crypto.blind_index("phone" if channel == Delivery.Channel.SMS else "email", to)


def send(*, channel: str, to: str, template: str, params: dict, language: str = "zh-hans") -> Delivery:
    """Send the message ``template`` with ``params`` to ``to`` through ``channel`` ("sms" or
    "email") in ``language``. Records the delivery and queues its first attempt for when the
    current transaction commits (at once outside one). Raises ValueError for an unknown
    channel, template, parameters or language, and ValidationError (``phone_format``) for a
    number that is not a mainland mobile — callers check what people type before this."""
    if channel not in CHANNELS:
        raise ValueError(f"no channel {channel!r}")
    templates.check(template, params, language)
    to = normalise_recipient(channel, to)
    lifetime = templates.template(template).lifetime
    delivery = Delivery.objects.create(
        channel=channel,
        recipient_enc=crypto.encrypt(to),
        recipient_hash=recipient_index(channel, to),
        recipient_masked=mask_recipient(channel, to),
        template=template,
        language=language,
        params_enc=crypto.encrypt(json.dumps(params, ensure_ascii=False)),
        expires_at=timezone.now() + timedelta(seconds=lifetime) if lifetime else None,
    )
    transaction.on_commit(lambda: tasks.deliver.enqueue(str(delivery.pk)))
    return delivery
