"""Input shape for the public and member self-service pages. Validation of meaning (names,
ID checksum and age, phone format, routing, duplicates) is the services' job; these forms
collect the fields, ask the services' checks, and carry their errors back to the right field."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gonghui.core import divisions
from gonghui.core.forms import Form
from gonghui.core.text import clean
from gonghui.members.choices import EmploymentForm
from gonghui.members.services.enrolment import enrolment_check

# The forms new-employment workers pick most, shown first and larger on the join page.
PROMINENT_FORMS = [
    EmploymentForm.COURIER,
    EmploymentForm.FOOD_DELIVERY,
    EmploymentForm.RIDE_HAILING,
    EmploymentForm.TRUCK_DRIVER,
]
OTHER_FORMS = [
    EmploymentForm.CARE_WORKER,
    EmploymentForm.DOMESTIC,
    EmploymentForm.SECURITY_GUARD,
    EmploymentForm.MALL_STAFF,
    EmploymentForm.ESTATE_AGENT,
    EmploymentForm.OTHER,
    EmploymentForm.STANDARD,
]


def _text(max_length: int, label, help_text="", **attrs) -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=max_length,
        label=label,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
    )


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


class JoinForm(Form):
    """The application. Every field is checked on the first submit: the form checks the shape
    (lengths, the place selects, consent), then :func:`enrolment_check` checks the meaning of
    every field at once, so the applicant never meets a second round of errors. The HTML
    ``required`` attributes let the phone's browser catch gaps at once."""

    name = _text(50, _("Full name"), _("As on your ID card."), autocomplete="name", required=True)
    id_number = _text(
        30,
        _("ID number"),
        _("18 characters: 17 digits and a last digit or X."),
        autocomplete="off",
        autocapitalize="characters",
        spellcheck="false",
        required=True,
    )
    phone = _text(
        20,
        _("Mobile number"),
        _("11 digits. Used only to contact you about your membership."),
        type="tel",
        inputmode="numeric",
        autocomplete="tel",
        required=True,
    )
    employer = _text(
        120,
        _("Employer"),
        _("The company you work for, or the platform you take orders from."),
        autocomplete="organization",
        required=True,
    )
    province = forms.CharField(required=False, max_length=12)
    city = forms.CharField(required=False, max_length=12)
    work_division = forms.CharField(required=False, max_length=12)
    work_address = _text(
        200,
        _("Work address"),
        _("Street and building, if you have a fixed place of work."),
        autocomplete="street-address",
    )
    employment_form = forms.CharField(required=False, max_length=30)
    consent = forms.BooleanField(
        required=True,
        error_messages={"required": _("Please agree to the use of your personal data for this application.")},
    )

    SERVICE_FIELDS = (
        "name",
        "id_number",
        "phone",
        "employer",
        "work_division",
        "work_address",
        "employment_form",
    )

    def picker(self) -> DivisionPicker:
        data = self.data if self.is_bound else self.initial
        return DivisionPicker(
            province=data.get("province", ""), city=data.get("city", ""), county=data.get("work_division", "")
        )

    def clean_work_division(self) -> str:
        """A posted code is passed on as typed (the service says if it is unknown); a
        province or city alone must be narrowed down to the county first."""
        code = clean(self.cleaned_data.get("work_division"))
        if code:
            return code
        picked = self.picker()
        if picked.code:
            return picked.code
        if picked.city or picked.province:
            raise ValidationError(
                _("Choose the district or county where you work."), code="division_incomplete"
            )
        raise ValidationError(
            _("Choose the province, city and district where you work."), code="division_required"
        )

    def clean(self):
        data = super().clean()
        try:
            checked = enrolment_check(**{f: data.get(f, "") for f in self.SERVICE_FIELDS})
        except ValidationError as exc:
            # A field whose shape is already wrong keeps that one message.
            for field, errors in exc.error_dict.items():
                if field not in self.errors:
                    for error in errors:
                        self.add_error(field, error)
        else:
            data["name"] = checked.name
        return data

    def service_kwargs(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.SERVICE_FIELDS}


class LookupForm(Form):
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter your ID number.")},
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel"}),
        error_messages={"required": _("Enter the mobile number you applied with.")},
    )


class TransferRequestForm(Form):
    to_organisation = forms.CharField(
        label=_("Code of the new union"),
        help_text=_("Ask the new union for its code."),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "spellcheck": "false", "autocomplete": "off"}
        ),
        error_messages={"required": _("Enter the code of the union you are moving to.")},
    )
    reason = forms.CharField(
        label=_("Why are you moving?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why you are moving (for example, a new job).")},
    )

    def clean_to_organisation(self) -> str:
        return clean(self.cleaned_data["to_organisation"]).upper()
