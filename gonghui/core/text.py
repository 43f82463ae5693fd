"""Normalising what people really type: full-width characters, stray spaces."""

import unicodedata


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
    """Half-width, NFC, surrounding whitespace removed; ``None`` becomes ''."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", to_halfwidth(str(value))).strip()
