"""Input shapes for the officer pages, the public join page and the member's own pages. The
services decide what the input means (ID number checks, 会籍 transitions, scope, routing); the
join form asks their checks in ``clean()`` so every problem shows on the first submit, and the
other forms get the services' errors back through ``core.web.form_action`` and their
``ERROR_FIELDS`` maps."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.forms import Form
from gonghui.core.validators import check_working_age, parse_id_number, validate_mobile, validate_person_name
from gonghui.core.widgets import DivisionPicker, picked_division
from gonghui.members.choices import (
    ETHNICITIES,
    Education,
    EmploymentForm,
    EmploymentStatus,
    Gender,
    MembershipStatus,
    PiiField,
    PoliticalStatus,
    SkillGrade,
)
from gonghui.members.services import members as member_services
from gonghui.members.services.enrolment import enrolment_check
from gonghui.organisations import scoping
from gonghui.organisations.forms import DateInput, UnionField
from gonghui.organisations.selectors import ANY_UNION

Action = scoping.Action
BLANK = [("", "—")]

# Service error codes → form field, for errors raised without a field name.
MEMBER_ERROR_FIELDS = {
    "id_*": "id_number",
    "duplicate_id": "id_number",
    "phone_*": "phone",
    "date_future": "joined_on",
    "org_inactive": "organisation",
    "name_*": "name",
    "age_*": "id_number",
}


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (``<input type=month>``); cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            return datetime.datetime.strptime(text[:7], "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."), code="date_invalid") from None


class MemberFilterForm(Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=60,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, pinyin, member no., ID number or phone")}
        ),
    )
    organisation = UnionField(label=_("Union"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), ("active", _("In membership")), *MembershipStatus.choices],
    )
    employment_form = forms.ChoiceField(
        label=_("Employment form"), required=False, choices=[("", _("Any")), *EmploymentForm.choices]
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].user = user


class MemberProfileForm(Form):
    """What an officer may edit on any member record."""

    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), choices=ETHNICITIES, initial="01")
    education = forms.ChoiceField(label=_("Education"), choices=BLANK + Education.choices, required=False)
    political_status = forms.ChoiceField(
        label=_("Political status"), choices=BLANK + PoliticalStatus.choices, required=False
    )
    employer = forms.CharField(label=_("Employer"), max_length=120, required=False)
    job = forms.CharField(label=_("Job"), max_length=60, required=False)
    skill_grade = forms.ChoiceField(
        label=_("Skill grade"), choices=BLANK + SkillGrade.choices, required=False
    )
    employment_status = forms.ChoiceField(
        label=_("Employment status"), choices=EmploymentStatus.choices, initial=EmploymentStatus.EMPLOYED
    )
    employment_form = forms.ChoiceField(
        label=_("Employment form"), choices=EmploymentForm.choices, initial=EmploymentForm.STANDARD
    )
    is_migrant_worker = forms.BooleanField(label=_("Migrant worker (农民工)"), required=False)

    # The service's editable profile, less the card number (only the edit form has it).
    PROFILE_FIELDS = [f for f in member_services.PROFILE_FIELDS if f != "card_no"]

    def clean_name(self) -> str:
        # The services check it again; checking here too shows it with the other errors.
        return validate_person_name(self.cleaned_data["name"])

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "")
        return validate_mobile(phone) if phone else ""

    def profile(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.PROFILE_FIELDS}


class MemberCreateForm(MemberProfileForm):
    field_order = ["organisation", "name", "id_number", "phone", "gender", "birth_date"]

    organisation = UnionField(
        label=_("Union"), help_text=_("The union the member belongs to: its name, pinyin initials or code.")
    )
    id_number = forms.CharField(label=_("ID number"), max_length=24)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=BLANK + Gender.choices,
        required=False,
        help_text=_("Optional: read from the ID number; if given it must agree."),
    )
    birth_date = forms.DateField(
        label=_("Birth date"),
        required=False,
        widget=DateInput,
        help_text=_("Optional: read from the ID number; if given it must agree."),
    )
    joined_on = forms.DateField(
        label=_("Joined on"), required=False, widget=DateInput, help_text=_("Today if empty.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.user, field.action = user, Action.MANAGE_MEMBERS

    def clean_id_number(self) -> str:
        """Format, checksum and the working-age floor now, with the other fields' errors."""
        facts = parse_id_number(self.cleaned_data["id_number"])
        check_working_age(facts.birth_date)
        return facts.number

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "organisation": data["organisation"],
            "name": data["name"],
            "id_number": data["id_number"],
            "phone": data["phone"],
            "gender": data["gender"] or None,
            "birth_date": data["birth_date"],
            "joined_on": data["joined_on"],
            **{f: data[f] for f in self.PROFILE_FIELDS if f != "name"},
        }


class MemberEditForm(MemberProfileForm):
    card_no = forms.CharField(label=_("Card number"), max_length=30, required=False)
    phone = forms.CharField(
        label=_("New mobile phone"),
        max_length=20,
        required=False,
        help_text=_("Leave empty to keep the current one."),
    )
    clear_phone = forms.BooleanField(label=_("Remove the mobile phone"), required=False)

    PROFILE_FIELDS = [*MemberProfileForm.PROFILE_FIELDS, "card_no"]

    def phone_change(self) -> str | None:
        """None keeps the phone, '' removes it, a number replaces it."""
        if self.cleaned_data["clear_phone"]:
            return ""
        return self.cleaned_data["phone"] or None


class _OnMemberPage(Form):
    """Several of these forms share the member page: each gets its own element ids."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class RevealForm(_OnMemberPage):
    id_prefix = "reveal"
    field = forms.ChoiceField(label=_("What to show"), choices=PiiField.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Recorded in the audit log with your name."),
        error_messages={"required": _("Say why you need to see it.")},
    )


class StatusForm(_OnMemberPage):
    id_prefix = "status"
    to_status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(
        label=_("Reason"), max_length=500, error_messages={"required": _("Give a reason for the change.")}
    )
    effective_on = forms.DateField(
        label=_("Effective on"), required=False, widget=DateInput, help_text=_("Today if empty.")
    )

    def __init__(self, *args, allowed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(s, MembershipStatus(s).label) for s in allowed]

    ERROR_FIELDS = {"bad_status": "to_status", "date_*": "effective_on"}


# The transfer services' errors about the new union (unknown, inactive, the member's own, one
# that holds no members) belong next to its code.
TRANSFER_ERROR_FIELDS = {"org_*": "to_organisation", "same_union": "to_organisation"}


class TransferRequestForm(_OnMemberPage):
    id_prefix = "transfer"
    # Any active union in the country (a member may move anywhere); the service takes its code.
    to_organisation = UnionField(
        label=_("New union"),
        action=ANY_UNION,
        as_code=True,
        help_text=_("The union the member moves to: its name, pinyin initials or code."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=500, error_messages={"required": _("Say why the member is moving.")}
    )

    ERROR_FIELDS = TRANSFER_ERROR_FIELDS


class DuesForm(_OnMemberPage):
    id_prefix = "dues"
    month = MonthField(label=_("Month"))
    monthly_wage = forms.CharField(
        label=_("Monthly wage (yuan)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "5678.90"}),
    )
    paid_on = forms.DateField(label=_("Paid on"), required=False, widget=DateInput)

    ERROR_FIELDS = {"date_*": "month", "dues_duplicate": "month"}


class DuesPreviewForm(Form):
    """The wage typed into the dues calculator (the service reads it)."""

    monthly_wage = forms.CharField(required=False)


class ReasonForm(Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give a reason.")},
    )


class ExportForm(Form):
    """A roster export: the member list's filters, the file format, and unmasked data with a
    reason for those who may reveal it."""

    organisation = UnionField(label=_("Union"))
    file_format = forms.ChoiceField(
        label=_("File format"),
        choices=[("xlsx", _("Excel (.xlsx)")), ("csv", _("CSV (UTF-8, opens in Excel)"))],
        initial="xlsx",
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=60)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), ("active", _("In membership")), *MembershipStatus.choices],
    )
    employment_form = forms.ChoiceField(
        label=_("Employment form"), required=False, choices=[("", _("Any")), *EmploymentForm.choices]
    )
    unmasked = forms.BooleanField(
        label=_("Include full ID numbers and phone numbers"),
        required=False,
        help_text=_("Only with the right to reveal personal data; the reason is recorded."),
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)

    # The service names the format ``format`` (not a field here): its refusal belongs to this one.
    ERROR_FIELDS = {"invalid_choice": "file_format", "reason_required": "reason"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].user = user


# ---- public join page and the member's own pages ---------------------------------------

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
        return picked_division(
            self.data,
            missing=_("Choose the province, city and district where you work."),
            incomplete=_("Choose the district or county where you work."),
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


class PhoneCodeForm(Form):
    """Phone sign-in, step 1: the mobile number a code is sent to (checked by the service)."""

    phone = forms.CharField(label=_("Mobile phone"), max_length=20)


class PhoneLoginForm(Form):
    """Phone sign-in, step 2: the number again (carried from step 1) and the code received."""

    phone = forms.CharField(label=_("Mobile phone"), max_length=20)
    code = forms.CharField(label=_("SMS code"), max_length=6, min_length=6)
