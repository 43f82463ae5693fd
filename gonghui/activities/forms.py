"""Input shapes of the officers' activity pages: the activity form (the services validate the
values; the form only reads them from the page)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.activities.choices import Audience, Kind
from gonghui.core.forms import Form
from gonghui.organisations import scoping
from gonghui.organisations.forms import UnionField
from gonghui.organisations.models import Organisation

_WHEN = {"widget": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}


class ActivityForm(Form):
    """Every field of an activity. ``organisation`` only when creating. Questions are one per
    line (a line ending in ``*`` must be answered); reserved places one union code and a number
    per line (``XA-0001 5``)."""

    organisation = UnionField(
        label=_("Organising union"), required=False, action=scoping.Action.MANAGE_ACTIVITIES
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    audience = forms.ChoiceField(label=_("Who may sign up"), choices=Audience.choices)
    targets = forms.CharField(
        label=_("Target unions (codes, one per line)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Empty: members of the organising union and every union under it."),
    )
    division_code = forms.CharField(
        label=_("District code (GB/T 2260)"), max_length=6, help_text=_("e.g. 610113")
    )
    address = forms.CharField(label=_("Address"), max_length=200)
    lat = forms.CharField(label=_("Latitude"), max_length=32, required=False)
    lng = forms.CharField(label=_("Longitude"), max_length=32, required=False)
    starts_at = forms.DateTimeField(label=_("Starts at"), **_WHEN)
    ends_at = forms.DateTimeField(label=_("Ends at"), **_WHEN)
    signup_opens = forms.DateTimeField(label=_("Sign-up opens"), required=False, **_WHEN)
    signup_closes = forms.DateTimeField(
        label=_("Sign-up closes"), required=False, help_text=_("Empty: when the activity starts."), **_WHEN
    )
    cancel_until = forms.DateTimeField(
        label=_("People may cancel until"),
        required=False,
        help_text=_("Empty: until the activity starts."),
        **_WHEN,
    )
    capacity = forms.IntegerField(label=_("Places"), min_value=1)
    waitlist = forms.BooleanField(label=_("Keep a waiting list when the places are taken"), required=False)
    reservations = forms.CharField(
        label=_("Reserved places (union code and number, one per line)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    questions = forms.CharField(
        label=_("Sign-up questions (one per line; end with * if an answer is required)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    records_hours = forms.BooleanField(label=_("Record volunteer or study hours"), required=False)

    def __init__(self, *args, user, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].user = user
        self.fields["organisation"].required = creating
        if not creating:
            del self.fields["organisation"]

    def clean_targets(self):
        return _unions(self.cleaned_data.get("targets", ""), "targets")

    def clean_reservations(self):
        rows = []
        for line in (self.cleaned_data.get("reservations") or "").splitlines():
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 2:
                raise forms.ValidationError(
                    _("Write a union code and a number on each line."), code="invalid"
                )
            (union,) = _unions(parts[0], "reservations")
            rows.append((union, parts[1]))
        return rows

    def clean_questions(self):
        questions = []
        for line in (self.cleaned_data.get("questions") or "").splitlines():
            line = line.strip()
            if line:
                required = line.endswith("*")
                questions.append({"label": line.rstrip("*").strip(), "required": required})
        return questions

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("organisation", None)
        return data

    @staticmethod
    def initial_for(activity) -> dict:
        return {
            **{f: getattr(activity, f) for f in _PLAIN},
            "targets": "\n".join(o.code for o in activity.targets.all()),
            "reservations": "\n".join(
                f"{r.organisation.code} {r.places}" for r in activity.reservations.all()
            ),
            "questions": "\n".join(
                q["label"] + (" *" if q.get("required") else "") for q in activity.questions
            ),
        }


_PLAIN = (
    "kind", "title", "description", "audience", "division_code", "address", "lat", "lng", "starts_at",
    "ends_at", "signup_opens", "signup_closes", "cancel_until", "capacity", "waitlist", "records_hours",
)  # fmt: skip


def _unions(text: str, field: str) -> list:
    codes = [c for c in (text or "").split() if c]
    found = {o.code: o for o in Organisation.objects.filter(code__in=codes, is_active=True)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise forms.ValidationError(
            _("No union has the code %(code)s."), code="org_unknown", params={"code": missing[0]}
        )
    return [found[c] for c in codes]


class CancelForm(Form):
    reason = forms.CharField(label=_("Why is it cancelled?"), widget=forms.Textarea(attrs={"rows": 3}))
