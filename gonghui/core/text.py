"""Normalising what people really type: full-width characters, stray spaces."""

import re
import unicodedata

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import gettext_lazy as _

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Full-width ASCII (U+FF01–U+FF5E) and the ideographic space, to their plain forms.
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: " "}


def to_halfwidth(value: str) -> str:
    """Full-width ASCII (Ｘ１２３) and the ideographic space become their plain forms."""
    return value if value.isascii() else value.translate(_HALFWIDTH)


def clean(value: object) -> str:
    """Half-width, NFC, surrounding whitespace removed; ``None`` becomes ''. Control
    characters (NUL and friends) are refused: no database stores them usefully."""
    if value is None:
        return ""
    text = str(value)
    if _CONTROL.search(text):
        raise ValidationError(_("The text contains invalid control characters."), code="control_characters")
    if text.isascii():
        return text.strip()
    text = text.translate(_HALFWIDTH)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text.strip()


def prose(value: object) -> str:
    """Free text a person wrote (a story, a reply, a reason, a note): kept as written — full-width
    Chinese punctuation (，：（）！？) stays — in NFC without surrounding whitespace. Control
    characters are refused, as by :func:`clean`, which is for names and codes."""
    text = "" if value is None else str(value)
    clean(text)  # the shared check: refuses control characters
    return unicodedata.normalize("NFC", text).strip()


def check_lengths(model, data: dict) -> None:
    """Refuse values longer than the model's CharField limits (PostgreSQL would fail, SQLite
    would silently store them), naming each field, with the input vocabulary's code and
    message (``too_long``, as ``core.inputs.text`` gives it)."""
    errors = {}
    for name, value in data.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # not a model field: nothing to check
            continue
        limit = getattr(field, "max_length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            errors[name] = ValidationError(
                _("At most %(limit)d characters (now %(count)d)."),
                code="too_long",
                params={"limit": limit, "count": len(value)},
            )
    if errors:
        raise ValidationError(errors)
