"""Widgets shared by the pages of several apps (docs/dev/architecture.md): the province → city →
county picker of a work place, used by the join page, rights requests and suggested station
sites. Its template is ``_division_picker.html``, which refreshes the selects
through the join page's ``members:join_divisions``."""

from django.core.exceptions import ValidationError

from gonghui.core import divisions
from gonghui.core.text import clean


def provinces() -> list[dict]:
    return [row for row in divisions.children("") if row["code"].isdigit()]


class DivisionPicker:
    """The province → city → county selects for a work place, worked out from what was
    posted: a county code alone (no JS, or an old form) fills in its city and province; a
    province change drops a city that is not in it."""

    def __init__(self, *, province: str = "", city: str = "", county: str = ""):
        province, city, county = clean(province), clean(city), clean(county)
        if county and divisions.exists(county):
            chain = divisions.ancestors(county)
            # county → city → province; shorter for municipalities (district → province)
            # and for places with nothing below the province (Hong Kong, Macao).
            padded = [""] * (3 - len(chain)) + chain if len(chain) <= 3 else chain[-3:]
            county, city, province = padded
        if province and not divisions.exists(province):
            province = ""
        if city and (
            not province or divisions.get(city) is None or divisions.get(city)["parent"] != province
        ):
            city = ""
        if county and (not city or divisions.get(county) is None or divisions.get(county)["parent"] != city):
            county = ""
        self.province, self.city, self.county = province, city, county
        self.provinces = provinces()
        self.cities = divisions.children(province) if province else []
        self.counties = divisions.children(city) if city else []

    @property
    def code(self) -> str:
        """The chosen place, only once it is precise: a county, or a city or province that
        has nothing below it (Beijing's districts, Dongguan, Hong Kong)."""
        if self.county:
            return self.county
        if self.city and not self.counties:
            return self.city
        if self.province and not self.cities:
            return self.province
        return ""


def picked_division(data, *, missing, incomplete) -> str:
    """The place chosen with the province → city → county selects of a posted form (fields
    ``province``, ``city`` and ``work_division``): the picker's precise choice, or a code
    posted without the selects as typed (the service says if it is unknown). Raises
    ``division_incomplete`` (message ``incomplete``) when only a province or city is chosen and
    ``division_required`` (``missing``) when nothing is, so a form says so with its other errors."""
    code = clean(data.get("work_division", ""))
    picked = DivisionPicker(province=data.get("province", ""), city=data.get("city", ""), county=code)
    if picked.code or code:
        return picked.code or code
    if picked.city or picked.province:
        raise ValidationError(incomplete, code="division_incomplete")
    raise ValidationError(missing, code="division_required")
