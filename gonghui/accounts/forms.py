"""Input shape for the account pages. Password rules and lockout live in the services and
the authentication backend."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gonghui.accounts import services
from gonghui.core.forms import Form, natural_messages

TOKEN_LIFETIMES = [
    ("30", _("30 days")),
    ("90", _("90 days")),
    ("365", _("One year")),
    ("", _("No expiry")),
]


class LoginForm(AuthenticationForm):
    """Django's login form with one generic error: it never says whether the username
    exists or whether the password was wrong. When the sign-in limits refuse the client
    address (ADR 0013) it says so, and for how long — the same for known and unknown names."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Wrong username or password. After %(max)s failed attempts, signing in with this "
            "username from your network is locked for %(minutes)s minutes."
        ),
        "locked_name": _(
            "Too many failed sign-ins for this username from your network: signing in with it "
            "is locked for %(minutes)s minutes. Please try again later."
        ),
        "locked_address": _(
            "Too many failed sign-ins from your network: signing in is locked for %(minutes)s "
            "minutes. Please try again later."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update(autocapitalize="none", spellcheck="false")
        natural_messages(self)  # its base is Django's form, not core.forms.Form

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username is not None and password:
            refusal = services.login_refusal(address=services.client_of(self.request), username=username)
            if refusal is not None:
                code = "locked_address" if refusal.reason == "address" else "locked_name"
                raise ValidationError(
                    self.error_messages[code], code=code, params={"minutes": refusal.minutes}
                )
        return super().clean()

    def get_invalid_login_error(self):
        return ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={
                "max": settings.GONGHUI_LOGIN_MAX_FAILURES,
                "minutes": settings.GONGHUI_LOGIN_LOCK_MINUTES,
            },
        )


class PasswordChangeForm(Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error(
                "new_password2", ValidationError(_("The two new passwords differ."), code="mismatch")
            )
        return data

    # A wrong current password goes next to that field; password-rule failures next to the
    # new password.
    ERROR_FIELDS = {"wrong_password": "old_password", "*": "new_password1"}


class TokenCreateForm(Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the name of the system that uses it."),
        error_messages={"required": _("Give the token a name.")},
    )
    days = forms.ChoiceField(label=_("Valid for"), choices=TOKEN_LIFETIMES, required=False, initial="90")

    def clean_days(self) -> int | None:
        value = self.cleaned_data.get("days")
        return int(value) if value else None
