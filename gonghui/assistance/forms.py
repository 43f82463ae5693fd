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


def _service_errors(exc: ValidationError) -> ValidationError:
    """A service's error keyed by its own field name, as the form field's own error."""
    groups = exc.error_dict.values() if hasattr(exc, "error_dict") else [exc.error_list]
    return ValidationError([error for group in groups for error in group])


class _CheckedField(forms.CharField):
    """A text field whose value, when given, must pass the check the service itself runs on it
    (an empty value is left to ``required``); the check's result (a normalised value) or the
    value itself is the cleaned value."""

    check = staticmethod(lambda value: None)

    def clean(self, value):
        value = super().clean(value)
        if not (value or "").strip():
            return value
        try:
            checked = self.check(value)
        except ValidationError as exc:
            raise _service_errors(exc) from None
        return checked if isinstance(checked, str) else value


class AmountField(_CheckedField):
    """An amount in yuan, checked like the services parse it."""

    check = staticmethod(lambda value: parse_amount(value, "amount"))

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 14)
        super().__init__(**kwargs)


class BankCardField(_CheckedField):
    """A payout bank card, checked as the service stores it (on a file that is never saved)."""

    check = staticmethod(lambda value: set_bank_card(Household(), value))


class PersonNameField(_CheckedField):
    """A person's name under the one name rule, normalised."""

    check = staticmethod(validate_person_name)


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
    head_income = AmountField(label=_("Your monthly income (yuan)"), max_length=14, initial="0")
    head_employment = forms.ChoiceField(label=_("Your work"), choices=choices.Employment.choices)
    medical = AmountField(label=_("Medical costs a month (yuan)"), max_length=14, initial="0")
    schooling = AmountField(label=_("Schooling costs a month (yuan)"), max_length=14, initial="0")
    disability_care = AmountField(label=_("Disability care a month (yuan)"), max_length=14, initial="0")
    zero_employment = forms.BooleanField(label=_("No one in the household is in work"), required=False)
    bank_name = forms.CharField(label=_("Bank"), max_length=60, required=False)
    bank_card = BankCardField(label=_("Bank card for payments"), max_length=25, required=False)

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
    name = PersonNameField(label=pgettext_lazy("person", "Name"), max_length=50, required=False)
    monthly_income = AmountField(label=_("Monthly income (yuan)"), max_length=14, required=False)
    employment = forms.ChoiceField(label=_("Work"), choices=choices.Employment.choices, required=False)
    health = forms.ChoiceField(label=_("Health"), choices=choices.Health.choices, required=False)

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
    medical = AmountField(label=_("Medical costs a month (yuan)"), max_length=14, required=False)
    schooling = AmountField(label=_("Schooling costs a month (yuan)"), max_length=14, required=False)
    disability_care = AmountField(label=_("Disability care a month (yuan)"), max_length=14, required=False)
    other_expense = AmountField(label=_("Other rigid costs a month (yuan)"), max_length=14, required=False)
    event_kind = forms.ChoiceField(
        label=_("Event"), choices=[("", "—"), *choices.EventKind.choices], required=False
    )
    event_compensation = AmountField(label=_("Compensation received (yuan)"), max_length=14, required=False)
    bank_name = forms.CharField(label=_("Bank"), max_length=60, required=False)
    bank_card = BankCardField(
        label=_("New bank card number (empty: keep the current one)"), max_length=25, required=False
    )
    head_income = AmountField(label=_("Head's monthly income (yuan)"), max_length=14)
    head_health = forms.ChoiceField(label=_("Head's health"), choices=choices.Health.choices)
    head_employment = forms.ChoiceField(label=_("Head's work"), choices=choices.Employment.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

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
    name = PersonNameField(label=pgettext_lazy("person", "Name"), max_length=50, required=False)
    id_number = forms.CharField(
        label=_("ID number (empty: keep the recorded one)"), max_length=18, required=False
    )
    monthly_income = AmountField(label=_("Monthly income (yuan)"), max_length=14, required=False)
    health = forms.ChoiceField(label=_("Health"), choices=choices.Health.choices, required=False)
    disabled = forms.BooleanField(label=_("Disability"), required=False)
    disability_grade = forms.ChoiceField(
        label=_("Disability grade"),
        choices=[("", "—"), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "4")],
        required=False,
    )
    schooling = forms.ChoiceField(label=_("Schooling"), choices=choices.Schooling.choices, required=False)
    employment = forms.ChoiceField(label=_("Work"), choices=choices.Employment.choices, required=False)

    def clean(self):
        cleaned = super().clean()
        _relation_needed(self)
        return cleaned
