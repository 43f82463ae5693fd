"""Forms of the station pages: find the nearest station (public), the keeper's phone forms
(status, weekly hours, exceptions, photos) and the officers' station form. The forms only
shape input; every rule and every write is in ``gonghui.stations.services.registry``."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core import inputs
from gonghui.core.forms import Form
from gonghui.organisations import scoping
from gonghui.organisations.forms import UnionField
from gonghui.stations.choices import Crs, Facility, SixHas, Status, Tier

WEEKDAYS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]


class StatusForm(Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    note = forms.CharField(
        label=_("Note for workers"),
        required=False,
        max_length=200,
        help_text=_("Why it is closed, when it reopens … (shown on the station page)"),
    )


class HoursForm(Form):
    """The weekly hours, one row per weekday (one interval a day), or the whole week as text
    (several intervals a day): the button pressed posts ``mode`` ``days`` or ``text``."""

    always_open = forms.BooleanField(label=_("Open 24 hours, every day"), required=False)
    text = forms.CharField(
        label=_("Or write the hours"),
        required=False,
        max_length=300,
        help_text=_("e.g. 周一至周五 08:30-12:00, 周一至周五 14:00-18:00"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for day, name in enumerate(WEEKDAYS):
            self.fields[f"closed_{day}"] = forms.BooleanField(label=_("day off"), required=False)
            self.fields[f"opens_{day}"] = forms.TimeField(
                label=name, required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
            )
            self.fields[f"closes_{day}"] = forms.TimeField(
                label=name, required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
            )

    @classmethod
    def initial_for(cls, station, text: str) -> dict:
        initial: dict = {"always_open": station.always_open, "text": text}
        by_day: dict[int, list] = {}
        for h in station.hours.all():
            by_day.setdefault(h.weekday, []).append(h)
        for day in range(7):
            intervals = by_day.get(day, [])
            if intervals:
                initial[f"opens_{day}"] = intervals[0].opens
                initial[f"closes_{day}"] = intervals[0].closes
            else:
                initial[f"closed_{day}"] = not station.always_open
        return initial

    @property
    def text_mode(self) -> bool:
        return self.data.get("mode") == "text"

    def clean(self):
        data = super().clean()
        if not self.text_mode and not data.get("always_open"):
            data["intervals"] = self.intervals()
        return data

    def hours(self) -> dict:
        """What ``registry.hours_set`` takes: the text, or open 24 hours, or the day rows."""
        data = self.cleaned_data
        if self.text_mode:
            return {"text": data["text"]}
        if data["always_open"]:
            return {"always_open": True}
        return {"intervals": data["intervals"]}

    def rows(self):
        """(weekday name, closed, opens, closes) bound fields, for the per-day table."""
        return [
            (name, self[f"closed_{day}"], self[f"opens_{day}"], self[f"closes_{day}"])
            for day, name in enumerate(WEEKDAYS)
        ]

    def intervals(self) -> list[tuple[int, datetime.time, datetime.time]]:
        """The per-day rows as (weekday, opens, closes); errors go next to the row."""
        out = []
        for day in range(7):
            if self.cleaned_data.get(f"closed_{day}"):
                continue
            opens, closes = self.cleaned_data.get(f"opens_{day}"), self.cleaned_data.get(f"closes_{day}")
            if opens is None and closes is None:
                continue
            if opens is None or closes is None:
                self.add_error(
                    f"opens_{day}", _("Give the opening and closing time, or mark the day closed.")
                )
                continue
            out.append((day, opens, closes))
        return out


class ExceptionForm(Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    closed = forms.BooleanField(label=_("Closed all day"), required=False, initial=True)
    opens = forms.TimeField(label=_("Opens"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    closes = forms.TimeField(
        label=_("Closes"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=120)

    def clean(self):
        data = super().clean()
        if data.get("date"):
            # a special day is for today or later (on this page; history is not rewritten)
            inputs.date(data["date"], "date", earliest=timezone.localdate())
        return data


class PhotoForm(Form):
    photo = forms.FileField(
        label=_("Photo"),
        help_text=_("JPEG or PNG, at most 5 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"}),
    )


class UnionFilterForm(Form):
    """The union filter of the officers' station list (empty: every station in scope)."""

    union = UnionField(label=_("Union"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].user = user


class StationForm(Form):
    """Every registry field of a station (officers). ``organisation`` (a union code) only when
    creating; the keeper is a username of someone holding a role in the owning union's subtree."""

    organisation = UnionField(
        label=_("Owning union"), required=False, action=scoping.Action.MANAGE_STATIONS, as_code=True
    )
    name = forms.CharField(label=_("Name"), max_length=80)
    host_unit = forms.CharField(label=_("Host unit"), max_length=120, required=False)
    address = forms.CharField(label=_("Address"), max_length=200)
    division_code = forms.CharField(
        label=_("District code (GB/T 2260)"), max_length=6, help_text=_("e.g. 610113")
    )
    lat = forms.CharField(label=_("Latitude"), max_length=32)
    lng = forms.CharField(label=_("Longitude"), max_length=32)
    crs = forms.ChoiceField(
        label=_("Coordinates from"),
        choices=[
            (Crs.WGS84, _("GPS (WGS-84)")),
            (Crs.GCJ02, _("高德 / 腾讯 (GCJ-02)")),
            (Crs.BD09, _("百度 (BD-09)")),
        ],
        initial=Crs.WGS84,
    )
    hours = forms.CharField(
        label=_("Opening hours"),
        max_length=300,
        help_text=_("e.g. 周一至周五 08:30-18:00；周六 09:00-17:00, or 24小时"),
    )
    facilities = forms.MultipleChoiceField(
        label=_("Facilities"), choices=Facility.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    six_has = forms.MultipleChoiceField(
        label=_("六有 checklist"), choices=SixHas.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices, initial=Status.OPEN)
    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices, initial=Tier.ORDINARY)
    phone = forms.CharField(label=_("Station telephone"), max_length=20, required=False)
    note = forms.CharField(label=_("Note for workers"), max_length=200, required=False)
    verified_on = forms.DateField(
        label=_("Last verified"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    keeper = forms.CharField(
        label=_("Keeper (username)"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"list": "keeper-candidates", "autocomplete": "off"}),
        help_text=_("Someone holding a role in the owning union or below; leave empty for none."),
    )

    def __init__(self, *args, creating: bool = True, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["organisation"].required = True
            self.fields["organisation"].user = user
        else:
            del self.fields["organisation"]
