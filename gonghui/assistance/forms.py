"""Input shapes of the assistance pages (rules live in the services)."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.assistance import choices


class DibaoForm(forms.Form):
    division_code = forms.CharField(label=_("Division code (GB/T 2260)"), max_length=6)
    effective_from = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    monthly = forms.CharField(label=_("Yuan a month"), max_length=12)
    note = forms.CharField(label=_("Source"), max_length=200, required=False)


class PaymentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=choices.PaymentKind.choices)
    amount = forms.CharField(label=_("Amount (yuan)"), max_length=14)
    paid_on = forms.DateField(
        label=_("Paid on"), initial=datetime.date.today, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class VisitForm(forms.Form):
    visited_on = forms.DateField(
        label=_("Visited on"), initial=datetime.date.today, widget=forms.DateInput(attrs={"type": "date"})
    )
    visitor = forms.CharField(label=_("Visited by"), max_length=60)
    consent_signed = forms.BooleanField(label=_("The family signed the consent form"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ApplyForm(forms.Form):
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

    def expenses(self) -> list[dict]:
        out = []
        for kind in ("medical", "schooling", "disability_care"):
            value = (self.cleaned_data.get(kind) or "0").strip()
            if value not in ("", "0", "0.00"):
                out.append({"kind": kind, "monthly": value})
        return out


class PersonForm(forms.Form):
    """One family member on the application (empty rows are skipped)."""

    relation = forms.ChoiceField(
        label=_("Relation"), choices=[c for c in choices.Relation.choices if c[0] != "self"], required=False
    )
    name = forms.CharField(label=_("Name"), max_length=50, required=False)
    monthly_income = forms.CharField(label=_("Monthly income (yuan)"), max_length=14, required=False)
    employment = forms.ChoiceField(label=_("Work"), choices=choices.Employment.choices, required=False)
    health = forms.ChoiceField(label=_("Health"), choices=choices.Health.choices, required=False)
