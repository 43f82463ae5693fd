"""Hostile roster files: zip bombs, shared-strings bombs, over-long lines, a million columns,
binary garbage, bad encodings, empty files and files over the size limit.

For each: the answer (400 with the reason when it is known at upload, a failed batch naming the
limit otherwise), that nothing was written (no batch, audit entry or stored file for a refused
upload; no member for a failed read), and that memory stayed bounded — measured as the peak
RSS growth of a fresh subprocess that reads the file as the import task does (never wall
time). Every file is generated here, small on disk, in well under a second each.
"""

import io
import json
import os
import random
import subprocess
import sys
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.core.models import AuditEntry
from gonghui.core.spreadsheets import reader, sandbox, xlsxparse
from gonghui.members.models import ImportBatch, Member, MembershipEvent
from gonghui.testing import api_for

pytestmark = pytest.mark.django_db

GROWTH_LIMIT_MB = 100  # peak RSS growth of the reading process, whatever the file

# ---- generating the files ----------------------------------------------------------------------

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RELS_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types '
    'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships '
    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} {RELS_NS}><sheets>'
    '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships '
    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)


def workbook(path: Path, sheet_data, strings: bytes | None = None) -> Path:
    """A minimal .xlsx (what Excel needs to open it) with this ``<sheetData>`` content (bytes,
    or an iterable of byte blocks, written as they come) and, when given, this shared strings
    part (the whole XML)."""
    blocks = [sheet_data] if isinstance(sheet_data, bytes) else sheet_data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>'.encode())
            for block in blocks:
                fh.write(block)
            fh.write(b"</sheetData></worksheet>")
        if strings is not None:
            zf.writestr("xl/sharedStrings.xml", strings)
    return path


def shared_strings(count: int, *, announce: bool) -> bytes:
    """``count`` different short strings, the shape of the audit's bomb (8.56 M of them)."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><sst {NS}'
    if announce:
        head += f' count="{count}" uniqueCount="{count}"'
    body = b"".join(b"<si><t>%x</t></si>" % i for i in range(count))
    return head.encode() + b">" + body + b"</sst>"


STRINGS = 1_500_000  # enough for the old reader to grow by ~200 MB


def make_files(folder: Path) -> dict[str, Path]:
    files = {}
    # A zip bomb: one part of 200 MB of spaces, packed over two hundred to one.
    spaces = b" " * (1024 * 1024)
    files["zip_bomb"] = workbook(folder / "zip_bomb.xlsx", (spaces for _ in range(200)))
    # Shared-strings bombs: 1.5 M strings that a tiny sheet never uses, with and without the
    # count in the part's header (the count lets the upload be refused at once).
    sheet = b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    strings = shared_strings(STRINGS, announce=False)
    files["strings_bomb"] = workbook(
        folder / "strings_bomb.xlsx", sheet, shared_strings(STRINGS, announce=True)
    )
    files["strings_bomb_uncounted"] = workbook(folder / "strings_bomb_uncounted.xlsx", sheet, strings)
    # The same strings with a sheet big enough to use them all (1.5 M cells): only a packing
    # ratio far over the limit lets it through (the test raises the limit), and reading it
    # must still keep the strings out of memory.
    row = b"<row>" + b'<c t="s"><v>7</v></c>' * 10 + b"</row>"
    files["strings_flood"] = workbook(folder / "strings_flood.xlsx", row * (STRINGS // 10), strings)
    # A million columns: one row of a million cells (different values, so it packs like data).
    million = b"<row>" + b"".join(b"<c><v>%d</v></c>" % i for i in range(1_000_000)) + b"</row>"
    files["million_columns_xlsx"] = workbook(folder / "million_columns.xlsx", million)
    files["million_columns_csv"] = folder / "million_columns.csv"
    files["million_columns_csv"].write_bytes(b"," * 1_000_000 + b"\n")
    # Over-long lines: one physical line of 2 MB, and one record of 2.5 MB spread over half a
    # million short lines inside quotes.
    files["long_line"] = folder / "long_line.csv"
    files["long_line"].write_bytes("姓名,身份证号码\n".encode() + b"a" * (2 * 1024 * 1024) + b"\n")
    files["long_record"] = folder / "long_record.csv"
    files["long_record"].write_bytes("姓名,身份证号码\n".encode() + b'"a\n",' * 500_000 + b"\n")
    files["garbage"] = folder / "garbage.xlsx"
    files["garbage"].write_bytes(random.Random(12).randbytes(64 * 1024))
    files["utf16"] = folder / "utf16.csv"
    files["utf16"].write_bytes("姓名,身份证号码\n王五,610113199001011234\n".encode("utf-16"))
    files["unknown_encoding"] = folder / "unknown.csv"
    files["unknown_encoding"].write_bytes(b"name,\xff\xff\n" * 1000)  # neither UTF-8 nor GB18030
    files["empty"] = folder / "empty.csv"
    files["empty"].write_bytes(b"")
    files["too_large"] = folder / "too_large.csv"
    files["too_large"].write_bytes("姓名,身份证号码\n".encode() + b"x,y\n" * 2000)
    return files


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, Path]:
    return make_files(tmp_path_factory.mktemp("hostile"))


# What each file gets: (settings for the test, HTTP status, code, words of the message).
# 400 = refused at upload; 201 = accepted, then the batch fails while reading.
CASES = {
    "zip_bomb": ({}, 400, "zip_bomb", "zip bomb"),
    "strings_bomb": ({}, 400, "zip_bomb", "shared strings"),
    "strings_bomb_uncounted": ({}, 201, "zip_bomb", "shared strings"),
    "strings_flood": ({"GONGHUI_IMPORT_MAX_PACKING_RATIO": 100_000}, 201, "no_header", "header"),
    "million_columns_xlsx": ({}, 201, "not_a_table", "200 columns"),
    "million_columns_csv": ({}, 201, "not_a_table", "200 columns"),
    "long_line": ({}, 201, "not_a_table", "far too long"),
    "long_record": ({}, 201, "not_a_table", "far too long"),
    "garbage": ({}, 400, "not_a_table", "not a CSV or Excel"),
    "utf16": ({}, 400, "encoding", "UTF-16"),
    "unknown_encoding": ({}, 400, "encoding", "encoding"),
    "empty": ({}, 400, "empty", "empty"),
    "too_large": ({"GONGHUI_IMPORT_MAX_BYTES": 1024}, 400, "file_too_large", "larger than"),
}


# ---- answers and nothing written ---------------------------------------------------------------


def _stored(root) -> list[str]:
    root = Path(root)
    return [str(p) for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GONGHUI_IMPORT_PARSER_LOCK_DIR = str(tmp_path / "locks")
    settings.LANGUAGE_CODE = "en"


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_upload_gets_a_clear_answer_and_writes_nothing(
    world, hostile, settings, name, django_capture_on_commit_callbacks
):
    overrides, status, code, words = CASES[name]
    for key, value in overrides.items():
        setattr(settings, key, value)
    api = api_for("xian", language="en")
    members, events, audits = (
        Member.objects.count(),
        MembershipEvent.objects.count(),
        AuditEntry.objects.count(),
    )
    path = hostile[name]
    with open(path, "rb") as fh, django_capture_on_commit_callbacks(execute=True):
        r = api.post("/api/v1/members/imports", {"file": SimpleUploadedFile(path.name, fh.read())})
    assert r.status_code == status, r.content
    if status == 400:
        assert r.json()["code"] == code and words.lower() in r.json()["detail"].lower(), r.json()
        assert not ImportBatch.objects.exists() and AuditEntry.objects.count() == audits
        assert _stored(settings.MEDIA_ROOT) == []
    else:
        batch = ImportBatch.objects.get(pk=r.json()["id"])
        assert batch.status == "failed", (batch.status, batch.message)
        assert words.lower() in batch.message.lower(), batch.message
        assert batch.errors == [{"row": 0, "column": "", "message": batch.message}]
        assert batch.created == batch.updated == 0
    assert (Member.objects.count(), MembershipEvent.objects.count()) == (members, events)


# ---- bounded memory ---------------------------------------------------------------------------

MEASURE = r"""
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"
import django
django.setup()
from django.test import override_settings
from gonghui.core.spreadsheets import reader
from gonghui.members.imports import importer

def kb(key):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key):
                return int(line.split()[1])

out = {}
for name, path, overrides in json.loads(sys.argv[1]):
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")  # the peak RSS (VmHWM) starts again from the current RSS
    base = kb("VmRSS:")
    with override_settings(**overrides):
        try:
            importer.scan(reader.detect(path), has_default_org=True)
            code = "read"
        except reader.FileError as exc:
            code = exc.code
    out[name] = {
        "code": code,
        "growth_mb": (kb("VmHWM:") - base) / 1024,
    }
print(json.dumps(out))
"""


def _measure(jobs: list) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, json.dumps(jobs)],
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


# Read in a process of their own: what the old reader unpacked into memory. The others are
# refused from their first bytes or read line by line, and share one process (the peak is
# reset between them).
ALONE = ("zip_bomb", "strings_bomb", "strings_bomb_uncounted", "strings_flood", "million_columns_xlsx")


@pytest.fixture(scope="module")
def measured(hostile, tmp_path_factory) -> dict:
    """Each file read in a fresh subprocess, as the import task reads it (detect, then the
    header scan through the rows): the peak RSS growth of that process."""
    locks = str(tmp_path_factory.mktemp("locks"))

    def job(name):
        return [name, str(hostile[name]), {"GONGHUI_IMPORT_PARSER_LOCK_DIR": locks, **CASES[name][0]}]

    groups = [[job(name)] for name in ALONE] + [[job(name) for name in CASES if name not in ALONE]]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = {}
        for part in pool.map(_measure, groups):
            results.update(part)
    return results


@pytest.mark.parametrize("name", list(CASES))
def test_reading_a_hostile_file_keeps_memory_bounded(measured, name):
    result = measured[name]
    assert result["code"] == CASES[name][2], result
    assert result["growth_mb"] < GROWTH_LIMIT_MB, result


def test_a_parser_child_reading_1_5_million_strings_and_cells_stays_small(hostile, settings):
    """The child's own peak (VmHWM after exec: the parent's pages it was forked with are not
    counted, unlike ``ru_maxrss``) while it reads every string and every cell of the flood."""
    stats: dict = {}
    limits = reader.parse_limits()
    limits.ratio = 100_000
    rows = sandbox.xlsx_rows(
        str(hostile["strings_flood"]),
        limits,
        lock_folder=settings.GONGHUI_IMPORT_PARSER_LOCK_DIR,
        slots=1,
        wait_seconds=30,
        stats=stats,
    )
    assert sum(1 for _ in rows) == STRINGS // 10
    assert stats["strings"] == STRINGS and stats["cells"] == STRINGS
    assert 0 < stats["peak_mb"] < GROWTH_LIMIT_MB, stats


# ---- limits the child enforces ------------------------------------------------------------------


def _read_all(path):
    return list(reader.rows(reader.detect(str(path))))


def test_a_parser_out_of_memory_is_stopped_and_the_message_names_the_limit(hostile, settings):
    settings.GONGHUI_IMPORT_PARSER_MEMORY_MB = 1  # less than the child already uses
    with pytest.raises(reader.FileError) as caught:
        _read_all(hostile["strings_bomb_uncounted"])
    assert caught.value.code == "too_much_memory" and "1 MB of memory" in caught.value.message


def test_a_parser_over_its_time_is_stopped_and_the_message_names_the_limit(hostile, settings):
    settings.GONGHUI_IMPORT_PARSE_SECONDS = 1  # 1.5 M strings and cells take several
    settings.GONGHUI_IMPORT_MAX_PACKING_RATIO = 100_000
    with pytest.raises(reader.FileError) as caught:
        _read_all(hostile["strings_flood"])
    assert caught.value.code == "too_slow" and "1 seconds" in caught.value.message


def test_the_shared_strings_and_cells_limits_name_themselves(hostile, settings):
    settings.GONGHUI_IMPORT_MAX_PACKING_RATIO = 100_000
    settings.GONGHUI_IMPORT_MAX_SHARED_STRINGS = 1000
    with pytest.raises(reader.FileError) as caught:
        _read_all(hostile["strings_flood"])
    assert caught.value.code == "too_many_strings" and "1,000 shared strings" in caught.value.message
    settings.GONGHUI_IMPORT_MAX_SHARED_STRINGS = 10_000_000
    settings.GONGHUI_IMPORT_MAX_CELLS = 5000
    with pytest.raises(reader.FileError) as caught:
        _read_all(hostile["strings_flood"])
    assert caught.value.code == "too_many_cells" and "5,000 cells" in caught.value.message


def test_a_zip_with_a_huge_directory_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "entries.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/workbook.xml", WORKBOOK)
        for i in range(xlsxparse.MAX_ENTRIES + 1):
            zf.writestr(f"x/{i}", b"")
    with pytest.raises(reader.FileError) as caught:
        reader.detect(str(path))
    assert caught.value.code == "not_a_table"


def test_a_document_type_declaration_is_refused(tmp_path):
    sheet = b'<row r="1"><c r="A1" t="inlineStr"><is><t>&a;</t></is></c></row>'
    path = workbook(tmp_path / "dtd.xlsx", sheet)
    data = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(data, "w") as out:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"?>", b'?><!DOCTYPE worksheet [<!ENTITY a "lol">]>', 1)
            out.writestr(info, body)
    path.write_bytes(data.getvalue())
    with pytest.raises(reader.FileError) as caught:
        _read_all(path)
    assert caught.value.code == "damaged"


# ---- several at once ----------------------------------------------------------------------------

ONE_CELL = '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>'.encode()
HOLD = r"""
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.read()
"""


def test_parsers_are_capped_machine_wide_and_a_reader_waits_then_says_busy(tmp_path, settings):
    """Two slots: one held by another process, one by this one; a third read waits its
    time, then fails naming the cap; once a slot frees, reading works again."""
    settings.GONGHUI_IMPORT_PARSERS = 2
    settings.GONGHUI_IMPORT_PARSER_WAIT_SECONDS = 0
    folder = Path(settings.GONGHUI_IMPORT_PARSER_LOCK_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(folder / "slot-0")], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    path = workbook(tmp_path / "ok.xlsx", ONE_CELL)
    try:
        assert other.stdout.readline().strip() == b"held"
        with sandbox.slot(folder=str(folder), slots=2, wait_seconds=0):
            with pytest.raises(reader.FileError) as caught:
                _read_all(path)
            assert caught.value.code == "busy" and caught.value.message.startswith("2 spreadsheets")
        assert _read_all(path) == [(1, ["姓名"])]  # slot 1 is free again
    finally:
        other.stdin.close()
        other.wait(timeout=10)
    assert _read_all(path) == [(1, ["姓名"])]


def test_a_reader_waiting_for_a_slot_gets_it_when_one_frees(tmp_path, settings):
    settings.GONGHUI_IMPORT_PARSERS = 1
    settings.GONGHUI_IMPORT_PARSER_WAIT_SECONDS = 30
    folder = settings.GONGHUI_IMPORT_PARSER_LOCK_DIR
    path = workbook(tmp_path / "ok.xlsx", ONE_CELL)
    release, held = threading.Event(), threading.Event()

    def hold():
        with sandbox.slot(folder=folder, slots=1, wait_seconds=0):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(10)  # the only slot is taken before the reader asks for it
    try:
        threading.Timer(0.3, release.set).start()
        assert _read_all(path) == [(1, ["姓名"])]
    finally:
        release.set()
        holder.join()


@pytest.mark.parametrize(
    ("how", "code"), [("lzma", "damaged"), ("bzip2", "damaged"), ("encrypted", "encrypted_or_xls")]
)
def test_parts_packed_otherwise_than_spreadsheets_are_refused_before_unpacking(tmp_path, how, code):
    path = tmp_path / f"{how}.xlsx"
    method = {"lzma": zipfile.ZIP_LZMA, "bzip2": zipfile.ZIP_BZIP2}.get(how, zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(path, "w", method) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("xl/workbook.xml", WORKBOOK)
    if how == "encrypted":  # what a password-protected zip says of its parts (zipfile cannot write one)
        data = bytearray(path.read_bytes())
        for signature, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            at = data.find(signature)
            while at >= 0:
                data[at + flags] |= 0x1
                at = data.find(signature, at + 4)
        path.write_bytes(bytes(data))
    with pytest.raises(reader.FileError) as caught:
        reader.detect(str(path))
    assert caught.value.code == code


def test_a_lock_folder_others_may_write_is_refused(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    os.chmod(folder, 0o777)  # as someone else could have made it first in /tmp
    with pytest.raises(PermissionError), sandbox.slot(folder=str(folder), slots=1, wait_seconds=0):
        pass
