"""Reading a spreadsheet (a member roster, a station sheet) as a stream of rows, whatever its
format and encoding.

The format is detected from the content, never from the file name: ``PK`` (a zip) is an
``.xlsx`` workbook, ``D0 CF 11 E0`` (an OLE2 compound file) is what Excel writes for a
password-protected workbook or an old ``.xls``, anything else is tried as CSV in UTF-8
(with or without a BOM) and then GB18030, by decoding a prefix.

:func:`detect` is the cheap check done before an upload is accepted: size, emptiness,
format, encoding and, for a workbook, everything its zip directory tells (see
``xlsxparse.check_package``). :func:`rows` then streams the rows: CSV in this process (the csv
module over a decoding text stream, each record bounded), .xlsx in a child process with hard
limits (``sandbox``), so memory stays flat whatever the file.

Limits (settings, read with defaults; docs/ops/uploads.md explains each):
``GONGHUI_IMPORT_MAX_BYTES`` (200 MB), ``GONGHUI_IMPORT_MAX_ROWS`` (2,000,000 data rows),
``GONGHUI_IMPORT_MAX_CELLS``, ``GONGHUI_IMPORT_MAX_SHARED_STRINGS``,
``GONGHUI_IMPORT_MAX_SHARED_STRINGS_MB``, ``GONGHUI_IMPORT_MAX_UNPACKED_MB``,
``GONGHUI_IMPORT_MAX_PACKING_RATIO``, ``GONGHUI_IMPORT_PARSER_MEMORY_MB``,
``GONGHUI_IMPORT_PARSE_SECONDS``, ``GONGHUI_IMPORT_PARSERS``,
``GONGHUI_IMPORT_PARSER_WAIT_SECONDS`` and ``GONGHUI_IMPORT_PARSER_LOCK_DIR``.
"""

import codecs
import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from gonghui.core.spreadsheets import sandbox, xlsxparse

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 200 * MB
DEFAULT_MAX_ROWS = 2_000_000
# Sized for the largest roster (2,000,000 rows). Measured on a 15-column roster: as Excel
# writes it, 3.8 shared strings (116 bytes of their XML) and 665 unpacked bytes a row; as
# openpyxl's write-only mode writes it (so this app's 19-column export), 940 bytes a row and no
# shared strings. Hence 30-38 M cells, 7.7 M strings and up to 2.4 GB unpacked.
DEFAULTS = {
    "GONGHUI_IMPORT_MAX_CELLS": 60_000_000,
    "GONGHUI_IMPORT_MAX_SHARED_STRINGS": 10_000_000,
    "GONGHUI_IMPORT_MAX_SHARED_STRINGS_MB": 512,
    "GONGHUI_IMPORT_MAX_UNPACKED_MB": 3072,
    "GONGHUI_IMPORT_MAX_PACKING_RATIO": 100,
    "GONGHUI_IMPORT_PARSER_MEMORY_MB": 256,
    "GONGHUI_IMPORT_PARSE_SECONDS": 600,
    "GONGHUI_IMPORT_PARSERS": 2,
    "GONGHUI_IMPORT_PARSER_WAIT_SECONDS": 120,
}
_PREFIX = 256 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Rows above the header that a template may carry (a title line, a note).
HEADER_SEARCH_ROWS = 10

csv.field_size_limit(1024 * 1024)  # one cell; a record is bounded below


class FileError(Exception):
    """The whole file cannot be imported; ``message`` is for the user, ``code`` for machines."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def max_bytes() -> int:
    return int(getattr(settings, "GONGHUI_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "GONGHUI_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def _setting(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


def parse_limits(rows: int | None = None) -> xlsxparse.Limits:
    """What reading one workbook may cost (``rows``: data rows, the importer's by default)."""
    return xlsxparse.Limits(
        rows=(rows or max_rows()) + HEADER_SEARCH_ROWS,
        cells=_setting("GONGHUI_IMPORT_MAX_CELLS"),
        strings=_setting("GONGHUI_IMPORT_MAX_SHARED_STRINGS"),
        strings_bytes=_setting("GONGHUI_IMPORT_MAX_SHARED_STRINGS_MB") * MB,
        unpacked=_setting("GONGHUI_IMPORT_MAX_UNPACKED_MB") * MB,
        ratio=_setting("GONGHUI_IMPORT_MAX_PACKING_RATIO"),
        columns=MAX_COLUMNS,
        cell_chars=MAX_CELL_CHARS,
        memory_mb=_setting("GONGHUI_IMPORT_PARSER_MEMORY_MB"),
        seconds=_setting("GONGHUI_IMPORT_PARSE_SECONDS"),
    )


def too_big_error() -> FileError:
    return FileError(
        _("The file is larger than %(mb)s MB; split it into smaller files.")
        % {"mb": f"{max_bytes() / (1024 * 1024):g}"},
        "file_too_large",
    )


def too_many_rows_error() -> FileError:
    return FileError(
        _("The file has more than %(n)s rows; split it into smaller files.") % {"n": f"{max_rows():,}"},
        "too_many_rows",
    )


@dataclass
class Source:
    """A detected file: its format (``xlsx`` or ``csv``) and, for CSV, its encoding."""

    path: str
    format: str
    encoding: str = ""
    info: dict = field(default_factory=dict)


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data:
        return True
    controls = sum(1 for b in data if b < 32 and b not in (9, 10, 13))
    return bool(data) and controls / len(data) > 0.01


def _detect_encoding(prefix: bytes, complete: bool) -> str:
    if prefix.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            # A prefix may end inside a multi-byte character: final only for the whole file.
            decoder.decode(prefix, final=complete)
        except UnicodeDecodeError:
            continue
        return encoding
    raise FileError(
        _("The text encoding of the file is not recognised; save it as CSV UTF-8 or as an Excel workbook."),
        "encoding",
    )


def detect(path: str) -> Source:
    """Format and encoding of the file at ``path``, and for a workbook the checks of its zip
    directory — all that can be known without reading the file through; raises
    :class:`FileError`. Cheap: done before an upload is accepted."""
    size = os.path.getsize(path)
    if size > max_bytes():
        raise too_big_error()
    if size == 0:
        raise FileError(_("The file is empty."), "empty")
    with open(path, "rb") as fh:
        prefix = fh.read(_PREFIX)
    if prefix.startswith(_OLE2_MAGIC[:4]):
        raise FileError(
            _(
                "The file is password-protected or an old Excel 97-2003 (.xls) workbook; remove the "
                "password and save it as .xlsx or CSV."
            ),
            "encrypted_or_xls",
        )
    if prefix.startswith((_ZIP_MAGIC, b"PK\x05\x06", b"PK\x07\x08")):
        _check_package(path)
        return Source(path=path, format="xlsx")
    if prefix.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # (before the binary test, which its NUL bytes would fail)
        raise FileError(
            _("The file is saved as UTF-16; save it as CSV UTF-8 or as an Excel workbook."), "encoding"
        )
    if _looks_binary(prefix[:8192]):
        raise FileError(_("This is not a CSV or Excel (.xlsx) file."), "not_a_table")
    return Source(path=path, format="csv", encoding=_detect_encoding(prefix, complete=size <= _PREFIX))


MAX_COLUMNS = 200
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
# One CSV record (a physical line, or several when a quoted field holds line breaks): far
# more than any roster row, far less than would hurt (a 200 MB line would otherwise become
# a list of millions of cells).
MAX_LINE_CHARS = 1024 * 1024
BLANK_ROWS = xlsxparse.BLANK_ROWS


def _too_wide() -> FileError:
    return FileError(
        _("A row has more than %(n)d columns; this is not a roster.") % {"n": MAX_COLUMNS}, "not_a_table"
    )


def _too_long() -> FileError:
    return FileError(_("A line of the file is far too long; this is not a roster."), "not_a_table")


def _too_many_blank_rows() -> FileError:
    return FileError(
        _("The file has more than %(n)s empty rows; delete them and save the file again.")
        % {"n": f"{BLANK_ROWS:,}"},
        "too_many_blank_rows",
    )


def _csv_rows(source: Source) -> Iterator[tuple[int, list]]:
    pending = 0  # characters of the record being read

    def lines(text) -> Iterator[str]:
        nonlocal pending
        while True:
            line = text.readline(MAX_LINE_CHARS + 1)
            if not line:
                return
            pending += len(line)
            if pending > MAX_LINE_CHARS:
                raise _too_long()
            yield line

    blank = 0
    with open(source.path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding=source.encoding, errors="strict", newline="")
        try:
            for number, row in enumerate(csv.reader(lines(text)), 1):
                pending = 0
                if len(row) > MAX_COLUMNS:
                    raise _too_wide()
                if is_blank(row):
                    blank += 1
                    if blank > BLANK_ROWS:
                        raise _too_many_blank_rows()
                    continue
                yield number, row
        except UnicodeDecodeError:
            raise FileError(
                _("The file mixes text encodings (it is not all %(encoding)s); save it again as CSV UTF-8.")
                % {"encoding": source.encoding.upper().replace("-SIG", "")},
                "encoding",
            ) from None
        except csv.Error as exc:
            raise FileError(_("The CSV file is malformed: %(error)s") % {"error": exc}, "malformed") from None


def _bad_xlsx() -> FileError:
    return FileError(
        _("The Excel file is damaged or incomplete (it may have been cut off while uploading)."), "damaged"
    )


def _mb(limit) -> str:
    return f"{(limit or 0) / MB:g}"


def _refused(code: str, limit) -> FileError:
    """The message for a workbook the parser refused, naming the limit that was hit."""
    n = f"{limit:,}" if isinstance(limit, int) else ""
    if code == "rows":
        return too_many_rows_error()
    if code == "columns":
        return _too_wide()
    if code == "blank_rows":
        return _too_many_blank_rows()
    known = {
        "strings": (
            _("The workbook has more than %(n)s shared strings (the limit); split it into smaller files."),
            "too_many_strings",
        ),
        "strings_bytes": (
            _(
                "The workbook's shared strings unpack to more than %(mb)s MB (the limit); split it into smaller files."
            ),
            "strings_too_large",
        ),
        "unpacked": (
            _("The Excel file unpacks to more than %(mb)s MB (the limit); split it into smaller files."),
            "unpacks_too_large",
        ),
        "ratio": (
            _(
                "The Excel file is packed more than %(n)s to 1 (the limit), as no roster is: it is a zip bomb "
                "or damaged."
            ),
            "zip_bomb",
        ),
        "unused_strings": (
            _(
                "The workbook holds more shared strings than its sheets could use (at most %(n)s): it is "
                "a zip bomb or damaged."
            ),
            "zip_bomb",
        ),
        "cells": (
            _("The sheet has more than %(n)s cells (the limit); split it into smaller files."),
            "too_many_cells",
        ),
        "cell_chars": (
            _("A cell holds more than %(n)s characters (Excel's own limit); this is not a roster."),
            "not_a_table",
        ),
        "memory": (
            _(
                "Reading the file needed more than %(mb)s MB of memory (the limit); split it into smaller files."
            ),
            "too_much_memory",
        ),
        "time": (
            _("Reading the file took more than %(n)s seconds (the limit); split it into smaller files."),
            "too_slow",
        ),
        "busy": (
            _(
                "%(n)s spreadsheets are being read already (the limit at one time); try again in a few "
                "minutes."
            ),
            "busy",
        ),
        "encrypted": (_("The file is password-protected."), "encrypted_or_xls"),
        "not_workbook": (
            _("This zip file is not an Excel workbook; save the roster as .xlsx or CSV."),
            "not_a_table",
        ),
        "no_sheet": (_("The workbook has no sheet."), "no_header"),
    }
    if code not in known:
        return _bad_xlsx()
    message, out_code = known[code]
    if code == "memory":
        limit = (limit or 0) * MB
    return FileError(message % {"n": n, "mb": _mb(limit)}, out_code)


def _check_package(path: str) -> None:
    """The zip-directory checks of ``xlsxparse.check_package``, in this process: only the
    directory and the first bytes of the shared strings are read."""
    try:
        with xlsxparse.open_package(path) as zf:
            xlsxparse.check_package(zf, parse_limits())
    except xlsxparse.ParseError as exc:
        raise _refused(exc.code, exc.limit) from None


def _xlsx_rows(source: Source, rows: int | None) -> Iterator[tuple[int, list]]:
    lock_folder = getattr(settings, "GONGHUI_IMPORT_PARSER_LOCK_DIR", "") or sandbox.default_lock_folder()
    try:
        yield from sandbox.xlsx_rows(
            source.path,
            parse_limits(rows),
            lock_folder=lock_folder,
            slots=_setting("GONGHUI_IMPORT_PARSERS"),
            wait_seconds=_setting("GONGHUI_IMPORT_PARSER_WAIT_SECONDS"),
        )
    except sandbox.Refused as exc:
        raise _refused(exc.code, exc.limit) from None


def rows(source: Source, *, max_rows: int | None = None) -> Iterator[tuple[int, list]]:
    """(row number, cell values) of every row of the file holding a value, numbered from 1
    like the spreadsheet (a CSV record counts one row even across line breaks); values are
    str for CSV and str, int, float, bool, date, datetime or time for xlsx, ``""`` for empty
    cells. ``max_rows`` (the importer's by default) bounds what the .xlsx parser accepts; the
    caller counts data rows exactly. Raises :class:`FileError` while iterating."""
    if source.format == "xlsx":
        return _xlsx_rows(source, max_rows)
    return _csv_rows(source)


def is_blank(row: list) -> bool:
    return all((v == "" or v is None or (isinstance(v, str) and not v.strip())) for v in row)
