"""Builders of import files for the import/export tests."""

import csv
import io

from openpyxl import Workbook

from gonghui.stations.services import importing

HEADERS = importing.template_headers()


def row(**overrides) -> dict:
    """A valid row (Chinese headers) of a station in 雁塔区 owned by 雁塔区总工会 (610113)."""
    base = {
        "名称": "雁塔区测试驿站",
        "承建单位": "测试银行网点",
        "所属工会代码": "610113",
        "行政区划代码": "610113",
        "地址": "陕西省西安市雁塔区小寨东路1号",
        "纬度": "34.2236",
        "经度": "108.9475",
        "坐标系": "WGS84",
        "开放时间": "周一至周五 08:30-17:30；周六 09:00-16:00",
        "设施": "座椅、饮用水、微波炉",
        "星级": "标准",
        "状态": "开放",
        "电话": "029-85260000",
        "六有": "有标识、有场所",
        "最近核实日期": "2026-01-05",
    }
    base.update(overrides)
    return base


def spread(n: int, **overrides) -> list[dict]:
    """``n`` valid rows about 300 m apart with different names."""
    return [
        row(**{"名称": f"雁塔区测试驿站{i}", "纬度": f"{34.20 + i * 0.003:.6f}", **overrides})
        for i in range(n)
    ]


def csv_bytes(rows: list[dict], *, encoding: str = "utf-8", headers: list[str] | None = None) -> bytes:
    headers = headers or HEADERS
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for r in rows:
        writer.writerow([r.get(h, "") for h in headers])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict], *, headers: list[str] | None = None) -> bytes:
    headers = headers or HEADERS
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h, "") for h in headers])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write(tmp_path, data: bytes, name: str = "stations.csv") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)
