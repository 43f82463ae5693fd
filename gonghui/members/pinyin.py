"""Pinyin search keys for Chinese names.

pypinyin reads characters, not names: it spells 单 as "dan" where a surname is "shan". The
surname readings come from ``data/surnames.json`` (with its source); given-name characters
with several readings contribute every reading, so a name is found by each of them. Results
are cached per character, which is what makes a million names index in seconds.
"""

import itertools
import json
from functools import lru_cache
from pathlib import Path

from pypinyin import Style, lazy_pinyin, pinyin

_DATA = json.loads((Path(__file__).parent / "data" / "surnames.json").read_text(encoding="utf-8"))
COMPOUND_SURNAMES: dict[str, str] = _DATA["compound"]
SINGLE_SURNAMES: dict[str, str] = _DATA["single"]
MAX_VARIANTS = 8


@lru_cache(maxsize=65536)
def char_readings(ch: str) -> tuple[str, ...]:
    """Every toneless reading of one character, most common first; non-Chinese stay as is."""
    if not ("\u3400" <= ch <= "\u9fff"):
        return (ch.lower(),) if ch.isalnum() else ()
    readings = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
    if not readings or not readings[0]:
        return ()
    seen: list[str] = []
    for r in readings[0]:
        r = r.replace("ü", "v")
        if r and r not in seen:
            seen.append(r)
    return tuple(seen)


def split_surname(name: str) -> tuple[str, str]:
    if name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


def _syllables(name: str) -> list[tuple[str, ...]]:
    """Per syllable the possible readings, surname first with its surname reading."""
    name = "".join(name.split())
    if not name:
        return []
    surname, given = split_surname(name)
    out: list[tuple[str, ...]] = []
    if surname in COMPOUND_SURNAMES:
        out.extend((syllable,) for syllable in COMPOUND_SURNAMES[surname].split())
    elif surname in SINGLE_SURNAMES:
        out.append((SINGLE_SURNAMES[surname],))
    else:
        r = char_readings(surname)
        if r:
            out.append(r[:1] if len(r) == 1 else r)
    for ch in given:
        r = char_readings(ch)
        if r:
            out.append(r)
    return out


def name_keys(name: str) -> tuple[str, str]:
    """(full-pinyin variants, initials variants), each space-separated with a leading and
    trailing space so that ``contains(" " + q)`` is a prefix match on any variant."""
    syllables = _syllables(name)
    if not syllables:
        return "", ""
    fulls: list[str] = []
    initials: list[str] = []
    for combo in itertools.islice(itertools.product(*syllables), MAX_VARIANTS):
        full = "".join(combo)
        # A compound surname contributes the initials of both of its characters.
        ini = "".join(part[:1] for part in combo)
        if full not in fulls:
            fulls.append(full)
        if ini not in initials:
            initials.append(ini)
    return " " + " ".join(fulls) + " ", " " + " ".join(initials) + " "


@lru_cache(maxsize=65536)
def phrase_keys(text: str) -> tuple[str, str]:
    """(full pinyin, initials) of a phrase such as a union's name, read as words (行业 hang ye,
    银行 yin hang), without spaces or tones: ``雁塔区快递行业联合工会`` → ``yantaqukuaidihangye…``,
    ``ytqkdhylhgh``. Characters that are not Chinese are kept as they are, lower-cased."""
    syllables = [s.replace("ü", "v").lower() for s in lazy_pinyin(text, style=Style.NORMAL, errors="default")]
    syllables = [s for s in ("".join(ch for ch in s if ch.isalnum()) for s in syllables) if s]
    return "".join(syllables), "".join(s[:1] for s in syllables)
