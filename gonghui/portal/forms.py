"""Input shapes of the portal's pages (checked again by the services they feed)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import Form


class UnionSearchForm(Form):
    """Step 1 of moving: part of the new union's name, its pinyin or its district."""

    q = forms.CharField(
        label=_("Name, pinyin or district of the new union"),
        help_text=_("For example 快递, kuaidi or 雁塔. No code needed."),
        max_length=40,
        error_messages={"required": _("Type part of the new union's name.")},
    )


class MoveReasonForm(Form):
    """Step 3 of moving: why (the chosen union is in the URL)."""

    reason = forms.CharField(
        label=_("Why are you moving?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why you are moving (for example, a new job).")},
    )


class InformationForm(Form):
    """What the worker adds to an open request."""

    text = forms.CharField(
        label=_("What do you want to add?"),
        help_text=_("A date, an amount, a name, what happened since: the union handling it reads it."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write what you want to add.")},
    )


class OwnRatingForm(Form):
    """The signed-in filer rates a closed request (no phone number needed)."""

    rating = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose from 1 to 5.")},
    )
    comment = forms.CharField(label=_("Comment"), max_length=200, required=False)


class VerifyForm(Form):
    """认证: the name and ID number of the member record the account belongs to."""

    name = forms.CharField(label=_("Full name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class NewPhoneForm(Form):
    """Changing the phone, step 1: the new number, a code is sent to it."""

    phone = forms.CharField(label=_("New mobile number"), max_length=20)


class NewPhoneCodeForm(Form):
    """Changing the phone, step 2: the new number again (carried from step 1) and its code."""

    phone = forms.CharField(label=_("New mobile number"), max_length=20)
    code = forms.CharField(label=_("SMS code"), max_length=6, min_length=6)
