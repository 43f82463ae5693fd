"""QR codes drawn on our pages (the e-member card, a station's check-in code): an inline SVG,
so the code shows without a request and prints sharp."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(content: str, *, title: str, scale: int = 4) -> SafeString:
    """``content`` (a URL of ours) as an inline SVG QR code with a readable ``title``; medium
    error correction, so a worn or half-covered print still scans."""
    qr = segno.make(content, error="m")
    # segno writes the SVG from our own URL only, so it is safe to inline.
    return mark_safe(
        qr.svg_inline(scale=scale, border=2, omitsize=True, dark="#000", light="#fff", title=title)
    )
