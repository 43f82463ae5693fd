"""The coverage of the 劳模进校园 ledger as a spreadsheet (.xlsx: a sheet per city and a sheet
of schools with no visit this year; .csv: the two tables one after the other). Every text cell
goes through ``neutralise`` (a school name starting with ``=`` stays text), and .xlsx cells are
written as explicit strings, never formulas."""

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _

from gonghui.core.spreadsheets.cells import neutralise

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _city_headers() -> list[str]:
    return [_("City"), _("Visits"), _("Schools"), _("Honoured people"), _("Audience"), _("Hours")]


def _unvisited_headers() -> list[str]:
    return [_("County"), _("School"), _("Last visit"), _("Visits before")]


def _city_rows(report) -> list[list]:
    return [
        [str(c.name), c.visits, c.schools, c.people, c.audience, float(c.hours)]
        for c in [*report.cities, report.total]
    ]


def _unvisited_rows(report) -> list[list]:
    return [
        [s["county"], s["school_name"], s["last_visit"].isoformat(), s["visits"]] for s in report.unvisited
    ]


def _text(value):
    return value if isinstance(value, (int, float)) else neutralise(str(value))


def csv_bytes(report) -> bytes:
    """UTF-8 with a BOM (Excel reads the Chinese headers)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_text(h) for h in _city_headers()])
    writer.writerows([[_text(v) for v in row] for row in _city_rows(report)])
    writer.writerow([])
    writer.writerow([_("Schools with no visit in %(year)d") % {"year": report.year}])
    writer.writerow([_text(h) for h in _unvisited_headers()])
    writer.writerows([[_text(v) for v in row] for row in _unvisited_rows(report)])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def xlsx_bytes(report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheets = [
        (_("Coverage %(year)d") % {"year": report.year}, _city_headers(), _city_rows(report)),
        (_("No visit in %(year)d") % {"year": report.year}, _unvisited_headers(), _unvisited_rows(report)),
    ]
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title[:31])

        def cell(value, sheet=sheet):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return WriteOnlyCell(sheet, value=value)
            c = WriteOnlyCell(sheet, value=neutralise(str(value)))
            c.data_type = "s"  # never a formula
            return c

        sheet.append([cell(h) for h in headers])
        for row in rows:
            sheet.append([cell(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def coverage_response(report, fmt: str) -> HttpResponse:
    data = csv_bytes(report) if fmt == "csv" else xlsx_bytes(report)
    response = HttpResponse(data, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="school-visits-{report.year}.{fmt}"'
    return response
