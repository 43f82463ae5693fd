"""Reading the first sheet of an .xlsx workbook with every cost bounded, in a child process.

A workbook is a zip of XML parts; a hostile one can be small on the wire and enormous once
unpacked (a zip bomb), or hold millions of shared strings that a reader keeps in memory
(openpyxl does, even in read-only mode). This module is what runs in the child process that
``gonghui.core.spreadsheets.sandbox`` starts for every .xlsx read:

    python -I -S xlsxparse.py PATH LIMITS_JSON

It imports only the standard library (no Django, no openpyxl: a fast start and a small,
predictable footprint), sets its own resource limits first (address space, CPU seconds, file
size, open files), checks the zip directory before unpacking anything, streams the shared
strings into an unlinked temporary file (UTF-8 text and an array of offsets, looked up with
``pread`` behind a small cache), then streams the sheet and writes rows to stdout as frames:

    1 byte kind + 4 bytes big-endian length + JSON payload
    R  [[row number, [cell, …], [indexes of tagged cells]], …]   a batch of rows
    E  {"code": …, "limit": …}                                    an error; nothing follows
    D  {"rows": …, "cells": …, "strings": …, "peak_mb": …}         done

Cells are JSON strings, numbers, booleans, or tagged lists for the types JSON lacks:
``["dt", iso]`` (datetime), ``["d", iso]`` (date), ``["t", iso]`` (time), ``["td", seconds]``
(timedelta). Rows with no value at all are not sent (their number is skipped); missing and
empty cells are ``""``. Values follow openpyxl 3.1.5 read in ``data_only`` mode (cached formula
results, date styles turned into dates, the 1904 epoch, rich text flattened, phonetic runs
left out), so the importer sees what it saw before; a test compares both readers.

The functions that check a package (:func:`check_package`) are also used in the web process,
before an upload is accepted: they read only the zip directory and the first bytes of the
shared strings part.
"""

import array
import datetime
import functools
import json
import os
import posixpath
import pyexpat
import re
import signal
import struct
import sys
import tempfile
import zipfile
from dataclasses import asdict, dataclass

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
SHARED_STRINGS = "xl/sharedStrings.xml"  # where every producer puts it (the rels say for sure)

# Sizes that no real workbook comes near, whatever the number of rows.
MAX_ENTRIES = 10_000  # parts in the zip (a workbook with images has a few hundred)
MAX_DIRECTORY_BYTES = 1024 * 1024  # the zip's central directory, read whole by zipfile
MAX_CHILDREN = 1000  # elements inside one cell or one shared string (rich-text runs)
MAX_SHEETS = 10_000
MAX_STYLES = 65_536  # Excel allows 64,000 cell formats
FEED_BYTES = 1024 * 1024
BATCH_ROWS = 500
BATCH_CHARS = 1024 * 1024
BLANK_ROWS = 1_048_576  # a whole Excel sheet of formatted but empty rows
PEEK_BYTES = 64 * 1024
MIN_REFERENCE = 20  # bytes of sheet XML a cell using a shared string needs: <c t="s"><v>0</v></c>

# Exit statuses of the child when it could not say why in a frame.
EXIT_ERROR = 2
EXIT_MEMORY = 3

# Number formats openpyxl 3.1.5 treats as dates (BUILTIN_FORMATS ids whose code is a date)
# and as durations; custom formats are tested with openpyxl's own rules below.
BUILTIN_DATE_FORMATS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
BUILTIN_TIMEDELTA_FORMATS = frozenset({46})
_STRIP = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE_CHAR = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_TIMEDELTA = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)
_ISO = re.compile(
    r"(?P<date>(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2}))?T?"
    r"(?P<time>(?P<hour>\d{2}):(?P<minute>\d{2})(:(?P<second>\d{2})(?P<microsecond>\.\d{1,3})?)?)?Z?"
)
_ISO_DURATION = re.compile(r"PT((?P<hours>\d+)H)?((?P<minutes>\d+)M)?((?P<seconds>\d+(\.\d{1,3})?)S)?")
WINDOWS_EPOCH = datetime.datetime(1899, 12, 30)
MAC_EPOCH = datetime.datetime(1904, 1, 1)


@dataclass
class Limits:
    """What one read may cost. ``rows``: rows holding a value (the header and title rows
    included); ``cells``: ``<c>`` elements of the sheet, empty ones included; ``strings`` and
    ``strings_bytes``: entries and unpacked size of the shared strings part; ``unpacked``: all
    parts together; ``ratio``: unpacked ÷ packed size of any part over 1 MiB; ``columns``: of a
    row; ``cell_chars``: characters in one cell (Excel's own limit); ``memory_mb``: the child's
    address space; ``seconds``: its CPU time."""

    rows: int = 2_000_010
    cells: int = 60_000_000
    strings: int = 10_000_000
    strings_bytes: int = 512 * 1024 * 1024
    unpacked: int = 3 * 1024 * 1024 * 1024
    ratio: int = 100
    columns: int = 200
    cell_chars: int = 32_767
    memory_mb: int = 256
    seconds: int = 600

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "Limits":
        data = json.loads(text)
        return cls(**{k: int(v) for k, v in data.items() if k in cls.__dataclass_fields__})


class ParseError(Exception):
    """The workbook cannot be read; ``code`` says why, ``limit`` is the limit that was hit."""

    def __init__(self, code: str, limit: int | None = None):
        super().__init__(code)
        self.code = code
        self.limit = limit


# ---- the package ------------------------------------------------------------------------------


def _directory(fh) -> tuple[int, int]:
    """(entries, bytes) of the zip's central directory, from its end record, before zipfile
    reads the directory whole into memory."""
    fh.seek(0, os.SEEK_END)
    size = fh.tell()
    tail = min(size, 65_535 + 22)
    fh.seek(size - tail)
    data = fh.read(tail)
    at = data.rfind(b"PK\x05\x06")
    if at < 0 or len(data) - at < 22:
        raise ParseError("damaged")
    entries, cd_size = struct.unpack("<xxxxxxxxxxHI", data[at : at + 16])
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF:
        locator = data.rfind(b"PK\x06\x07", 0, at)
        if locator < 0 or at - locator < 20:
            raise ParseError("damaged")
        (offset,) = struct.unpack("<Q", data[locator + 8 : locator + 16])
        fh.seek(offset)
        record = fh.read(56)
        if len(record) < 56 or not record.startswith(b"PK\x06\x06"):
            raise ParseError("damaged")
        entries, cd_size = struct.unpack("<QQ", record[32:48])
    return entries, cd_size


def open_package(path: str) -> zipfile.ZipFile:
    """The zip, its directory bounded first (raises :class:`ParseError`)."""
    try:
        with open(path, "rb") as fh:
            entries, cd_size = _directory(fh)
        if entries > MAX_ENTRIES or cd_size > MAX_DIRECTORY_BYTES:
            raise ParseError("not_workbook")
        return zipfile.ZipFile(path)
    except ParseError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, struct.error):
        raise ParseError("damaged") from None


def check_package(zf: zipfile.ZipFile, limits: Limits, strings_part: str = SHARED_STRINGS) -> None:
    """Everything that can be known from the zip directory, before any part is unpacked: it
    is a workbook (not an encrypted package, not some other zip), each part and all of them
    together unpack to a bounded size at a bounded ratio, and the shared strings part is not
    larger, nor does it announce more strings, than allowed. Raises :class:`ParseError`."""
    names = {info.filename: info for info in zf.infolist()}
    if WORKBOOK not in names:
        raise ParseError("encrypted" if "EncryptedPackage" in names else "not_workbook")
    total = 0
    for info in names.values():
        if info.flag_bits & 0x1:
            raise ParseError("encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ParseError("damaged")  # what every spreadsheet program writes; no other decoder runs
        total += info.file_size
        if total > limits.unpacked:
            raise ParseError("unpacked", limits.unpacked)
        if info.file_size > 1024 * 1024 and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise ParseError("ratio", limits.ratio)
    strings = names.get(strings_part)
    if strings is not None:
        if strings.file_size > limits.strings_bytes:
            raise ParseError("strings_bytes", limits.strings_bytes)
        announced = _announced_strings(zf, strings_part)
        if announced is not None and announced > limits.strings:
            raise ParseError("strings", limits.strings)
        # Every shared string is used by a cell, and a cell using one takes at least
        # MIN_REFERENCE bytes of a sheet; all the other parts together bound the sheets.
        usable = (total - strings.file_size) // MIN_REFERENCE
        if announced is not None and announced > usable:
            raise ParseError("unused_strings", usable)


def _announced_strings(zf: zipfile.ZipFile, name: str) -> int | None:
    """The ``uniqueCount`` the shared strings part declares (only its first bytes are
    unpacked). A hint that lets an upload be refused at once; the count is enforced while
    reading whatever the part says."""
    try:
        with zf.open(name) as fh:
            head = fh.read(PEEK_BYTES)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise ParseError("damaged") from None
    start = head.find(b"<sst")
    end = head.find(b">", start)
    if start < 0 or end < 0:
        return None
    match = re.search(rb'\suniqueCount\s*=\s*["\'](\d{1,12})["\']', head[start:end])
    return int(match.group(1)) if match else None


def _starts(zf: zipfile.ZipFile, name: str):
    """(tag, attributes, parent's tag) of every element of a small part (the workbook, its
    relationships, the styles): only attributes are needed there, so nothing is kept."""
    stack: list[str] = [""]
    found: list = []

    def start(tag, attrs):
        found.append((tag, attrs, stack[-1]))
        stack.append(tag)

    def end(tag):
        stack.pop()

    for _ in _feed(zf, name, _expat(start, end, None)):
        yield from found
        found.clear()


def _target(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


@dataclass
class Workbook:
    sheet: str
    strings: str | None
    styles: str | None
    epoch: datetime.datetime
    sheet_bytes: int  # all worksheets unpacked (any of them may use a shared string)


def read_workbook(zf: zipfile.ZipFile) -> Workbook:
    """The first worksheet's part (as openpyxl's ``worksheets[0]``), the shared strings and
    styles parts, and the date epoch."""
    rels: dict[str, tuple[str, str]] = {}
    if WORKBOOK_RELS in zf.NameToInfo:
        for tag, attrs, _parent in _starts(zf, WORKBOOK_RELS):
            if tag == f"{PKG_REL} Relationship" and len(rels) < MAX_SHEETS:
                rels[attrs.get("Id", "")] = (attrs.get("Type", ""), attrs.get("Target", ""))
    sheets: list[str] = []
    epoch = WINDOWS_EPOCH
    for tag, attrs, _parent in _starts(zf, WORKBOOK):
        if tag == f"{MAIN} sheet" and len(sheets) < MAX_SHEETS:
            sheets.append(attrs.get(f"{REL} id", ""))
        elif tag == f"{MAIN} workbookPr" and attrs.get("date1904", "").lower() in ("1", "true"):
            epoch = MAC_EPOCH
    sheet = None
    for rid in sheets:
        kind, target = rels.get(rid, ("", ""))
        if kind.endswith("/worksheet") and target:
            sheet = _target(WORKBOOK, target)
            break
    if sheet is None or sheet not in zf.NameToInfo:
        raise ParseError("no_sheet")
    found = {kind.rsplit("/", 1)[-1]: _target(WORKBOOK, target) for kind, target in rels.values()}
    sheet_parts = {
        _target(WORKBOOK, target) for kind, target in rels.values() if kind.endswith("/worksheet") and target
    }
    sheet_bytes = sum(zf.NameToInfo[part].file_size for part in sheet_parts if part in zf.NameToInfo)
    strings = found.get("sharedStrings")
    if strings is None and SHARED_STRINGS in zf.NameToInfo:
        strings = SHARED_STRINGS
    styles = found.get("styles")
    return Workbook(
        sheet=sheet,
        strings=strings if strings in zf.NameToInfo else None,
        styles=styles if styles in zf.NameToInfo else None,
        epoch=epoch,
        sheet_bytes=sheet_bytes,
    )


def is_date_format(code: str | None) -> bool:
    """openpyxl's ``is_date_format`` (styles/numbers.py)."""
    if code is None:
        return False
    code = _STRIP.sub("", code.split(";")[0])
    return _DATE_CHAR.search(code) is not None


def is_timedelta_format(code: str | None) -> bool:
    if code is None:
        return False
    return _TIMEDELTA.search(code.split(";")[0]) is not None


def read_styles(zf: zipfile.ZipFile, name: str | None) -> tuple[frozenset, frozenset]:
    """Indexes of the cell formats (``s`` of a cell) that show dates, and durations."""
    if name is None:
        return frozenset(), frozenset()
    custom: dict[int, str] = {}
    formats: list[int] = []
    for tag, attrs, parent in _starts(zf, name):
        try:
            if tag == f"{MAIN} numFmt" and len(custom) < MAX_STYLES:
                custom[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "")
            elif tag == f"{MAIN} xf" and parent == f"{MAIN} cellXfs" and len(formats) < MAX_STYLES:
                formats.append(int(attrs.get("numFmtId", "0")))
        except ValueError:
            raise ParseError("damaged") from None
    dates, durations = set(), set()
    for index, fmt in enumerate(formats):
        if fmt in custom:
            code = custom[fmt]
            is_date, is_duration = is_date_format(code), is_timedelta_format(code)
        else:
            is_date, is_duration = fmt in BUILTIN_DATE_FORMATS, fmt in BUILTIN_TIMEDELTA_FORMATS
        if is_date:
            dates.add(index)
        if is_duration:
            durations.add(index)
    return frozenset(dates), frozenset(durations)


# ---- shared strings ---------------------------------------------------------------------------


class StringTable:
    """The shared strings, on disk: UTF-8 text in an unlinked temporary file and the offset
    of each string in an array (4 bytes a string), read back with ``pread`` behind a cache of
    the most used ones (the few values a roster repeats: 汉族, 本科, a union code …). When all
    the text is small (``IN_MEMORY_BYTES``) it is read back into one bytes object instead."""

    IN_MEMORY_BYTES = 32 * 1024 * 1024
    CACHED_BYTES = 256

    def __init__(self, limits: Limits):
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the table
        self.fd = self.file.fileno()
        self.offsets = array.array("I" if limits.strings_bytes < 2**32 else "Q", [0])
        self.size = 0
        self.count = 0
        self.data: bytes | None = None
        self._cached = functools.lru_cache(maxsize=1 << 16)(self._read)

    def append(self, text: str) -> None:
        data = text.encode("utf-8")
        self.file.write(data)
        self.size += len(data)
        self.offsets.append(self.size)
        self.count += 1

    def __len__(self) -> int:
        return self.count

    def get(self, index: int) -> str:
        """The string at ``index`` (0 ≤ index < len). Only short strings are cached, so the
        cache stays a few megabytes even when every string is as long as a cell may be."""
        if self.offsets[index + 1] - self.offsets[index] > self.CACHED_BYTES:
            return self._read(index)
        return self._cached(index)

    def _read(self, index: int) -> str:
        start, end = self.offsets[index], self.offsets[index + 1]
        if end == start:
            return ""
        if self.data is not None:
            return self.data[start:end].decode("utf-8")
        return os.pread(self.fd, end - start, start).decode("utf-8")

    def finish(self) -> None:
        self.file.flush()
        if self.size <= self.IN_MEMORY_BYTES:
            self.data = os.pread(self.fd, self.size, 0) if self.size else b""

    def close(self) -> None:
        self.file.close()


def _expat(on_start, on_end, on_text):
    """A namespace-aware expat parser with these handlers; no document type declaration
    (no spreadsheet has one; entity tricks need one)."""
    parser = pyexpat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.buffer_size = 64 * 1024

    def no_doctype(*args):
        raise ParseError("damaged")

    parser.StartDoctypeDeclHandler = no_doctype
    parser.EntityDeclHandler = no_doctype
    parser.StartElementHandler = on_start
    parser.EndElementHandler = on_end
    parser.CharacterDataHandler = on_text
    return parser


def _feed(zf: zipfile.ZipFile, name: str, parser):
    """Feed a part to ``parser`` block by block, yielding after each block (the handlers
    collect what the caller then takes)."""
    try:
        with zf.open(name) as fh:
            while block := fh.read(FEED_BYTES):
                parser.Parse(block, False)
                yield
        parser.Parse(b"", True)
        yield
    except ParseError:
        raise
    except pyexpat.ExpatError as exc:
        # expat says "out of memory" when the address-space limit stops it.
        raise ParseError("memory" if exc.code == _NO_MEMORY else "damaged") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, NotImplementedError):
        raise ParseError("damaged") from None


_NO_MEMORY = pyexpat.errors.codes[pyexpat.errors.XML_ERROR_NO_MEMORY]
SI, T, R, RPH = f"{MAIN} si", f"{MAIN} t", f"{MAIN} r", f"{MAIN} rPh"
C, V, ROW, IS = f"{MAIN} c", f"{MAIN} v", f"{MAIN} row", f"{MAIN} is"


def read_strings(zf: zipfile.ZipFile, name: str | None, limits: Limits, sheet_bytes: int) -> StringTable:
    """Stream the shared strings part into a :class:`StringTable`, counting as it goes: no
    more than ``limits.strings``, and no more than the sheets (``sheet_bytes`` unpacked)
    could use. The text of an entry is its ``<t>`` and the ``<t>`` of its runs, phonetic runs
    (``<rPh>``) left out — openpyxl's ``Text.content``."""
    table = StringTable(limits)
    if name is None:
        return table
    usable = sheet_bytes // MIN_REFERENCE
    parts: list[str] = []
    collected = 0
    collecting = in_si = in_phonetic = False
    children = 0
    most, longest = limits.strings, limits.cell_chars

    def start(tag, attrs):
        nonlocal collecting, in_si, in_phonetic, children, collected
        if tag == SI:
            in_si, children, collected = True, 0, 0
            parts.clear()
        elif in_si:
            children += 1
            if children > MAX_CHILDREN:
                raise ParseError("damaged")
            if tag == T:
                collecting = not in_phonetic
            elif tag == RPH:
                in_phonetic = True

    def end(tag):
        nonlocal collecting, in_si, in_phonetic
        if tag == SI:
            in_si = collecting = False
            if len(table) >= most:
                raise ParseError("strings", most)
            if len(table) >= usable:
                raise ParseError("unused_strings", usable)
            # openpyxl's read_string_table removes this escape-of-an-escape.
            table.append("".join(parts).replace("x005F_", ""))
        elif tag == T:
            collecting = False
        elif tag == RPH:
            in_phonetic = False

    def text(data):
        nonlocal collected
        if collecting:
            collected += len(data)
            if collected > longest:
                raise ParseError("cell_chars", longest)
            parts.append(data)

    for _ in _feed(zf, name, _expat(start, end, text)):
        pass
    table.finish()
    return table


# ---- the sheet --------------------------------------------------------------------------------


@functools.lru_cache(maxsize=20_000)
def _column(letters: str) -> int:
    if not letters or len(letters) > 3 or not letters.isalpha() or not letters.isascii():
        raise ParseError("damaged")
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index


def _number(text: str):
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def _days_to_time(delta: datetime.timedelta) -> datetime.time:
    minutes, seconds = divmod(delta.seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return datetime.time(hours, minutes, seconds, delta.microseconds)


def from_excel(value, epoch: datetime.datetime, duration: bool):
    """openpyxl's ``from_excel`` (utils/datetime.py)."""
    if duration:
        delta = datetime.timedelta(days=value)
        if delta.microseconds:
            delta = datetime.timedelta(
                seconds=delta.total_seconds() // 1, microseconds=round(delta.microseconds, -3)
            )
        return delta
    day, fraction = divmod(value, 1)
    diff = datetime.timedelta(milliseconds=round(fraction * 86400 * 1000))
    if 0 <= value < 1 and diff.days == 0:
        return _days_to_time(diff)
    if 0 < value < 60 and epoch == WINDOWS_EPOCH:
        day += 1
    return epoch + datetime.timedelta(days=day) + diff


def from_iso(text: str):
    """openpyxl's ``from_ISO8601`` (cells of type ``d``)."""
    match = _ISO.match(text)
    if match and any(match.groups()):
        parts = {k: (v or 0) for k, v in match.groupdict().items()}
        for key in ("year", "month", "day", "hour", "minute", "second"):
            if parts[key]:
                parts[key] = int(parts[key])
        micro = int(float(parts["microsecond"]) * 1_000_000) if parts["microsecond"] else 0
        if not parts["date"]:
            return datetime.time(parts["hour"], parts["minute"], parts["second"], micro)
        if not parts["time"]:
            return datetime.date(parts["year"], parts["month"], parts["day"])
        return datetime.datetime(
            parts["year"],
            parts["month"],
            parts["day"],
            parts["hour"],
            parts["minute"],
            parts["second"],
            micro,
        )
    match = _ISO_DURATION.match(text)
    if match and any(match.groups()):
        return datetime.timedelta(**{k: float(v) for k, v in match.groupdict().items() if v})
    raise ValueError(text)


TAGGED = (datetime.datetime, datetime.date, datetime.time, datetime.timedelta)


class SheetReader:
    """Rows of a worksheet part as (row number, [value, …], [indexes of the values JSON has no
    type for]); only rows holding a value. Missing and empty cells are ``""``; trailing ones
    are left off."""

    def __init__(self, zf, workbook: Workbook, strings: StringTable, styles, limits: Limits):
        self.zf, self.workbook, self.strings, self.limits = zf, workbook, strings, limits
        self.dates, self.durations = styles
        self.cells = 0
        self.rows = 0
        self.blank_rows = 0
        self.chars = 0  # text in the rows not yet sent

    def _value(self, kind: str, style: str | None, text: str | None):
        if kind == "inlineStr":
            return text
        if not text:
            return None
        if kind == "n":
            value = _number(text)
            if style and self.dates:
                index = int(style)
                if index in self.dates:
                    try:
                        return from_excel(value, self.workbook.epoch, index in self.durations)
                    except (OverflowError, ValueError):
                        return "#VALUE!"
            return value
        if kind == "s":
            index = int(text)
            if not 0 <= index < self.strings.count:
                raise ParseError("damaged")
            return self.strings.get(index)
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return from_iso(text)
        return text  # "str" (a formula's text result), "e" (an error such as #N/A)

    def rows_of_sheet(self):
        limits, value_of = self.limits, self._value
        most_cells, most_rows, widest, longest = limits.cells, limits.rows, limits.columns, limits.cell_chars
        done: list = []  # rows completed by the last block
        row: list = []
        tagged: list = []
        parts: list[str] = []
        number = last_number = column = children = collected = 0
        kind = style = ref = None
        text = None
        in_cell = in_inline = in_phonetic = collecting = False

        def start(tag, attrs):
            nonlocal in_cell, in_inline, in_phonetic, collecting, children, collected
            nonlocal kind, style, ref, text, number, last_number, row, tagged, column
            if tag == C:
                in_cell, children, text = True, 0, None
                kind, style, ref = attrs.get("t", "n"), attrs.get("s"), attrs.get("r")
            elif in_cell:
                children += 1
                if children > MAX_CHILDREN:
                    raise ParseError("damaged")
                if tag == V:
                    collecting, collected = True, 0
                    parts.clear()
                elif tag == IS:
                    in_inline, collected = True, 0
                    parts.clear()
                elif tag == T and in_inline:
                    collecting = not in_phonetic
                elif tag == RPH:
                    in_phonetic = True
            elif tag == ROW:
                r = attrs.get("r")
                if r is None:
                    number = last_number + 1
                elif r.isdigit() and r.isascii() and len(r) <= 9:
                    number = int(r)
                else:
                    raise ParseError("damaged")
                if number <= last_number:
                    raise ParseError("damaged")  # rows out of order: no program writes that
                last_number = number
                row, tagged, column = [], [], 0

        def end(tag):
            nonlocal in_cell, in_inline, in_phonetic, collecting, text, column, row, tagged
            if tag == V:
                collecting = False
                text = "".join(parts)
            elif tag == C:
                in_cell = False
                self.cells += 1
                if self.cells > most_cells:
                    raise ParseError("cells", most_cells)
                if ref:
                    at = _column(ref.rstrip("0123456789"))
                else:
                    at = column + 1
                if at > widest:
                    raise ParseError("columns", widest)
                if at <= column:
                    raise ParseError("damaged")  # cells out of order
                column = at
                try:
                    value = value_of(kind, style, text)
                except ParseError:
                    raise
                except (ValueError, OverflowError):
                    raise ParseError("damaged") from None
                if value is not None and value != "":
                    if len(row) < at - 1:
                        row.extend([""] * (at - 1 - len(row)))
                    row.append(value)
                    if type(value) is str:
                        self.chars += len(value)
                    elif type(value) in TAGGED:
                        tagged.append(len(row) - 1)
            elif tag == ROW:
                if row:
                    self.rows += 1
                    if self.rows > most_rows:
                        raise ParseError("rows", most_rows)
                    done.append((number, row, tagged))
                    row, tagged = [], []  # a stray cell after the row must not change it
                else:
                    self.blank_rows += 1
                    if self.blank_rows > BLANK_ROWS:
                        raise ParseError("blank_rows", BLANK_ROWS)
            elif tag == IS:
                in_inline = collecting = False
                text = "".join(parts) if kind == "inlineStr" else text
            elif tag == T:
                collecting = False
            elif tag == RPH:
                in_phonetic = False

        def on_text(data):
            nonlocal collected
            if collecting:
                collected += len(data)
                if collected > longest:
                    raise ParseError("cell_chars", longest)
                parts.append(data)

        for _ in _feed(self.zf, self.workbook.sheet, _expat(start, end, on_text)):
            if done:
                yield from done
                done.clear()


# ---- the child process ------------------------------------------------------------------------


def _tag(value):
    """JSON for the values it has no type for (``json.dumps(default=…)``)."""
    if isinstance(value, datetime.datetime):
        return ["dt", value.isoformat()]
    if isinstance(value, datetime.date):
        return ["d", value.isoformat()]
    if isinstance(value, datetime.time):
        return ["t", value.isoformat()]
    if isinstance(value, datetime.timedelta):
        return ["td", value.total_seconds()]
    raise TypeError(type(value).__name__)


def frame(kind: bytes, payload) -> bytes:
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=_tag).encode("utf-8")
    return kind + struct.pack(">I", len(data)) + data


def peak_mb() -> float:
    """This process's peak resident memory since it started running this script (VmHWM: the
    usage of the parent it was forked from is not counted, unlike ``ru_maxrss``)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def _lower(which: int, soft: int, hard: int) -> None:
    """Set a resource limit, never above the one this process already has."""
    import resource

    current_soft, current_hard = resource.getrlimit(which)
    if current_hard != resource.RLIM_INFINITY:
        hard = min(hard, current_hard)
        soft = min(soft, hard)
    resource.setrlimit(which, (soft, hard))


def set_limits(limits: Limits) -> None:
    """The child's own resource limits, set before it reads anything: address space (a
    runaway read fails with MemoryError instead of growing), CPU seconds (SIGXCPU, then
    SIGKILL five seconds later), file size (the shared strings file), no core dumps, few
    open files."""
    import resource

    memory = limits.memory_mb * 1024 * 1024
    _lower(resource.RLIMIT_AS, memory, memory)
    _lower(resource.RLIMIT_CPU, limits.seconds, limits.seconds + 5)
    _lower(resource.RLIMIT_FSIZE, limits.strings_bytes + 1024 * 1024, limits.strings_bytes + 1024 * 1024)
    _lower(resource.RLIMIT_CORE, 0, 0)
    _lower(resource.RLIMIT_NOFILE, 32, 32)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead

    def out_of_time(signum, frame):
        raise ParseError("time", limits.seconds)

    signal.signal(signal.SIGXCPU, out_of_time)


def run(path: str, limits: Limits, out) -> None:
    """Read the workbook at ``path`` and write its frames to ``out`` (raises ParseError)."""
    with open_package(path) as zf:
        check_package(zf, limits)
        workbook = read_workbook(zf)
        if workbook.strings and zf.getinfo(workbook.strings).file_size > limits.strings_bytes:
            raise ParseError("strings_bytes", limits.strings_bytes)
        styles = read_styles(zf, workbook.styles)
        strings = read_strings(zf, workbook.strings, limits, sheet_bytes=workbook.sheet_bytes)
        try:
            reader = SheetReader(zf, workbook, strings, styles, limits)
            batch: list = []
            for number, row, tagged in reader.rows_of_sheet():
                batch.append([number, row, tagged])
                if len(batch) >= BATCH_ROWS or reader.chars >= BATCH_CHARS:
                    out.write(frame(b"R", batch))
                    batch = []
                    reader.chars = 0
            if batch:
                out.write(frame(b"R", batch))
            done = {"rows": reader.rows, "cells": reader.cells, "strings": len(strings), "peak_mb": peak_mb()}
            out.write(frame(b"D", done))
        finally:
            strings.close()


def main(argv: list[str]) -> int:
    path, limits = argv[1], Limits.from_json(argv[2])
    set_limits(limits)
    out = sys.stdout.buffer
    try:
        run(path, limits, out)
        out.flush()
        return 0
    except ParseError as exc:
        out.write(frame(b"E", {"code": exc.code, "limit": exc.limit}))
    except MemoryError:
        out.write(frame(b"E", {"code": "memory", "limit": limits.memory_mb}))
        out.flush()
        return EXIT_MEMORY
    except BrokenPipeError:
        return EXIT_ERROR  # the reader stopped listening: it had what it needed
    except Exception as exc:  # noqa: BLE001 - any other failure is a file we cannot read
        out.write(frame(b"E", {"code": "damaged", "detail": type(exc).__name__}))
    out.flush()
    return EXIT_ERROR


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except MemoryError:
        os._exit(EXIT_MEMORY)
    except BrokenPipeError:
        os._exit(EXIT_ERROR)
