"""Input shapes of the assistance pages (rules live in the services). The household forms and
each person's card run the service's own check in ``clean()`` (``households.check``,
``households.check_person``), so every problem shows on the first submit — the same check the
service runs again when the form is sent."""

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.assistance import choices
from gonghui.assistance.services import households
from gonghui.core.forms import Form, add_check_errors
from gonghui.organisations.forms import DateInput


class _HouseholdForm(Form):
    """Household data: ``EXPENSES`` are the (kind, field) pairs of its rigid monthly expenses."""

    EXPENSES: tuple[tuple[str, str], ...] = ()
    # the fields given to the service as they are
    HOUSEHOLD: tuple[str, ...] = ()

    housing = forms.ChoiceField(label=_("Housing"), choices=choices.Housing.choices)
    main_cause = forms.ChoiceField(label=_("Main cause of hardship"), choices=choices.Cause.choices)
    medical_insurance = forms.ChoiceField(
        label=_("Medical insurance"), choices=choices.MedicalInsurance.choices
    )
    zero_employment = forms.BooleanField(label=_("No one in the household is in work"), required=False)
    bank_name = forms.CharField(label=_("Bank"), max_length=60, required=False)

    def _expense_items(self) -> list[tuple[str, dict]]:
        d = self.cleaned_data
        return [
            (field, {"kind": kind, "monthly": (d.get(field) or "").strip()})
            for kind, field in self.EXPENSES
            if (d.get(field) or "").strip() not in ("", "0", "0.00")
        ]

    def expenses(self) -> list[dict]:
        """The rigid expenses typed, as the service takes them (nothing for none or zero)."""
        return [item for _field, item in self._expense_items()]

    def household(self) -> dict:
        """The household data as the service takes it (the fields that passed their own
        checks, while cleaning)."""
        d = self.cleaned_data
        return {name: d[name] for name in self.HOUSEHOLD if name in d} | {"rigid_expenses": self.expenses()}

    def clean(self):
        data = super().clean()
        try:
            households.check(self.household())
        except ValidationError as exc:
            # an expense's error goes next to the field it was typed in
            rename = {
                f"rigid_expenses.{i}.monthly": field for i, (field, _item) in enumerate(self._expense_items())
            }
            add_check_errors(self, exc, rename=rename)
        return data


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


class ApplyForm(_HouseholdForm):
    """The worker's own application: the household in a few fields."""

    EXPENSES = (("medical", "medical"), ("schooling", "schooling"), ("disability_care", "disability_care"))
    HOUSEHOLD = (
        "housing",
        "main_cause",
        "medical_insurance",
        "head_income",
        "head_employment",
        "zero_employment",
        "bank_name",
        "bank_card",
    )
    field_order = [
        "housing",
        "main_cause",
        "medical_insurance",
        "head_income",
        "head_employment",
        "medical",
        "schooling",
        "disability_care",
        "zero_employment",
        "bank_name",
        "bank_card",
    ]

    head_income = forms.CharField(label=_("Your monthly income (yuan)"), max_length=14, initial="0")
    head_employment = forms.ChoiceField(label=_("Your work"), choices=choices.Employment.choices)
    medical = forms.CharField(label=_("Medical costs a month (yuan)"), max_length=14, initial="0")
    schooling = forms.CharField(label=_("Schooling costs a month (yuan)"), max_length=14, initial="0")
    disability_care = forms.CharField(label=_("Disability care a month (yuan)"), max_length=14, initial="0")
    bank_card = forms.CharField(label=_("Bank card for payments"), max_length=25, required=False)


# The relations of the people besides the head, with an empty first choice: a blank card stays
# blank (it is not read as a spouse).
FAMILY_RELATIONS = [("", _("— choose —")), *(c for c in choices.Relation.choices if c[0] != "self")]


class _PersonCard(Form):
    """One person besides the head. A card without a name is left out; a named card needs its
    relation, and is checked by the service's own check of a person."""

    def person(self) -> dict | None:
        """The card as the service takes it (a blank value left out: the service's default
        applies), or None for a card without a name."""
        d = getattr(self, "cleaned_data", None) or {}
        if not (d.get("name") or "").strip():
            return None
        return {k: v for k, v in d.items() if v not in (None, "")} | {
            "monthly_income": d.get("monthly_income") or "0"
        }

    def clean(self):
        cleaned = super().clean()
        # the name as typed: a card whose name is refused still needs its relation
        if (self["name"].value() or "").strip() and not cleaned.get("relation"):
            self.add_error("relation", forms.ValidationError(_("Choose the relation."), code="required"))
        person = self.person()
        if person is not None:
            try:
                households.check_person(person)
            except ValidationError as exc:
                add_check_errors(self, exc)
        return cleaned


class PersonForm(_PersonCard):
    """One family member on the application: a card without name, relation and income is left
    out; a name needs its relation and the other way round."""

    relation = forms.ChoiceField(label=_("Relation"), choices=FAMILY_RELATIONS, required=False)
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50, required=False)
    monthly_income = forms.CharField(label=_("Monthly income (yuan)"), max_length=14, required=False)
    employment = forms.ChoiceField(label=_("Work"), choices=choices.Employment.choices, required=False)
    health = forms.ChoiceField(label=_("Health"), choices=choices.Health.choices, required=False)

    def clean(self):
        cleaned = super().clean()
        if not (self["name"].value() or "").strip() and (
            cleaned.get("relation") or (self["monthly_income"].value() or "").strip()
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


class EditForm(_HouseholdForm):
    """A file's household data and the head's row (the family is a formset of PersonEditForm)."""

    EXPENSES = (
        ("medical", "medical"),
        ("schooling", "schooling"),
        ("disability_care", "disability_care"),
        ("other", "other_expense"),
    )
    HOUSEHOLD = (
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
    field_order = [
        "housing",
        "main_cause",
        "secondary_causes",
        "medical_insurance",
        "zero_employment",
        "medical",
        "schooling",
        "disability_care",
        "other_expense",
        "event_kind",
        "event_compensation",
        "bank_name",
        "bank_card",
        "head_income",
        "head_health",
        "head_employment",
        "note",
    ]

    secondary_causes = forms.MultipleChoiceField(
        label=_("Other causes"),
        choices=choices.Cause.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
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
    bank_card = forms.CharField(
        label=_("New bank card number (empty: keep the current one)"), max_length=25, required=False
    )
    head_income = forms.CharField(label=_("Head's monthly income (yuan)"), max_length=14)
    head_health = forms.ChoiceField(label=_("Head's health"), choices=choices.Health.choices)
    head_employment = forms.ChoiceField(label=_("Head's work"), choices=choices.Employment.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

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

    def household(self) -> dict:
        """The changes as ``household_edit`` takes them: every field of the form (the
        compensation "0" when blank), the bank card only when a new number is typed."""
        d = self.cleaned_data
        out = super().household()
        if "event_compensation" in d:
            out["event_compensation"] = (d["event_compensation"] or "0").strip()
        if (d.get("bank_card") or "").strip():
            out["bank_card"] = d["bank_card"]
        return out


class PersonEditForm(_PersonCard):
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
