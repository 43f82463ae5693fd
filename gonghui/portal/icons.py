"""The installable app's icons, drawn without an image library: a red square (the theme
colour) with a white 工 — the PNG files under ``gonghui/static/icons/`` are the output of
``python -m gonghui.portal.icons`` and are committed, so nothing draws them at run time."""

import struct
import sys
import zlib
from pathlib import Path

SIZES = (48, 72, 96, 144, 192, 512)
RED = (0xC0, 0x39, 0x2B)
WHITE = (0xFF, 0xFF, 0xFF)
OUT = Path(__file__).resolve().parent.parent / "static" / "icons"


def glyph(x: float, y: float) -> bool:
    """Whether the point (x, y) in [0, 1)² lies on the 工 (two bars and a stem), drawn inside
    the middle 60 % so the maskable safe zone holds all of it."""
    top = 0.26 <= y < 0.34 and 0.30 <= x < 0.70
    bottom = 0.66 <= y < 0.74 and 0.22 <= x < 0.78
    stem = 0.26 <= y < 0.74 and 0.46 <= x < 0.54
    return top or bottom or stem


def png(size: int) -> bytes:
    rows = []
    for j in range(size):
        row = bytearray([0])  # filter: none
        for i in range(size):
            row.extend(WHITE if glyph((i + 0.5) / size, (j + 0.5) / size) else RED)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        (OUT / f"icon-{size}.png").write_bytes(png(size))
    sys.stdout.write(f"{len(SIZES)} icons in {OUT}\n")


if __name__ == "__main__":
    main()
