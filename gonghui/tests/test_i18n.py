"""Chinese first: the zh_Hans catalogue is complete, and every literal string marked for
translation in templates and Python code is in it (so a new string cannot ship untranslated)."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries() -> list[dict]:
    entries, current, field = [], {}, None
    for line in PO.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current:
                entries.append(current)
            current, field = {}, None
            continue
        if line.startswith("#,"):
            current["flags"] = line
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgctxt ", "msgid ", "msgid_plural ", "msgstr")):
            field, _, rest = line.partition(" ")
            current[field] = _unquote(rest)
        elif line.startswith('"') and field:
            current[field] += _unquote(line)
    return [e for e in entries if e.get("msgid")]


def _unquote(text: str) -> str:
    return text.strip()[1:-1].replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def test_catalogue_has_no_untranslated_or_fuzzy_entries():
    bad = [
        e["msgid"]
        for e in _entries()
        if not (e.get("msgstr") or e.get("msgstr[0]")) or "fuzzy" in e.get("flags", "")
    ]
    assert bad == [], f"untranslated: {bad[:10]}"


def test_compiled_catalogue_exists():
    assert PO.with_suffix(".mo").exists()


_TEMPLATE_TRANS = re.compile(
    r"""{%\s*(?:translate|trans)\s+(["'])(.+?)\1(?:\s+context\s+(["'])(.+?)\3)?[^%]*%}"""
)
_PY_TRANS = re.compile(r"""(?<![\w.])_\(\s*(["'])((?:(?!\1).)+)\1\s*[,)]""")


def test_every_marked_literal_is_in_the_catalogue():
    known = {e["msgid"] for e in _entries()} | {e["msgid"].replace("%%", "%") for e in _entries()}
    missing = []
    for path in (ROOT / "gonghui").rglob("*"):
        if path.suffix == ".html":
            for m in _TEMPLATE_TRANS.finditer(path.read_text(encoding="utf-8")):
                if m.group(2) not in known:
                    missing.append(f"{path.relative_to(ROOT)}: {m.group(2)}")
        elif path.suffix == ".py" and "tests" not in path.parts and "migrations" not in path.parts:
            for m in _PY_TRANS.finditer(path.read_text(encoding="utf-8")):
                text = m.group(2)
                if "\\" not in text and text not in known:
                    missing.append(f"{path.relative_to(ROOT)}: {text}")
    assert missing == [], "run `make messages` and translate:\n" + "\n".join(missing[:30])
