"""Normalising what people really type: full-width characters, stray spaces."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_CONTROL = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"} | {"\x7f"}


def to_halfwidth(value: str) -> str:
    """Full-width ASCII (Ｘ１２３) and the ideographic space become their plain forms."""
    out = []
    for ch in value:
        code = ord(ch)
        if code == 0x3000:
            out.append(" ")
        elif 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)


def clean(value: object) -> str:
    """Half-width, NFC, surrounding whitespace removed; ``None`` becomes ''. Control
    characters (NUL and friends) are refused: no database stores them usefully."""
    if value is None:
        return ""
    text = str(value)
    if any(ch in _CONTROL for ch in text):
        raise ValidationError(_("The text contains invalid control characters."), code="control_characters")
    return unicodedata.normalize("NFC", to_halfwidth(text)).strip()


def check_lengths(model, data: dict) -> None:
    """Refuse values longer than the model's CharField limits (PostgreSQL would fail, SQLite
    would silently store them), naming each field."""
    errors = {}
    for name, value in data.items():
        try:
            field = model._meta.get_field(name)
        except Exception:  # noqa: BLE001 - not a model field: nothing to check
            continue
        limit = getattr(field, "max_length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            errors[name] = ValidationError(
                _("At most %(limit)d characters.") % {"limit": limit}, code="too_long"
            )
    if errors:
        raise ValidationError(errors)
