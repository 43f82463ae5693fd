"""Input shapes of the assistance pages (rules live in the services). The amounts, the bank
card and the family members' names are checked here too, with the functions the services use,
so that every problem shows on the first submit (the service raises one error at a time)."""

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.assistance import choices
from gonghui.assistance.category import parse_amount
from gonghui.assistance.models import Household
from gonghui.assistance.services.households import set_bank_card
from gonghui.core.forms import Form
from gonghui.core.validators import validate_person_name
from gonghui.organisations.forms import DateInput


def _service_check(form, field: str, check) -> str:
    """``form``'s value of ``field`` once a service check raising errors keyed by ``field``
    passes; an empty value is left to the field's own rule (required or not)."""
    value = form.cleaned_data[field]
    if (value or "").strip():
        try:
            check(value)
        except ValidationError as exc:
            raise ValidationError(exc.error_dict[field]) from None
    return value


def _amount(form, field: str) -> str:
    return _service_check(form, field, lambda value: parse_amount(value, field))


def _bank_card(form) -> str:
    # the service's own check, on a file that is never saved
    return _service_check(form, "bank_card", lambda value: set_bank_card(Household(), value))


def _person_name(form) -> str:
    name = form.cleaned_data["name"]
    return validate_person_name(name) if (name or "").strip() else name


class DibaoForm(Form):
    division_code = forms.CharField(label=_("Division code (GB/T 2260)"), max_length=6)
    effective_from = forms.DateField(label=_("Effective from"), widget=DateInput())
    monthly = forms.CharField(label=_("Yuan a month"), max_length=12)
    note = forms.CharField(label=_("Source"), max_length=200, required=False)


class PaymentForm(Form):
    kind = forms.ChoiceField(label=_("Kind of help"), choices=choices.PaymentKind.choices)
    amount = forms.CharField(label=_("Amount (yuan)"), max_length=14)
    paid_on = forms.DateField(label=_("Paid out on"), initial=datetime.date.today, widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class VisitForm(Form):
    visited_on = forms.DateField(label=_("Visited on"), initial=datetime.date.today, widget=DateInput())
    visitor = forms.CharField(label=_("Visited by"), max_length=60)
    consent_signed = forms.BooleanField(label=_("The family signed the consent form"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ApplyForm(Form):
    """The worker's own application: the household in a few fields."""

    housing = forms.ChoiceField(label=_("Housing"), choices=choices.Housing.choices)
    main_cause = forms.ChoiceField(label=_("Main cause of hardship"), choices=choices.Cause.choices)
    medical_insurance = forms.ChoiceField(
        label=_("Medical insurance"), choices=choices.MedicalInsurance.choices
    )
    head_income = forms.CharField(label=_("Your monthly income (yuan)"), max_length=14, initial="0")
    head_employment = forms.ChoiceField(label=_("Your work"), choices=choices.Employment.choices)
    medical = forms.CharField(label=_("Medical costs a month (yuan)"), max_length=14, initial="0")
    schooling = forms.CharField(label=_("Schooling costs a month (yuan)"), max_length=14, initial="0")
    disability_care = forms.CharField(label=_("Disability care a month (yuan)"), max_length=14, initial="0")
    zero_employment = forms.BooleanField(label=_("No one in the household is in work"), required=False)
    bank_name = forms.CharField(label=_("Bank"), max_length=60, required=False)
    bank_card = forms.CharField(label=_("Bank card for payments"), max_length=25, required=False)

    def clean_head_income(self):
        return _amount(self, "head_income")

    def clean_medical(self):
        return _amount(self, "medical")

    def clean_schooling(self):
        return _amount(self, "schooling")

    def clean_disability_care(self):
        return _amount(self, "disability_care")

    def clean_bank_card(self):
        return _bank_card(self)

    def expenses(self) -> list[dict]:
        out = []
        for kind in ("medical", "schooling", "disability_care"):
            value = (self.cleaned_data.get(kind) or "0").strip()
            if value not in ("", "0", "0.00"):
                out.append({"kind": kind, "monthly": value})
        return out


# The relations of the people besides the head, with an empty first choice: a blank card stays
# blank (it is not read as a spouse).
FAMILY_RELATIONS = [("", _("— choose —")), *(c for c in choices.Relation.choices if c[0] != "self")]


def _relation_needed(form: forms.Form) -> None:
    """A card with a name needs its relation; a card without a name is left out."""
    # the name as typed: a card whose name is refused still needs its relation
    if (form["name"].value() or "").strip() and not form.cleaned_data.get("relation"):
        form.add_error("relation", forms.ValidationError(_("Choose the relation."), code="required"))


class PersonForm(Form):
    """One family member on the application: a card without name, relation and income is left
    out; a name needs its relation and the other way round."""

    relation = forms.ChoiceField(label=_("Relation"), choices=FAMILY_RELATIONS, required=False)
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50, required=False)
    monthly_income = forms.CharField(label=_("Monthly income (yuan)"), max_length=14, required=False)
    employment = forms.ChoiceField(label=_("Work"), choices=choices.Employment.choices, required=False)
    health = forms.ChoiceField(label=_("Health"), choices=choices.Health.choices, required=False)

    def clean_name(self):
        return _person_name(self)

    def clean_monthly_income(self):
        return _amount(self, "monthly_income")

    def clean(self):
        cleaned = super().clean()
        _relation_needed(self)
        d = self.cleaned_data
        if not (self["name"].value() or "").strip() and (
            d.get("relation") or (self["monthly_income"].value() or "").strip()
        ):
            self.add_error("name", forms.ValidationError(_("Enter the person's name."), code="required"))
        return cleaned


class AttachmentForm(Form):
    kind = forms.ChoiceField(label=_("Document"), choices=choices.AttachmentKind.choices)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))


class IncomeForm(Form):
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    income = forms.CharField(label=_("Household income that month (yuan)"), max_length=14)
    rigid_expenses = forms.CharField(
        label=_("Rigid expenses that month (yuan)"), max_length=14, initial="0", required=False
    )


class RiskForm(Form):
    new_critical_illness = forms.BooleanField(label=_("New critical illness"), required=False)
    job_loss = forms.BooleanField(label=_("Job lost"), required=False)
    accident = forms.BooleanField(label=_("Accident or disaster"), required=False)
    extra_dependants = forms.IntegerField(
        label=_("More dependants since leaving hardship"), min_value=0, max_value=20, initial=0
    )


class AlertCloseForm(Form):
    outcome = forms.CharField(label=_("What the re-visit found"), max_length=200)


class EditForm(Form):
    """A file's household data and the head's row (the family is a formset of PersonEditForm)."""

    housing = forms.ChoiceField(label=_("Housing"), choices=choices.Housing.choices)
    main_cause = forms.ChoiceField(label=_("Main cause of hardship"), choices=choices.Cause.choices)
    secondary_causes = forms.MultipleChoiceField(
        label=_("Other causes"),
        choices=choices.Cause.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    medical_insurance = forms.ChoiceField(
        label=_("Medical insurance"), choices=choices.MedicalInsurance.choices
    )
    zero_employment = forms.BooleanField(label=_("No one in the household is in work"), required=False)
    medical = forms.CharField(label=_("Medical costs a month (yuan)"), max_length=14, required=False)
    schooling = forms.CharField(label=_("Schooling costs a month (yuan)"), max_length=14, required=False)
    disability_care = forms.CharField(
        label=_("Disability care a month (yuan)"), max_length=14, required=False
    )
    other_expense = forms.CharField(
        label=_("Other rigid costs a month (yuan)"), max_length=14, required=False
    )
    event_kind = forms.ChoiceField(
        label=_("Event"), choices=[("", "—"), *choices.EventKind.choices], required=False
    )
    event_compensation = forms.CharField(
        label=_("Compensation received (yuan)"), max_length=14, required=False
    )
    bank_name = forms.CharField(label=_("Bank"), max_length=60, required=False)
    bank_card = forms.CharField(
        label=_("New bank card number (empty: keep the current one)"), max_length=25, required=False
    )
    head_income = forms.CharField(label=_("Head's monthly income (yuan)"), max_length=14)
    head_health = forms.ChoiceField(label=_("Head's health"), choices=choices.Health.choices)
    head_employment = forms.ChoiceField(label=_("Head's work"), choices=choices.Employment.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_head_income(self):
        return _amount(self, "head_income")

    def clean_medical(self):
        return _amount(self, "medical")

    def clean_schooling(self):
        return _amount(self, "schooling")

    def clean_disability_care(self):
        return _amount(self, "disability_care")

    def clean_other_expense(self):
        return _amount(self, "other_expense")

    def clean_event_compensation(self):
        return _amount(self, "event_compensation")

    def clean_bank_card(self):
        return _bank_card(self)

    EXPENSES = (
        ("medical", "medical"),
        ("schooling", "schooling"),
        ("disability_care", "disability_care"),
        ("other", "other_expense"),
    )

    @classmethod
    def initial_for(cls, h, head) -> dict:
        initial = {
            "housing": h.housing,
            "main_cause": h.main_cause,
            "secondary_causes": list(h.secondary_causes),
            "medical_insurance": h.medical_insurance,
            "zero_employment": h.zero_employment,
            "event_kind": h.event_kind,
            "event_compensation": f"{h.event_compensation:.2f}",
            "bank_name": h.bank_name,
            "head_income": f"{head.monthly_income:.2f}",
            "head_health": head.health,
            "head_employment": head.employment,
        }
        by_kind: dict[str, Decimal] = {}
        for item in h.rigid_expenses:
            by_kind[item["kind"]] = by_kind.get(item["kind"], Decimal("0")) + Decimal(str(item["monthly"]))
        for kind, field in cls.EXPENSES:
            if kind in by_kind:
                initial[field] = f"{by_kind[kind]:.2f}"
        return initial

    def changes(self) -> dict:
        d = self.cleaned_data
        out = {
            name: d[name]
            for name in (
                "housing",
                "main_cause",
                "secondary_causes",
                "medical_insurance",
                "zero_employment",
                "event_kind",
                "bank_name",
                "head_income",
                "head_health",
                "head_employment",
            )
        }
        out["event_compensation"] = (d.get("event_compensation") or "0").strip()
        out["rigid_expenses"] = [
            {"kind": kind, "monthly": d[field].strip()}
            for kind, field in self.EXPENSES
            if (d.get(field) or "").strip() not in ("", "0", "0.00")
        ]
        if (d.get("bank_card") or "").strip():
            out["bank_card"] = d["bank_card"]
        return out


class PersonEditForm(Form):
    """One person of the household besides the head; a row without a name is left out (the
    person is removed)."""

    id = forms.CharField(widget=forms.HiddenInput, required=False)
    relation = forms.ChoiceField(label=_("Relation"), choices=FAMILY_RELATIONS, required=False)
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50, required=False)
    id_number = forms.CharField(
        label=_("ID number (empty: keep the recorded one)"), max_length=18, required=False
    )
    monthly_income = forms.CharField(label=_("Monthly income (yuan)"), max_length=14, required=False)
    health = forms.ChoiceField(label=_("Health"), choices=choices.Health.choices, required=False)
    disabled = forms.BooleanField(label=_("Disability"), required=False)
    disability_grade = forms.ChoiceField(
        label=_("Disability grade"),
        choices=[("", "—"), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "4")],
        required=False,
    )
    schooling = forms.ChoiceField(label=_("Schooling"), choices=choices.Schooling.choices, required=False)
    employment = forms.ChoiceField(label=_("Work"), choices=choices.Employment.choices, required=False)

    def clean_name(self):
        return _person_name(self)

    def clean_monthly_income(self):
        return _amount(self, "monthly_income")

    def clean(self):
        cleaned = super().clean()
        _relation_needed(self)
        return cleaned
