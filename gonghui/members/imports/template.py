"""The downloadable roster template: the Chinese headers in order and one example row."""

import csv
import datetime
import io

from gonghui.members.imports import columns

EXAMPLE = {
    "name": "张三",
    "id_number": "11010519491231002X",
    "phone": "13800138000",
    "gender": "女",
    "birth_date": "1949-12-31",
    "ethnicity": "汉族",
    "education": "本科",
    "political_status": "群众",
    "employer": "某某有限公司",
    "job": "装配工",
    "skill_grade": "高级工",
    "employment_status": "在岗",
    "employment_form": "标准劳动关系",
    "is_migrant_worker": "否",
    "joined_on": "2021-03-05",
    "organisation": "",
    "card_no": "",
}


def headers() -> list[str]:
    return [columns.header_text(f) for f in columns.TEMPLATE_ORDER]


def example_row() -> list[str]:
    return [EXAMPLE[f] for f in columns.TEMPLATE_ORDER]


def as_csv() -> bytes:
    """UTF-8 with a BOM, so Excel opens the Chinese headers correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers())
    writer.writerow(example_row())
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "会员"
    ws.append(headers())
    row = example_row()
    ws.append(row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for index, name in enumerate(columns.TEMPLATE_ORDER, 1):
        letter = ws.cell(row=1, column=index).column_letter
        ws.column_dimensions[letter].width = 20 if name in {"id_number", "employer"} else 14
        # Long digit strings stay text: as numbers Excel would round an ID number.
        ws.cell(row=2, column=index).number_format = "@"
    ws.cell(row=2, column=columns.TEMPLATE_ORDER.index("joined_on") + 1).value = datetime.date(2021, 3, 5)
    ws.cell(row=2, column=columns.TEMPLATE_ORDER.index("joined_on") + 1).number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
