"""Writing member rosters to CSV and .xlsx, streaming (docs/product.md §3.3.7).

The writers take an iterable of members and a binary file object and never hold more than one
row in memory: CSV goes straight to the file, .xlsx through openpyxl's write-only workbook
(which spools rows to a temporary file itself). The headers are the import template's, in
Chinese whatever the user's language, so an exported roster can be imported again.

Spreadsheet formula injection (CWE-1236): a cell whose text starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return would be evaluated by Excel or LibreOffice. In CSV such text
gets a leading apostrophe (shown as text, the apostrophe hidden by Excel); in .xlsx every
text cell is written with an explicit string type, which spreadsheet programs never evaluate.
"""

import csv
import io
from collections.abc import Callable, Iterable
from typing import BinaryIO

from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from gonghui.core import crypto
from gonghui.core.spreadsheets.cells import neutralise
from gonghui.members.choices import (
    ETHNICITIES,
    Education,
    EmploymentForm,
    EmploymentStatus,
    Gender,
    MembershipStatus,
    PoliticalStatus,
    SkillGrade,
)
from gonghui.members.models import Member

# (header, value of a member) — the order and wording of the import template.
HEADERS = [
    "姓名",
    "性别",
    "出生年月",
    "民族",
    "身份证号码",
    "手机号码",
    "学历",
    "政治面貌",
    "工作单位",
    "职务",
    "技能等级",
    "就业状况",
    "就业形态",
    "是否农民工",
    "会员编号",
    "入会日期",
    "会籍状态",
    "所属工会",
    "所属工会代码",
]

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_ETHNICITY = dict(ETHNICITIES)


def _labels(choices) -> dict[str, str]:
    # Labels in Chinese whatever the current language: the file is read back by the importer.
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in choices.choices}


class RowBuilder:
    """Turns a member into the list of cell texts, labels translated from the stored codes,
    personal data masked unless ``unmasked``."""

    def __init__(self, *, unmasked: bool):
        self.unmasked = unmasked
        self.gender = _labels(Gender)
        self.education = _labels(Education)
        self.political = _labels(PoliticalStatus)
        self.skill = _labels(SkillGrade)
        self.employment_status = _labels(EmploymentStatus)
        self.employment_form = _labels(EmploymentForm)
        self.status = _labels(MembershipStatus)

    def _personal(self, m: Member) -> tuple[str, str]:
        if not self.unmasked:
            return m.id_number_masked, m.phone_masked
        return crypto.decrypt(m.id_number_enc), crypto.decrypt(m.phone_enc)

    def __call__(self, m: Member) -> list[str]:
        id_number, phone = self._personal(m)
        return [
            m.name,
            self.gender.get(m.gender, m.gender),
            # Year and month only: with a masked ID number a full date would give part of it away.
            f"{m.birth_date:%Y-%m}",
            _ETHNICITY.get(m.ethnicity, m.ethnicity),
            id_number,
            phone,
            self.education.get(m.education, m.education),
            self.political.get(m.political_status, m.political_status),
            m.employer,
            m.job,
            self.skill.get(m.skill_grade, m.skill_grade),
            self.employment_status.get(m.employment_status, m.employment_status),
            self.employment_form.get(m.employment_form, m.employment_form),
            "是" if m.is_migrant_worker else "否",
            m.member_no,
            m.joined_on.isoformat(),
            self.status.get(m.status, m.status),
            m.organisation.name,
            m.organisation.code,
        ]


Progress = Callable[[int], None]


def write_csv(
    members: Iterable[Member],
    out: BinaryIO,
    *,
    unmasked: bool,
    progress: Progress | None = None,
    every: int = 2000,
) -> int:
    """Write ``members`` as UTF-8 CSV with a byte-order mark (so Excel on Chinese Windows reads
    it as UTF-8); returns the number of rows. ``progress(n)`` is called every ``every`` rows."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text)
        writer.writerow(HEADERS)
        build = RowBuilder(unmasked=unmasked)
        n = 0
        for member in members:
            writer.writerow([neutralise(cell) for cell in build(member)])
            n += 1
            if progress is not None and n % every == 0:
                progress(n)
        text.flush()
    finally:
        text.detach()  # the caller owns ``out``
    return n


def write_xlsx(
    members: Iterable[Member],
    out: BinaryIO,
    *,
    unmasked: bool,
    progress: Progress | None = None,
    every: int = 2000,
) -> int:
    """Write ``members`` as an .xlsx workbook (one sheet, write-only so memory stays flat);
    returns the number of rows. Every cell is an explicit string, never a formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("会员")
    sheet.append([_text_cell(sheet, h) for h in HEADERS])
    build = RowBuilder(unmasked=unmasked)
    n = 0
    for member in members:
        sheet.append([_text_cell(sheet, cell) for cell in build(member)])
        n += 1
        if progress is not None and n % every == 0:
            progress(n)
    workbook.save(out)
    return n


def _text_cell(sheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    # openpyxl types text starting with "=" as a formula; force a plain string.
    cell.data_type = "s"
    return cell


WRITERS = {"csv": write_csv, "xlsx": write_xlsx}
