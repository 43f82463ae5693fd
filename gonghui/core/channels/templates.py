"""The messages Gonghui sends, one template per kind, in 简体中文 and English.

Each kind names its parameters in the order the providers take them (Tencent Cloud numbers
them {1}, {2} …; Aliyun names them ${code} …) and how long the message is worth sending: a
sign-in code that arrives after it has expired only confuses. The text here is what the file
backend and e-mail show and what the provider template approved under the kind's code must
say; the codes are settings (GONGHUI_SMS_TEMPLATE_CODES), because each operator registers
its own templates with its provider (docs/ops/messages.md).

Core's own messages (sign-in codes) and the generic ``notification`` are entries of
``TEMPLATES``. Core imports no other app, so the apps bring their messages themselves: each
declares one :class:`MessageTemplate` per notification kind next to its ``NotificationKind``
and the notifications app hands them to :func:`register` when Django starts. A kind without
its own template goes out as the generic ``notification`` (its title and link).
"""

from dataclasses import dataclass, replace

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

LANGUAGES = ("zh-hans", "en")


@dataclass(frozen=True)
class MessageTemplate:
    """One kind of message: its subject (e-mail) and text with named placeholders (English
    msgids, translated when rendered in the recipient's language), the
    parameters in the providers' order, and the seconds after which it is not worth sending
    (None: always worth sending)."""

    kind: str
    subject: str
    text: str
    params: tuple[str, ...]
    lifetime: int | None = None


TEMPLATES = {
    t.kind: t
    for t in (
        MessageTemplate(
            kind="login_code",
            subject=gettext_noop("Your sign-in code"),
            text=gettext_noop(
                "Your Gonghui sign-in code is %(code)s. It is valid for %(minutes)s minutes. "
                "Do not tell it to anyone."
            ),
            params=("code", "minutes"),
            lifetime=300,
        ),
        MessageTemplate(
            kind="phone_change_code",
            subject=gettext_noop("Confirm your new phone number"),
            text=gettext_noop(
                "Your Gonghui code to confirm this phone number is %(code)s. It is valid for "
                "%(minutes)s minutes. If you did not ask for it, ignore this message."
            ),
            params=("code", "minutes"),
            lifetime=300,
        ),
        # Every in-app notification's SMS/e-mail copy (gonghui.notifications): its title,
        # already in the recipient's language, and the page to open.
        MessageTemplate(
            kind="notification",
            subject=gettext_noop("News from your union"),
            text=gettext_noop("%(title)s. Details: %(link)s"),
            params=("title", "link"),
        ),
    )
}


def register(*templates: MessageTemplate) -> None:
    """Add messages to the table (an app's notification kinds, at start-up). Registering the
    same template again is harmless; a different template under a taken kind is a programming
    error (ValueError), so two apps cannot silently send each other's text."""
    for tpl in templates:
        tpl = replace(tpl, kind=str(tpl.kind))
        known = TEMPLATES.get(tpl.kind)
        if known is not None and known != tpl:
            raise ValueError(f"message template {tpl.kind!r} is already registered with another text")
        TEMPLATES[tpl.kind] = tpl


def registered(kind: str) -> MessageTemplate | None:
    """The template of ``kind`` if there is one, else None (the caller falls back)."""
    return TEMPLATES.get(kind)


def template(kind: str) -> MessageTemplate:
    """The template of ``kind``; an unknown kind is a programming error (KeyError)."""
    return TEMPLATES[kind]


def check(kind: str, params: dict, language: str) -> None:
    """Raise ValueError unless ``kind`` exists, ``params`` are exactly its parameters and
    ``language`` is one we write."""
    tpl = TEMPLATES.get(kind)
    if tpl is None:
        raise ValueError(f"no message template {kind!r}")
    if set(params) != set(tpl.params):
        raise ValueError(f"template {kind!r} takes {', '.join(tpl.params)}, not {', '.join(sorted(params))}")
    if language not in LANGUAGES:
        raise ValueError(f"messages are written in {', '.join(LANGUAGES)}, not {language!r}")


def render(kind: str, params: dict, language: str) -> tuple[str, str]:
    """(subject, text) of a message of ``kind`` in ``language``."""
    tpl = TEMPLATES[kind]
    with translation.override(language):
        return gettext(tpl.subject), gettext(tpl.text) % params


def provider_code(kind: str, language: str) -> str:
    """The provider's template code for ``kind`` in ``language``: ``kind.en`` for English when
    set, else ``kind``. Missing is a configuration error, raised when a message is sent."""
    codes = settings.GONGHUI_SMS_TEMPLATE_CODES
    code = codes.get(f"{kind}.{language}") or codes.get(kind)
    if not code:
        raise ImproperlyConfigured(f"GONGHUI_SMS_TEMPLATE_CODES has no code for {kind!r}")
    return code


def ordered(kind: str, params: dict) -> list[str]:
    """The parameters as text in the template's order (Tencent Cloud's TemplateParamSet)."""
    return [str(params[name]) for name in TEMPLATES[kind].params]
