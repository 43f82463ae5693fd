"""Input shapes of the officer pages (validation of meaning is in the services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.competitions.choices import Kind, Stage
from gonghui.core.forms import Form
from gonghui.members.choices import SkillGrade
from gonghui.organisations import scoping
from gonghui.organisations.forms import UnionField


class CompetitionForm(Form):
    organisation = UnionField(label=_("Organiser"), action=scoping.Action.MANAGE_COMPETITIONS, as_code=True)
    title = forms.CharField(label=_("Title"), max_length=200)
    theme = forms.CharField(label=_("Theme"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind of competition"), choices=Kind.choices, initial=Kind.SKILLS)
    occupation = forms.CharField(label=_("Occupation"), max_length=60)
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    registration_opens = forms.DateTimeField(
        label=_("Registration opens"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    registration_closes = forms.DateTimeField(
        label=_("Registration closes"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    min_age = forms.IntegerField(label=_("Minimum age"), required=False, min_value=0, max_value=120)
    max_age = forms.IntegerField(label=_("Maximum age"), required=False, min_value=0, max_value=120)
    min_skill_grade = forms.ChoiceField(
        label=_("Minimum skill grade"), choices=[("", "—"), *SkillGrade.choices], required=False
    )
    theory_weight = forms.DecimalField(
        label=_("Theory weight"), initial="0.30", max_digits=4, decimal_places=3
    )
    allow_high_theory_weight = forms.BooleanField(label=_("Allow a theory weight above 0.30"), required=False)
    appeal_window_hours = forms.IntegerField(label=_("Appeal window (hours)"), initial=2, min_value=1)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].user = user
