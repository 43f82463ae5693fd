"""Names of notification kinds for people.

Each app that fires notifications declares its kinds as a ``NotificationKind`` TextChoices in
its ``choices.py`` (code → label, like ``AuditAction``) and names that class in its AppConfig
(``notification_kinds``). :func:`gonghui.notifications.services.notify` refuses a kind nobody
declares, so an inbox never shows a bare code.

Next to it the app declares the SMS/e-mail text of its kinds (``notification_messages``: a
tuple of ``core.channels.templates.MessageTemplate``), registered with the channel layer when
Django starts (:func:`register_messages`); a kind without one is sent as the generic
``notification`` template."""

import functools
from typing import Any

from django.apps import apps
from django.utils.module_loading import import_string


@functools.cache
def _labels() -> dict[str, Any]:
    labels = {}
    for config in apps.get_app_configs():
        path = getattr(config, "notification_kinds", None)
        if path:
            labels.update(dict(import_string(path).choices))
    return labels


def messages() -> list:
    """Every app's declared message templates (``notification_messages``)."""
    found = []
    for config in apps.get_app_configs():
        path = getattr(config, "notification_messages", None)
        if path:
            found.extend(import_string(path))
    return found


def register_messages() -> None:
    """Hand the apps' message templates to the channel layer (core imports no app, so the
    apps' texts come to it from here)."""
    from gonghui.core.channels import templates

    templates.register(*messages())


def declared(code: str) -> bool:
    return code in _labels()


def label(code: str) -> str:
    """The name people read for a kind (in the active language); an unknown code as it is."""
    return str(_labels().get(code, code))


def all_kinds() -> list[tuple[str, Any]]:
    return sorted(_labels().items())
