"""The pinyin of a union's name, for finding it by what people type on a phone keyboard:
西安市总工会 is found by ``xian``, ``xianshi`` and by its initials ``xaszgh``.

Union names are place names and common words, so pypinyin's phrase dictionary reads them
right (长安 chang'an, 行业 hangye, 重庆 chongqing); unlike people's names (members.pinyin)
there is no surname to read differently. Latin letters and digits in a name stay as words.
"""

import re

from pypinyin import Style, lazy_pinyin

# Runs of Chinese characters, and runs of anything else (Latin words, digits, punctuation).
_RUNS = re.compile(r"[\u3400-\u9fff]+|[^\u3400-\u9fff]+")


def _plain(text: str) -> str:
    return "".join(ch for ch in text.lower().replace("ü", "v") if ch.isascii() and ch.isalnum())


def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials), each with a leading and trailing space so that
    ``contains(" " + q)`` matches the start of the name and ``contains(q)`` anywhere in it.
    A Latin word counts whole in both (ACME 工会 → acmegonghui, acmegh)."""
    full, initials = [], []
    for run in _RUNS.findall(name or ""):
        if "\u3400" <= run[0] <= "\u9fff":
            syllables = [_plain(s) for s in lazy_pinyin(run, style=Style.NORMAL)]
            full.extend(syllables)
            initials.extend(s[:1] for s in syllables)
        else:
            word = _plain(run)
            full.append(word)
            initials.append(word)
    full_text, initials_text = "".join(full), "".join(initials)
    if not full_text:
        return "", ""
    return f" {full_text} ", f" {initials_text} "
