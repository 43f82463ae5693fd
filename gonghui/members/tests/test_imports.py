"""Bulk member import: encodings, messy values, bad files, duplicates, scope, undo, resume.
Each test checks the outcome and that nothing else changed."""

import codecs
import csv
import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import override_settings

from gonghui.core.models import AuditEntry
from gonghui.core.validators import china_today
from gonghui.members.choices import EventKind, MembershipStatus
from gonghui.members.imports import importer, normalise, template
from gonghui.members.models import ImportBatch, ImportChange, Member, MembershipEvent
from gonghui.members.services import imports as import_services
from gonghui.members.services import members as member_services
from gonghui.testing import make_id_number, make_phone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads go to a temporary MEDIA_ROOT, not the developer's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


HEADER = [
    "姓名",
    "身份证号码",
    "手机号码",
    "民族",
    "学历",
    "就业形态",
    "是否农民工",
    "入会日期",
    "所属工会代码",
]


def _id(seq, region="610113", gender="M", birth=datetime.date(1990, 5, 17)):
    return make_id_number(region, birth, gender, seq=seq)


def person(seq, org="XA-0001", **over):
    row = {
        "姓名": f"王{'一二三四五六七八九十'[seq % 10]}",
        "身份证号码": _id(seq, birth=datetime.date(1980, 1, 1) + datetime.timedelta(days=seq)),
        "手机号码": make_phone(1000 + seq),
        "民族": "汉族",
        "学历": "本科",
        "就业形态": "快递员",
        "是否农民工": "是",
        "入会日期": "2021-03-05",
        "所属工会代码": org,
    }
    row.update(over)
    return row


def write_csv(path, rows, encoding="utf-8", header=HEADER):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header] if isinstance(row, dict) else row)
    data = out.getvalue()
    if encoding == "utf-8-sig":
        raw = codecs.BOM_UTF8 + data.encode("utf-8")
    else:
        raw = data.encode(encoding)
    path.write_bytes(raw)
    return path


def write_xlsx(path, rows, header=HEADER):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append([row.get(h, "") for h in header] if isinstance(row, dict) else row)
    wb.save(path)
    return path


def run(actor, path, **kwargs):
    batch = import_services.import_start(actor=actor, file=str(path), file_name=path.name, **kwargs)
    return importer.run(batch.pk)


def snapshot():
    """Everything an import may touch, to prove that nothing else changed."""
    return (
        sorted(Member.objects.values_list("member_no", "name", "education", "employer", "import_batch_id")),
        MembershipEvent.objects.count(),
        ImportChange.objects.count(),
    )


# ---- formats and encodings ----------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_each_encoding_is_detected_and_imported(world, city_admin, tmp_path, encoding):
    path = write_csv(tmp_path / "roster.csv", [person(101), person(102, 姓名="单雪")], encoding)
    before = Member.objects.count()
    batch = run(city_admin, path)
    assert batch.status == "done", batch.message
    assert batch.encoding == encoding and batch.file_format == "csv"
    assert (batch.total, batch.processed, batch.created, batch.error_count) == (2, 2, 2, 0)
    assert Member.objects.count() == before + 2
    m = Member.objects.get(name="单雪")
    assert m.organisation == world.orgs["xian_factory"]
    assert m.import_batch_id == batch.pk and m.status == MembershipStatus.MEMBER
    assert m.member_no.startswith("61011321") and m.employment_form == "courier" and m.is_migrant_worker
    assert m.education == "bachelor" and m.joined_on == datetime.date(2021, 3, 5)
    assert m.phone_masked == "139****1102" and m.name_pinyin
    assert list(m.events.values_list("kind", flat=True)) == [EventKind.JOINED]
    assert ImportChange.objects.get(member=m).created is True
    actions = set(AuditEntry.objects.filter(object_id=str(batch.pk)).values_list("action", flat=True))
    assert actions == {"members.import.started", "members.import.finished"}


def test_xlsx_with_excel_dates_and_numbers_is_imported(city_admin, tmp_path):
    rows = [
        person(111, 入会日期=datetime.datetime(2020, 6, 1), 手机号码=13912345678),
        person(112, 入会日期=44260),  # an Excel serial: 2021-03-05
    ]
    batch = run(city_admin, write_xlsx(tmp_path / "roster.xlsx", rows))
    assert batch.status == "done", batch.errors
    assert batch.file_format == "xlsx" and batch.created == 2
    dates = set(Member.objects.filter(import_batch=batch).values_list("joined_on", flat=True))
    assert dates == {datetime.date(2020, 6, 1), datetime.date(2021, 3, 5)}


def _as_openpyxl_reads(path):
    """(row number, values) as openpyxl 3.1.5 reads the first sheet in read-only, data-only
    mode — what the importer used before the .xlsx parser ran in a child process — with
    None as "", trailing empty cells and empty rows left out, as the parser gives them."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    out = []
    for number, row in enumerate(workbook.worksheets[0].iter_rows(values_only=True), 1):
        values = ["" if v is None else v for v in row]
        while values and values[-1] == "":
            values.pop()
        if values:
            out.append((number, values))
    workbook.close()
    return out


def _to_shared_strings(path):
    """The workbook as Excel writes it: openpyxl writes text as inline strings, Excel and WPS
    as shared strings (a separate part the cells point into)."""
    import re

    inline = re.compile(
        rb'<c ([^>]*?)t="inlineStr"([^>]*)><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>'
    )
    strings: list[bytes] = []

    def shared(match):
        strings.append(match.group(3))
        return b'<c %st="s"%s><v>%d</v></c>' % (match.group(1), match.group(2), len(strings) - 1)

    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = inline.sub(shared, data)
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
                )
            elif info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                    b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            dst.writestr(info, data)
        dst.writestr(
            "xl/sharedStrings.xml",
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + b"".join(b'<si><t xml:space="preserve">%s</t></si>' % text for text in strings)
            + b"</sst>",
        )
    path.write_bytes(out.getvalue())
    assert strings


@pytest.mark.parametrize("mode", ["inline_strings", "shared_strings", "write_only", "epoch_1904"])
def test_the_xlsx_parser_reads_what_openpyxl_reads(tmp_path, mode):
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    from gonghui.core.spreadsheets import reader

    path = tmp_path / f"{mode}.xlsx"
    values = [
        ["姓名", "身份证号码", "数", "日期", "时间", "布尔"],
        [
            "欧阳娜",
            "61011319900101123X",
            1.5,
            datetime.datetime(2021, 3, 5, 8, 30),
            datetime.time(9, 15),
            True,
        ],
        ["  空格 ", "", -3, datetime.date(1990, 5, 17), None, False],
        [None, None, None, None, None, None],
        ["=1+1", 10**15, 44260, "#N/A", "x005F_x000D_", "ok"],
        ["第三列后", None, None, None, None, "跳过列"],
    ]
    if mode == "write_only":
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet()
        for row in values:
            sheet.append(row)
    else:
        workbook = openpyxl.Workbook()
        if mode == "epoch_1904":
            workbook.epoch = CALENDAR_MAC_1904
        sheet = workbook.active
        for row in values:
            sheet.append(row)
        sheet["B9"] = CellRichText(["普通", TextBlock(InlineFont(b=True), "加粗")])
        sheet["C9"] = datetime.datetime(2020, 2, 29)
        sheet["C9"].number_format = 'yyyy"年"m"月"d"日"'
        sheet["D9"] = 0.5
        sheet["D9"].number_format = "[h]:mm:ss"
        sheet["AZ12"] = "远处的格"
    workbook.save(path)
    if mode == "shared_strings":
        _to_shared_strings(path)
    assert list(reader.rows(reader.detect(str(path)))) == _as_openpyxl_reads(path)


def test_messy_values_are_normalised(city_admin, tmp_path):
    full_width_id = _id(121, gender="F").translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    lower_x = next(_id(s, gender="F").lower() for s in range(122, 400) if _id(s, gender="F").endswith("X"))
    rows = [
        person(121, 姓名="  欧阳　娜 ", 身份证号码=f" {full_width_id} ", 手机号码="+86 139-0000-1234",
               入会日期="2021年3月5日", 学历=" 大专 ", 民族="回", 是否农民工="否", 就业形态="外卖骑手"),
        person(122, 身份证号码=lower_x, 手机号码="139 0000 5678", 入会日期="20210305", 学历="硕士"),
        person(123, 入会日期="2021/3/5", 是否农民工="Y", 学历="Bachelor"),
    ]  # fmt: skip
    batch = run(city_admin, write_csv(tmp_path / "messy.csv", rows))
    assert batch.errors == [] and batch.created == 3
    a = Member.objects.get(import_batch=batch, education="college")
    assert a.name == "欧阳娜" and a.ethnicity == "03" and not a.is_migrant_worker  # padding space gone
    assert a.employment_form == "food_delivery" and a.phone_masked == "139****1234"
    assert {m.joined_on for m in Member.objects.filter(import_batch=batch)} == {datetime.date(2021, 3, 5)}
    assert Member.objects.filter(import_batch=batch, id_number_masked__endswith="X").exists()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2021-3-5", datetime.date(2021, 3, 5)),
        ("2021.03.05", datetime.date(2021, 3, 5)),
        ("２０２１年３月５日", datetime.date(2021, 3, 5)),
        ("2021-03-05 00:00:00", datetime.date(2021, 3, 5)),
        (44260.0, datetime.date(2021, 3, 5)),
        ("", None),
    ],
)
def test_dates_in_every_usual_form(raw, expected):
    assert normalise.date(raw) == expected


def test_choice_labels_and_codes_map_to_codes():
    assert normalise.choice("political_status", "中共党员") == "cpc"
    assert normalise.choice("employment_status", "退休") == "retired"
    assert normalise.choice("skill_grade", "高级技师") == "senior_technician"
    assert normalise.choice("employment_form", "ride_hailing") == "ride_hailing"
    assert normalise.choice("ethnicity", "1") == "01"
    with pytest.raises(ValidationError):
        normalise.choice("education", "幼儿园")


def test_row_errors_name_row_and_column_and_other_rows_still_import(city_admin, tmp_path):
    bad_check = _id(131)[:-1] + ("0" if _id(131)[-1] != "0" else "1")
    rows = [
        person(132),
        person(131, 身份证号码=bad_check),
        person(133, 手机号码="12345"),
        person(134, 学历="幼儿园", 入会日期="2099-01-01"),
        person(135, 姓名=""),
    ]
    before = snapshot()
    batch = run(city_admin, write_csv(tmp_path / "errors.csv", rows))
    assert batch.status == "done" and batch.created == 1 and batch.error_count == 5
    cells = [(e["row"], e["column"]) for e in batch.errors]
    assert cells == [(3, "身份证号码"), (4, "手机号码"), (5, "学历"), (5, "入会日期"), (6, "姓名")]
    assert Member.objects.count() == len(before[0]) + 1


def test_names_that_are_not_names_and_children_are_row_errors(city_admin, tmp_path):
    today = china_today()
    child = _id(136, birth=datetime.date(today.year - 15, today.month, min(today.day, 28)))
    rows = [
        person(137, 姓名="买买提•艾力"),
        person(138, 姓名="=cmd|' /C calc'!A0"),
        person(139, 姓名="<b>x</b>"),
        person(140, 姓名="张三1"),
        person(136, 身份证号码=child),
    ]
    before = snapshot()
    batch = run(city_admin, write_csv(tmp_path / "names.csv", rows))
    assert batch.status == "done" and batch.created == 1
    assert Member.objects.get(import_batch=batch).name == "买买提·艾力"
    cells = [(e["row"], e["column"]) for e in batch.errors]
    assert cells == [(3, "姓名"), (4, "姓名"), (5, "姓名"), (6, "身份证号码")]
    assert "16" in batch.errors[-1]["message"]
    assert Member.objects.count() == len(before[0]) + 1


def test_a_formula_stored_as_text_in_a_workbook_is_not_a_name(city_admin, tmp_path):
    path = write_xlsx(tmp_path / "formula.xlsx", [person(146)])
    wb = openpyxl.load_workbook(path)
    cell = wb.active["A2"]
    cell.value, cell.data_type = "=cmd|' /C calc'!A0", "s"
    wb.save(path)
    before = snapshot()
    batch = run(city_admin, path)
    assert batch.created == 0 and [(e["row"], e["column"]) for e in batch.errors] == [(2, "姓名")]
    assert snapshot() == before


# ---- whole-file failures -----------------------------------------------------------------


def _xlsx_bytes(tmp_path):
    return write_xlsx(tmp_path / "ok.xlsx", [person(141)]).read_bytes()


def _bad_file(tmp_path, kind):
    path = tmp_path / "bad.xlsx"
    if kind == "truncated":
        data = _xlsx_bytes(tmp_path)
        path.write_bytes(data[: len(data) // 2])
    elif kind == "encrypted":
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000)
    elif kind == "junk":
        path.write_bytes(bytes(range(256)) * 20)
    elif kind == "no_header":
        path = write_csv(tmp_path / "bad.csv", [["a", "b"]], header=["foo", "bar"])
    elif kind == "missing_id":
        path = write_csv(tmp_path / "bad.csv", [["张三", "139"]], header=["姓名", "手机号码"])
    elif kind == "empty":
        path.write_bytes(b"")
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            zf.writestr("hello.txt", "hi")
        path.write_bytes(buffer.getvalue())
    return path


def stored_files(settings):
    """Every file under MEDIA_ROOT (uploads are stored there while they wait)."""
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def assert_refused_and_nothing_written(settings, before, call, code, words):
    """``call`` raises the ValidationError of a refused upload, and nothing was written: no
    batch, no audit entry, no stored file, no member."""
    audits = AuditEntry.objects.count()
    with override_settings(LANGUAGE_CODE="en"), pytest.raises(ValidationError) as caught:
        call()
    assert caught.value.code == code
    assert words.lower() in caught.value.messages[0].lower()
    assert not ImportBatch.objects.exists() and AuditEntry.objects.count() == audits
    assert stored_files(settings) == [] and snapshot() == before


@pytest.mark.parametrize(
    ("kind", "code", "words"),
    [
        ("truncated", "damaged", "damaged"),
        ("encrypted", "encrypted_or_xls", "password"),
        ("junk", "not_a_table", "not a CSV"),
        ("empty", "empty", "empty"),
        ("not_workbook_zip", "not_a_table", "not an Excel"),
    ],
)
def test_files_known_bad_at_upload_are_refused_and_nothing_is_written(
    city_admin, tmp_path, settings, kind, code, words
):
    path = _bad_file(tmp_path, kind)
    assert_refused_and_nothing_written(
        settings,
        snapshot(),
        lambda: import_services.import_start(actor=city_admin, file=str(path), file_name=path.name),
        code,
        words,
    )


@pytest.mark.parametrize(("kind", "code_words"), [("no_header", "header"), ("missing_id", "身份证号码")])
def test_files_bad_inside_fail_the_batch_with_a_clear_message_and_write_nothing(
    city_admin, tmp_path, kind, code_words
):
    path = _bad_file(tmp_path, kind)
    before = snapshot()
    with override_settings(LANGUAGE_CODE="en"):
        batch = run(city_admin, path)
    assert batch.status == "failed"
    assert code_words.lower() in batch.message.lower()
    assert batch.errors[0]["message"] == batch.message and batch.created == 0
    assert snapshot() == before


def test_oversized_file_is_refused_before_anything_is_stored(city_admin, tmp_path, settings):
    path = write_csv(tmp_path / "big.csv", [person(150 + i) for i in range(5)])
    with override_settings(GONGHUI_IMPORT_MAX_BYTES=100):
        assert_refused_and_nothing_written(
            settings,
            snapshot(),
            lambda: import_services.import_start(actor=city_admin, file=str(path), file_name="big.csv"),
            "file_too_large",
            "larger than",
        )


def test_too_many_rows_fail_and_write_nothing(city_admin, tmp_path):
    path = write_csv(tmp_path / "rows.csv", [person(160 + i) for i in range(3)])
    before = snapshot()
    with override_settings(GONGHUI_IMPORT_MAX_ROWS=2):
        batch = run(city_admin, path)
    assert batch.status == "failed" and snapshot() == before


def test_a_file_in_no_known_encoding_is_refused_at_upload(city_admin, tmp_path, settings):
    path = tmp_path / "mixed.csv"
    good = write_csv(tmp_path / "a.csv", [person(170)]).read_bytes()
    path.write_bytes(good + ("王五," + _id(171) + "\n").encode("gb18030") * 1 + b"\xff\xfe\xfa\n" * 100000)
    assert_refused_and_nothing_written(
        settings,
        snapshot(),
        lambda: import_services.import_start(actor=city_admin, file=str(path), file_name="m.csv"),
        "encoding",
        "encoding",
    )


def test_mixed_encoding_after_the_first_part_fails_the_batch_whole(city_admin, tmp_path):
    # The first 256 KB are clean UTF-8, so the upload is accepted; the bad bytes further on
    # are found while reading, and nothing is imported.
    path = tmp_path / "mixed.csv"
    rows = [person(3000 + i) for i in range(3300)]
    good = write_csv(tmp_path / "a.csv", rows).read_bytes()
    assert len(good) > 256 * 1024
    path.write_bytes(good + "王五,x\n".encode("gb18030"))
    before = snapshot()
    with override_settings(LANGUAGE_CODE="en"):
        batch = run(city_admin, path)
    assert batch.status == "failed" and "mixes text encodings" in batch.message and snapshot() == before


# ---- duplicates ----------------------------------------------------------------------------


def test_same_id_twice_in_the_file_is_a_row_error(city_admin, tmp_path):
    rows = [person(180), person(181), person(180, 姓名="李四")]
    batch = run(city_admin, write_csv(tmp_path / "dup.csv", rows))
    assert batch.created == 2
    assert batch.errors == [
        {"row": 4, "column": "身份证号码", "message": batch.errors[0]["message"]},
    ]
    assert "2" in batch.errors[0]["message"]


def test_same_id_across_chunks_is_a_row_error(city_admin, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_ROWS", 2)
    rows = [person(182), person(183), person(184), person(182, 姓名="李四")]
    for dry_run in (True, False):
        batch = run(city_admin, write_csv(tmp_path / "dup.csv", rows), dry_run=dry_run)
        assert batch.created == 3 and [e["row"] for e in batch.errors] == [5]


def _existing(world):
    return member_services.member_create(
        actor=None,
        organisation=world.orgs["xian_factory"],
        name="赵六",
        id_number=person(190)["身份证号码"],
        employer="",
        education="junior",
        joined_on=datetime.date(2019, 1, 1),
    )


def test_duplicates_skip_leaves_the_member_alone(world, city_admin, tmp_path):
    existing = _existing(world)
    rows = [person(190, 姓名="赵六改", 学历="硕士"), person(191)]
    batch = run(city_admin, write_csv(tmp_path / "d.csv", rows), duplicates="skip")
    existing.refresh_from_db()
    assert (batch.created, batch.skipped, batch.updated) == (1, 1, 0)
    assert existing.name == "赵六" and existing.education == "junior" and existing.import_batch_id is None


def test_duplicates_update_overwrites_and_undo_restores(world, city_admin, tmp_path):
    existing = _existing(world)
    rows = [person(190, 姓名="赵六改", 学历="硕士", 工作单位="新单位"), person(192)]
    header = [*HEADER, "工作单位"]
    batch = run(city_admin, write_csv(tmp_path / "d.csv", rows, header=header), duplicates="update")
    existing.refresh_from_db()
    assert (batch.created, batch.updated, batch.skipped) == (1, 1, 0)
    assert (existing.name, existing.education, existing.employer) == ("赵六改", "master", "新单位")
    assert existing.import_batch_id == batch.pk and existing.member_no.startswith("61011319")
    change = ImportChange.objects.get(batch=batch, member=existing)
    assert change.before["name"] == "赵六" and change.before["education"] == "junior" and change.row == 2
    import_services.import_undo(actor=city_admin, batch=batch)
    existing.refresh_from_db()
    assert (existing.name, existing.education, existing.employer) == ("赵六", "junior", "")
    assert existing.import_batch_id is None
    assert not Member.objects.filter(import_batch=batch).exists()


def test_duplicates_fill_sets_only_empty_fields(world, city_admin, tmp_path):
    existing = _existing(world)
    header = [*HEADER, "工作单位"]
    rows = [person(190, 姓名="赵六改", 学历="硕士", 工作单位="新单位")]
    batch = run(city_admin, write_csv(tmp_path / "d.csv", rows, header=header), duplicates="fill")
    existing.refresh_from_db()
    assert batch.updated == 1
    assert (existing.name, existing.education, existing.employer) == ("赵六", "junior", "新单位")


def test_update_of_a_member_outside_scope_is_refused_per_row(world, city_admin, tmp_path):
    baoji_worker = world.members["baoji_worker"]
    header = [*HEADER, "工作单位"]
    rows = [
        person(2, 身份证号码=make_id_number("610302", datetime.date(1992, 7, 1), "F", seq=2), 工作单位="X")
    ]
    batch = run(city_admin, write_csv(tmp_path / "d.csv", rows, header=header), duplicates="update")
    baoji_worker.refresh_from_db()
    assert batch.updated == 0 and batch.error_count == 1 and baoji_worker.employer == ""


# ---- scope ---------------------------------------------------------------------------------


def test_rows_naming_a_union_outside_scope_or_unknown_are_errors_with_the_same_text(
    world, city_admin, tmp_path
):
    rows = [person(200, 所属工会代码="BJ-0001"), person(201, 所属工会代码="NOPE-1"), person(202)]
    batch = run(city_admin, write_csv(tmp_path / "s.csv", rows))
    assert batch.created == 1
    assert [(e["row"], e["column"]) for e in batch.errors] == [(2, "所属工会代码"), (3, "所属工会代码")]
    assert batch.errors[0]["message"] == batch.errors[1]["message"]
    assert not Member.objects.filter(organisation=world.orgs["baoji_factory"], import_batch=batch).exists()


def test_default_union_outside_scope_is_404_and_nothing_is_created(sibling_city_admin, tmp_path):
    path = write_csv(tmp_path / "s.csv", [person(210, 所属工会代码="")])
    with pytest.raises(Http404):
        import_services.import_start(
            actor=sibling_city_admin, file=str(path), file_name="s.csv", organisation="XA-0001"
        )
    assert not ImportBatch.objects.exists()


def test_rows_without_a_union_use_the_default(world, city_admin, tmp_path):
    path = write_csv(tmp_path / "s.csv", [person(211, 所属工会代码="")])
    batch = run(city_admin, path, organisation="XA-0002")
    assert Member.objects.get(import_batch=batch).organisation == world.orgs["yanta_joint"]


def test_viewer_may_not_import(city_viewer, tmp_path):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_services.import_start(
            actor=city_viewer,
            file=str(write_csv(tmp_path / "v.csv", [person(212)])),
            file_name="v",
        )


# ---- dry run -------------------------------------------------------------------------------


def test_dry_run_writes_nothing_then_import_for_real(world, city_admin, tmp_path):
    _existing(world)
    rows = [person(220), person(221), person(190), person(222, 手机号码="1")]
    before = snapshot()
    preview = run(city_admin, write_csv(tmp_path / "p.csv", rows), dry_run=True)
    assert preview.status == "done" and preview.dry_run
    assert (preview.created, preview.skipped, preview.error_count) == (2, 1, 1)
    assert snapshot() == before
    batch = import_services.import_confirm(actor=city_admin, batch=preview)
    batch = importer.run(batch.pk)
    assert (batch.created, batch.skipped, batch.error_count, batch.dry_run) == (2, 1, 1, False)
    assert Member.objects.filter(import_batch=batch).count() == 2


# ---- undo, resume, rollback ----------------------------------------------------------------


def test_undo_removes_created_members_and_is_audited(city_admin, sibling_city_admin, tmp_path):
    before = snapshot()
    batch = run(city_admin, write_csv(tmp_path / "u.csv", [person(230), person(231)]))
    assert Member.objects.filter(import_batch=batch).count() == 2
    with pytest.raises(Http404):
        import_services.import_undo(actor=sibling_city_admin, batch=batch)
    batch = import_services.import_undo(actor=city_admin, batch=batch)
    assert batch.status == "undone" and snapshot() == before
    entry = AuditEntry.objects.get(action="members.import.undone", object_id=str(batch.pk))
    assert entry.changes["removed"] == [None, 2]
    with pytest.raises(ValidationError):
        import_services.import_undo(actor=city_admin, batch=batch)


def test_undo_is_refused_when_a_created_member_changed_since(city_admin, tmp_path):
    batch = run(city_admin, write_csv(tmp_path / "u.csv", [person(240), person(241)]))
    member = Member.objects.filter(import_batch=batch).order_by("member_no").first()
    member_services.member_change_status(actor=city_admin, member=member, to_status="retained", reason="退休")
    count = Member.objects.count()
    with pytest.raises(ValidationError) as exc:
        import_services.import_undo(actor=city_admin, batch=batch)
    assert member.member_no in str(exc.value) and exc.value.code == "changed_since"
    batch.refresh_from_db()
    assert batch.status == "done" and Member.objects.count() == count


class Killed(BaseException):
    """Stands for the process being killed (not an ordinary error the importer catches)."""


def _kill_after(monkeypatch, chunks):
    real = importer.Importer.commit_chunk
    calls = {"n": 0}

    def commit_chunk(self, parsed):
        calls["n"] += 1
        if calls["n"] > chunks:
            raise Killed
        return real(self, parsed)

    monkeypatch.setattr(importer.Importer, "commit_chunk", commit_chunk)
    return real


def test_a_killed_import_resumes_without_duplicates(city_admin, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_ROWS", 2)
    path = write_csv(tmp_path / "k.csv", [person(250 + i) for i in range(5)])
    batch = import_services.import_start(actor=city_admin, file=str(path), file_name="k.csv")
    real = _kill_after(monkeypatch, 1)
    with pytest.raises(Killed):
        importer.run(batch.pk)
    batch.refresh_from_db()
    assert batch.status == "running" and batch.checkpoint_row == 3 and batch.created == 2
    with pytest.raises(ValidationError):  # still fresh: it might be running elsewhere
        import_services.import_resume(actor=city_admin, batch=batch)
    monkeypatch.setattr(importer, "is_stale", lambda batch, **kwargs: True)  # as after a minute
    monkeypatch.setattr(importer.Importer, "commit_chunk", real)
    import_services.import_resume(actor=city_admin, batch=batch)
    batch = importer.run(batch.pk)
    assert (batch.status, batch.processed, batch.created, batch.error_count) == ("done", 5, 5, 0)
    assert Member.objects.filter(import_batch=batch).count() == 5
    assert ImportChange.objects.filter(batch=batch).count() == 5


def test_a_killed_import_can_be_rolled_back(city_admin, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_ROWS", 2)
    before = snapshot()
    path = write_csv(tmp_path / "k.csv", [person(260 + i) for i in range(5)])
    batch = import_services.import_start(actor=city_admin, file=str(path), file_name="k.csv")
    _kill_after(monkeypatch, 2)
    with pytest.raises(Killed):
        importer.run(batch.pk)
    monkeypatch.setattr(importer, "is_stale", lambda batch, **kwargs: True)  # as after a minute
    batch.refresh_from_db()
    assert batch.created == 4
    batch = import_services.import_rollback(actor=city_admin, batch=batch)
    assert batch.status == "undone" and snapshot() == before


# ---- template, task, command ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_template_imports_cleanly(city_admin, tmp_path, fmt):
    path = tmp_path / f"template.{fmt}"
    path.write_bytes(template.as_xlsx() if fmt == "xlsx" else template.as_csv())
    batch = run(city_admin, path, organisation="XA-0001")
    assert batch.status == "done" and batch.errors == [] and batch.created == 1
    m = Member.objects.get(import_batch=batch)
    assert (m.name, m.gender, m.skill_grade, m.joined_on) == (
        "张三",
        "F",
        "senior",
        datetime.date(2021, 3, 5),
    )


def test_the_task_runs_the_import_after_commit(city_admin, tmp_path, django_capture_on_commit_callbacks):
    path = write_csv(tmp_path / "t.csv", [person(270)])
    with django_capture_on_commit_callbacks(execute=True):
        batch = import_services.import_start(actor=city_admin, file=str(path), file_name="t.csv")
    batch.refresh_from_db()
    assert batch.status == "done" and batch.created == 1


def test_import_members_command(world, tmp_path):
    from django.core.management import call_command

    path = write_csv(tmp_path / "c.csv", [person(280), person(281)])
    out = io.StringIO()
    call_command("import_members", str(path), "--user", "xian", stdout=out)
    assert "done" in out.getvalue() and Member.objects.filter(import_batch__isnull=False).count() == 2


def test_subtree_counters_stay_consistent_after_import_update_and_undo(world, city_admin, tmp_path):
    from gonghui.members import counters

    _existing(world)
    header = [*HEADER, "工作单位"]
    rows = [person(290), person(291, 就业形态="网约车司机"), person(190, 就业形态="快递员", 工作单位="X")]
    batch = run(city_admin, write_csv(tmp_path / "c.csv", rows, header=header), duplicates="update")
    assert (batch.created, batch.updated) == (2, 1)
    assert counters.check_all() == []
    import_services.import_undo(actor=city_admin, batch=batch)
    assert counters.check_all() == []


def test_the_apps_own_chinese_labels_import_back():
    from gonghui.members.imports import normalise

    maps = normalise._maps()
    assert maps["education"][normalise._squash("高中/中专/技校")] == "senior"
    assert maps["education"][normalise._squash("大学专科")] == "college"
    assert maps["employment_form"][normalise._squash("网约送餐员")] == "food_delivery"


def test_a_runner_that_was_rolled_back_under_it_stops_and_writes_nothing_more(
    city_admin, tmp_path, monkeypatch
):
    monkeypatch.setattr(importer, "CHUNK_ROWS", 2)
    before = snapshot()
    path = write_csv(tmp_path / "r.csv", [person(270 + i) for i in range(6)])
    batch = import_services.import_start(actor=city_admin, file=str(path), file_name="r.csv")
    real = importer.Importer.commit_chunk
    calls = {"n": 0}

    def commit_chunk(self, parsed):
        calls["n"] += 1
        if calls["n"] == 2:  # someone rolls the batch back while this runner is between chunks
            monkeypatch.setattr(importer, "is_stale", lambda batch, **kwargs: True)
            import_services.import_rollback(actor=city_admin, batch=ImportBatch.objects.get(pk=batch.pk))
        return real(self, parsed)

    monkeypatch.setattr(importer.Importer, "commit_chunk", commit_chunk)
    batch = importer.run(batch.pk)
    assert batch.status == "undone"
    assert snapshot() == before


def test_the_stored_roster_is_deleted_after_a_real_import(
    city_admin, tmp_path, django_capture_on_commit_callbacks
):
    from pathlib import Path

    path = write_csv(tmp_path / "d.csv", [person(280)])
    with django_capture_on_commit_callbacks(execute=True):
        batch = import_services.import_start(actor=city_admin, file=str(path), file_name="d.csv")
        stored = Path(batch.file_path)
        assert stored.is_file()
        batch = importer.run(batch.pk)
    batch.refresh_from_db()
    # Deleted at once, or by the clean-up that each import start queues (which also clears
    # file_path; Path("") would be the current directory).
    assert batch.status == "done" and not stored.exists()


def test_an_id_number_in_the_wrong_column_is_masked_in_the_error():
    from gonghui.members.imports import normalise

    assert "610113199001011097" not in normalise.shown("610113199001011097")
    assert normalise.shown("2021-03-05x") == "2021-03-05x"


def test_a_large_import_refreshes_the_planner_statistics(city_admin, tmp_path, monkeypatch):
    calls = []
    real = importer.analyze_member_tables
    monkeypatch.setattr(importer, "ANALYZE_AFTER_ROWS", 2)
    monkeypatch.setattr(importer, "analyze_member_tables", lambda: calls.append("analyze"))
    path = write_csv(tmp_path / "a.csv", [person(300 + i) for i in range(3)])
    preview = import_services.import_start(actor=city_admin, file=str(path), file_name="a.csv", dry_run=True)
    importer.run(preview.pk)
    assert calls == []  # a preview writes no members
    batch = import_services.import_start(actor=city_admin, file=str(path), file_name="a.csv")
    assert importer.run(batch.pk).created == 3 and calls == ["analyze"]
    real()  # runs on either database (a no-op on SQLite)
