"""Input shapes for the honours pages. The services decide what the input means; their
errors come back onto these forms through ``core.forms.add_service_error``."""

import json

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import Form
from gonghui.core.text import clean
from gonghui.core.validators import validate_person_name
from gonghui.honours.choices import HonourKind, HonourLevel, ObjectionStatus, Ownership, SchoolKind, VisitRole
from gonghui.organisations import scoping
from gonghui.organisations.forms import DateInput, UnionField

Action = scoping.Action
BLANK = [("", "—")]
TRI = [("", _("From the record")), ("yes", _("Yes")), ("no", _("No"))]

# Service error codes → form field, for errors raised without a field name.
ERROR_FIELDS = {"duplicate_honour": "kind", "duplicate_nominee": "member_no"}


def tri(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _scoped(form, name: str, user, action: str) -> None:
    field = form.fields[name]
    field.user, field.action = user, action


class HonourFilterForm(Form):
    q = forms.CharField(label=_("Name or member no."), required=False, max_length=50)
    kind = forms.ChoiceField(label=_("Honour"), choices=BLANK + HonourKind.choices, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=BLANK + HonourLevel.choices, required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1950, max_value=2100)
    organisation = UnionField(label=_("Union"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _scoped(self, "organisation", user, Action.VIEW)


class HonourGrantForm(Form):
    """Record an honour held already (e.g. from the archives)."""

    organisation = UnionField(label=_("Recording union"))
    kind = forms.ChoiceField(label=_("Honour"), choices=HonourKind.choices)
    level = forms.ChoiceField(label=_("Level"), choices=HonourLevel.choices)
    year = forms.IntegerField(label=_("Year"), min_value=1950, max_value=2100)
    issuing_body = forms.CharField(label=_("Issuing body"), max_length=120)
    member_no = forms.CharField(label=_("Member no."), required=False, max_length=20)
    team_name = forms.CharField(label=_("Team (Workers' Pioneer)"), required=False, max_length=120)
    team_host = forms.CharField(label=_("Team's host unit"), required=False, max_length=120)
    allowance = forms.BooleanField(label=_("Honour allowance"), required=False)
    medical_benefit = forms.BooleanField(label=_("Medical benefit"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _scoped(self, "organisation", user, Action.MANAGE_HONOURS)


class ListCreateForm(Form):
    organiser = UnionField(label=_("Organiser"))
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Honour"), choices=HonourKind.choices)
    level = forms.ChoiceField(label=_("Level"), choices=HonourLevel.choices)
    year = forms.IntegerField(label=_("Year"))
    issuing_body = forms.CharField(label=_("Issuing body"), max_length=120, required=False)
    recommend_by = forms.DateField(label=_("Recommend and review by"), required=False, widget=DateInput())
    allowance = forms.BooleanField(label=_("Honour allowance"), required=False)
    medical_benefit = forms.BooleanField(label=_("Medical benefit"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _scoped(self, "organiser", user, Action.MANAGE_HONOURS)
        self.fields["year"].initial = timezone.localdate().year


class QuotaRulesForm(Form):
    quota_rules = forms.CharField(
        label=_("Quota rules (JSON)"),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_(
            'A list of {"key", "label", "min_share"}; keys: industrial, front_line_other, migrant, non_public.'
        ),
    )

    def clean_quota_rules(self):
        try:
            return json.loads(self.cleaned_data["quota_rules"])
        except json.JSONDecodeError:
            raise forms.ValidationError(_("This is not valid JSON."), code="quota_rules") from None


class RecommendForm(Form):
    recommending_org = UnionField(label=_("Recommending union"))
    member_no = forms.CharField(label=_("Member no."), required=False, max_length=20)
    team_name = forms.CharField(label=_("Team"), required=False, max_length=120)
    team_org = UnionField(label=_("Team's union"), required=False)
    team_host = forms.CharField(label=_("Team's host unit"), required=False, max_length=120)
    deeds = forms.CharField(label=_("Achievements"), widget=forms.Textarea(attrs={"rows": 3}))
    is_front_line = forms.BooleanField(label=_("Front-line worker"), required=False)
    industrial = forms.ChoiceField(label=_("Industrial worker"), choices=TRI, required=False)
    migrant = forms.ChoiceField(label=_("Migrant worker"), choices=TRI, required=False)
    ownership = forms.ChoiceField(
        label=_("Enterprise ownership"),
        choices=[("", _("From the record"))] + Ownership.choices,
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _scoped(self, "recommending_org", user, Action.MANAGE_HONOURS)
        _scoped(self, "team_org", user, Action.MANAGE_HONOURS)

    def facts(self) -> dict:
        d = self.cleaned_data
        return {
            "is_front_line": d["is_front_line"],
            "is_industrial_worker": tri(d["industrial"]),
            "is_migrant_worker": tri(d["migrant"]),
            "enterprise_ownership": d["ownership"] or None,
        }


class PublicityForm(Form):
    start = forms.DateField(label=_("Notice starts"), required=False, widget=DateInput())
    days = forms.IntegerField(label=_("Working days"), initial=5, min_value=1, max_value=30)
    override_reason = forms.CharField(
        label=_("Reason for going ahead below quota"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ObjectionDecisionForm(Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[(s, ObjectionStatus(s).label) for s in ("investigating", "upheld", "dismissed")],
    )
    reply = forms.CharField(
        label=_("Reply to the objector"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PublicObjectionForm(Form):
    """Anyone's objection to a list on notice. The optional name is checked here with the
    person-name rule the service applies, so a bad name shows with the missing fields."""

    nominee = forms.ChoiceField(label=_("About"), required=False)
    name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=50)
    contact = forms.CharField(
        label=_("Phone or address for our reply"),
        max_length=60,
        error_messages={"required": _("Leave a phone number or address so we can reply.")},
    )
    text = forms.CharField(
        label=_("Your objection"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write what the objection is about.")},
    )

    def __init__(self, *args, nominees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominee"].choices = [("", _("The list as a whole"))] + [
            (str(n.pk), n.display_name) for n in nominees
        ]

    def clean_name(self) -> str:
        return validate_person_name(self.cleaned_data["name"], required=False)

    def clean_contact(self):
        return clean(self.cleaned_data["contact"])


# ---- the 劳模进校园 ledger ----------------------------------------------------------------------


class VisitFilterForm(Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1950, max_value=2100)
    division = forms.ChoiceField(label=_("City"), required=False)
    person = forms.ChoiceField(label=_("Honoured person"), required=False)

    def __init__(self, *args, people, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].choices = BLANK + list(cities)
        self.fields["person"].choices = BLANK + [(str(m.pk), f"{m.name}（{m.member_no}）") for m in people]


class VisitForm(Form):
    """A school visit; the service checks what each field means (docs/modules/honours.md §8)."""

    organisation = UnionField(label=_("Organiser"))
    people = forms.MultipleChoiceField(label=_("Honoured people"), widget=forms.CheckboxSelectMultiple)
    school_name = forms.CharField(label=_("School"), max_length=120)
    school_division = forms.CharField(
        label=_("School's division code"),
        max_length=6,
        help_text=_("The county (district) the school is in, six digits such as 610113."),
    )
    school_kind = forms.ChoiceField(label=_("Kind of school"), choices=SchoolKind.choices)
    date = forms.CharField(label=_("Date"), widget=DateInput())
    role = forms.ChoiceField(label=_("Role"), choices=VisitRole.choices)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    audience = forms.CharField(label=_("Audience"), max_length=12)
    hours = forms.CharField(label=_("Hours"), max_length=8)

    def __init__(self, *args, user, people, **kwargs):
        super().__init__(*args, **kwargs)
        _scoped(self, "organisation", user, Action.MANAGE_HONOURS)
        self.fields["people"].choices = [(str(m.pk), f"{m.name}（{m.member_no}）") for m in people]


class VisitPhotoForm(Form):
    photo = forms.FileField(label=_("Photo (JPEG or PNG, at most 5 MB)"))
