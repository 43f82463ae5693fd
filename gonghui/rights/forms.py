"""The rights app's forms. The worker's forms (filing, rating, finding a request) are shown
and validated; the officers' action forms on the detail page only render their fields — the
buttons post the values to the service, which checks them."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import Form, add_check_errors
from gonghui.core.text import clean
from gonghui.core.validators import validate_division_code
from gonghui.core.widgets import picked_division
from gonghui.organisations import scoping
from gonghui.organisations import selectors as org_selectors
from gonghui.organisations.forms import UnionField
from gonghui.rights.choices import AidForm, Category, Cause, Channel, Complexity
from gonghui.rights.services.requests import request_file_check


class RequestForm(Form):
    """The worker's form: phone first, few fields. Officers taking a call also pick a channel.

    Every problem shows on the first submit: besides the shapes, the form runs the service's
    own check of the whole request (``request_file_check``: the name and phone of someone
    filing without a member record, the place, the amount owed of unpaid wages …), so the
    answers are the service's. ``member``: the member record of the signed-in user, who files
    as themself unless a name or phone is typed (an officer taking a call for someone else);
    :attr:`member` is None afterwards in that case."""

    category = forms.ChoiceField(label=_("What is it about?"), choices=Category.choices)
    description = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000
    )
    name = forms.CharField(label=_("Full name"), max_length=50, required=False)
    phone = forms.CharField(label=_("Mobile number"), max_length=20, required=False)
    employer = forms.CharField(label=_("Employer"), max_length=120, required=False)
    work_division = forms.CharField(required=False, widget=forms.HiddenInput)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=Channel.choices, initial=Channel.APP, required=False
    )
    project = forms.CharField(label=_("Project or work site"), max_length=120, required=False)
    amount_owed = forms.CharField(
        label=_("Amount owed (yuan)"),
        max_length=20,
        required=False,  # required by the service for unpaid wages only
        help_text=_("Needed for unpaid wages."),
    )
    workers_count = forms.IntegerField(label=_("Number of workers"), min_value=1, required=False)

    def __init__(self, *args, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_work_division(self) -> str:
        code = picked_division(
            self.data,
            missing=_("Choose the province, city and district where you work."),
            incomplete=_("Choose the district or county where you work."),
        )
        return validate_division_code(code)

    def clean(self):
        data = super().clean()
        if clean(self.data.get("name", "")) or clean(self.data.get("phone", "")):
            self.member = None
        try:
            request_file_check(member=self.member, **self.filing())
        except ValidationError as exc:
            add_check_errors(self, exc)
        return data

    def filing(self) -> dict:
        """The fields as ``request_file`` takes them (with :attr:`member`): the channel of a
        worker filing themself is the app; an empty amount is none."""
        data = {name: self.cleaned_data.get(name, "") for name in self.fields}
        data.update(
            channel=data["channel"] or Channel.APP,
            amount_owed=data["amount_owed"] or None,
            workers_count=self.cleaned_data.get("workers_count"),
        )
        return data


class RateForm(Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment"), max_length=200, required=False)
    phone = forms.CharField(label=_("The mobile number you gave"), max_length=20, required=False)


class LookupForm(Form):
    """Find one's request by its number and the mobile number it was filed with."""

    number = forms.CharField(
        label=_("Request number"), max_length=30, help_text=_("For example RQ202506010007.")
    )
    phone = forms.CharField(label=_("The mobile number you gave"), max_length=20)


class ComplexityForm(Form):
    complexity = forms.ChoiceField(label=_("Complexity"), choices=Complexity.choices)
    reason = forms.CharField(label=_("Reason"), max_length=1000)


class RecoveryForm(Form):
    amount = forms.CharField(label=_("Amount recovered (yuan)"), max_length=20)
    recovered_on = forms.DateField(label=_("Date"))
    reason = forms.CharField(label=_("Reason if more than owed"), max_length=200, required=False)


class LegalAidForm(Form):
    cause = forms.ChoiceField(label=_("Cause"), choices=Cause.choices)
    form = forms.ChoiceField(label=_("Form of aid"), choices=AidForm.choices)
    monthly_income = forms.CharField(label=_("Monthly income (yuan)"), max_length=20)
    amount_in_dispute = forms.CharField(label=_("Amount in dispute (yuan)"), max_length=20, required=False)
    knew_on = forms.DateField(label=_("Knew of the infringement on"))
    employment_ended_on = forms.DateField(
        label=_("Employment ended on"),
        required=False,
        help_text=_("Leave empty while the employment continues."),
    )


class TransferForm(Form):
    """The union a request is passed to, on the detail page: any active union in the
    country (codes and names are public; the service's rule), typed by name, pinyin or code."""

    to = UnionField(label=_("Union"), action=org_selectors.ANY_UNION, as_code=True)


def transfer_target(user, posted) -> str:
    """The code of the union the posted transfer names, for the service. Several matches are
    refused with their names and codes (the detail page goes back to itself, so the message
    carries the choice); none is passed on as typed for the service's ``org_unknown``."""
    form = TransferForm(posted)
    form.fields["to"].user = user
    if form.is_valid():
        return form.cleaned_data["to"]
    field = form.fields["to"]
    if form.has_error("to", "org_ambiguous"):
        names = "、".join(f"{o.name}（{o.code}）" for o in field.widget.matches)
        raise ValidationError(
            {
                "to": ValidationError(
                    _("Several unions match “%(q)s”: %(names)s. Choose one of them."),
                    code="org_ambiguous",
                    params={"q": posted.get("to", ""), "names": names},
                )
            }
        )
    return posted.get("to", "")


class NeedForm(Form):
    organisation = UnionField(label=_("Union"), as_code=True)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.user, field.action = user, scoping.Action.HANDLE_REQUESTS

    title = forms.CharField(label=_("Need"), max_length=120)
    owner = forms.CharField(label=_("Owner"), max_length=60)
    deadline = forms.DateField(label=_("Deadline"))
    request_id = forms.UUIDField(label=_("From request (id)"), required=False)
