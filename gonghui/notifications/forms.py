from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import Form


class PreferenceForm(Form):
    """Input shape only: the service checks the times and the language."""

    sms = forms.BooleanField(label=_("Send me an SMS"), required=False)
    email = forms.BooleanField(label=_("Send me an e-mail"), required=False)
    quiet_start = forms.CharField(label=_("Quiet hours from"), max_length=8)
    quiet_end = forms.CharField(label=_("Quiet hours until"), max_length=8)
    language = forms.ChoiceField(label=_("Language of messages"), choices=settings.LANGUAGES)
