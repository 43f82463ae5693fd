"""Reading a roster file as a stream of rows, whatever its format and encoding.

The format is detected from the content, never from the file name: ``PK`` (a zip) is an
``.xlsx`` workbook, ``D0 CF 11 E0`` (an OLE2 compound file) is what Excel writes for a
password-protected workbook or an old ``.xls``, anything else is tried as CSV in UTF-8
(with or without a BOM) and then GB18030, by decoding a prefix. Rows are produced one at a
time (the csv module over a decoding text stream, openpyxl in read-only mode), so memory
stays flat whatever the file size.

Limits (settings, read with defaults): ``GONGHUI_IMPORT_MAX_BYTES`` (200 MB) and
``GONGHUI_IMPORT_MAX_ROWS`` (2,000,000 data rows).
"""

import codecs
import csv
import io
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_ROWS = 2_000_000
_PREFIX = 256 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Rows above the header that a template may carry (a title line, a note).
HEADER_SEARCH_ROWS = 10

csv.field_size_limit(1024 * 1024)


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
    if prefix.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileError(
            _("The file is saved as UTF-16; save it as CSV UTF-8 or as an Excel workbook."), "encoding"
        )
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
    """Format and encoding of the file at ``path``; raises :class:`FileError`."""
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
        return Source(path=path, format="xlsx")
    if _looks_binary(prefix[:8192]):
        raise FileError(_("This is not a CSV or Excel (.xlsx) file."), "not_a_table")
    return Source(path=path, format="csv", encoding=_detect_encoding(prefix, complete=size <= _PREFIX))


def _clean_cell(value):
    if value is None:
        return ""
    return value


MAX_LINE_CHARS = 1024 * 1024


def _bounded_lines(text) -> Iterator[str]:
    """Physical lines, refusing one longer than any roster row could be (a single line of
    200 MB would otherwise become a list of millions of cells)."""
    while True:
        line = text.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        if len(line) > MAX_LINE_CHARS:
            raise FileError(_("A line of the file is far too long; this is not a roster."), "not_a_table")
        yield line


def _csv_rows(source: Source) -> Iterator[list]:
    with open(source.path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding=source.encoding, errors="strict", newline="")
        try:
            for row in csv.reader(_bounded_lines(text)):
                if len(row) > MAX_COLUMNS:
                    raise _too_wide()
                yield row
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


# A real roster packs about 5:1 and unpacks to a few times its size; openpyxl keeps every
# shared string in memory even in read-only mode, so a small file of repeated strings (a zip
# bomb) could exhaust a worker. Refuse such files before anything is unpacked.
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 200 * 1024 * 1024
MAX_PACKING_RATIO = 100
MAX_COLUMNS = 200


def _check_unpacked_sizes(zf: zipfile.ZipFile) -> None:
    total = 0
    for info in zf.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        too_dense = info.file_size > 1024 * 1024 and ratio > MAX_PACKING_RATIO
        too_many_strings = (
            info.filename == "xl/sharedStrings.xml" and info.file_size > MAX_SHARED_STRINGS_BYTES
        )
        if too_dense or too_many_strings or total > MAX_UNPACKED_BYTES:
            raise FileError(
                _(
                    "The Excel file unpacks to far more data than a roster holds; save it again as .xlsx or CSV."
                ),
                "too_big",
            )


def _too_wide() -> FileError:
    return FileError(
        _("A row has more than %(n)d columns; this is not a roster.") % {"n": MAX_COLUMNS}, "not_a_table"
    )


def _open_workbook(path: str):
    import openpyxl  # only when needed: importing it costs ~0.2 s

    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "xl/workbook.xml" not in names:
                if "EncryptedPackage" in names:
                    raise FileError(_("The file is password-protected."), "encrypted_or_xls")
                raise FileError(
                    _("This zip file is not an Excel workbook; save the roster as .xlsx or CSV."),
                    "not_a_table",
                )
            _check_unpacked_sizes(zf)
            if zf.testzip() is not None:
                raise _bad_xlsx()
        # A file object, not the path: openpyxl refuses paths without an .xlsx extension
        # and uploads are stored under the batch id.
        handle = open(path, "rb")  # noqa: SIM115 - closed with the workbook
        try:
            return openpyxl.load_workbook(handle, read_only=True, data_only=True), handle
        except BaseException:
            handle.close()
            raise
    except FileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, KeyError, ValueError):
        raise _bad_xlsx() from None
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on broken XML
        raise _bad_xlsx() from None


def _xlsx_rows(source: Source) -> Iterator[list]:
    workbook, handle = _open_workbook(source.path)
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise FileError(_("The workbook has no sheet."), "no_header")
        try:
            for row in sheet.iter_rows(values_only=True):
                if len(row) > MAX_COLUMNS:
                    raise _too_wide()
                yield [_clean_cell(v) for v in row]
        except FileError:
            raise
        except Exception:  # noqa: BLE001 - a damaged sheet part
            raise _bad_xlsx() from None
    finally:
        workbook.close()
        handle.close()


def rows(source: Source) -> Iterator[list]:
    """Every row of the file as a list of cell values (str for CSV; str, number, date or
    datetime for xlsx), numbered by the caller from 1 like the spreadsheet."""
    if source.format == "xlsx":
        return _xlsx_rows(source)
    return _csv_rows(source)


def is_blank(row: list) -> bool:
    return all((v == "" or v is None or (isinstance(v, str) and not v.strip())) for v in row)
