"""Input shape of the idea form (the service does the real checks)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import Form
from gonghui.innovation import attachments
from gonghui.innovation.choices import IdeaKind, ProjectStatus, StudioLevel
from gonghui.innovation.services.ideas import TEXT_MAX  # the service's limit on an idea's texts
from gonghui.organisations import scoping
from gonghui.organisations.forms import DateInput, UnionField

Action = scoping.Action


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks size and type."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class IdeaForm(Form):
    """A member's idea. The lengths are the service's; the attachments are checked here with
    the service's own check, because a file input is empty again after every answer: a file
    error held back for a second round would make the worker choose the files twice."""

    kind = forms.ChoiceField(label=_("Kind of idea"), choices=IdeaKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=120)
    problem = forms.CharField(
        label=_("What is the problem?"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write down the problem you met.")},
    )
    proposal = forms.CharField(
        label=_("What do you propose?"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write down what you propose.")},
    )
    expected_benefit = forms.CharField(
        label=_("Expected benefit"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Photos or sketches: PDF, PNG or JPEG, at most 5 files of 5 MB each."),
        widget=MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        try:
            attachments.check(files)
        except ValidationError as exc:
            raise ValidationError(exc.error_dict["attachments"]) from None
        finally:
            for f in files:
                f.seek(0)  # the service reads them again when the idea is saved
        return files


# ---- officer forms: studios, alliances, idea experts and thresholds ----------------------------
# Shapes only: the services check scope, the lead's honours, membership and the rest, and their
# keyed errors land on these fields (gonghui.core.forms.add_service_error).


def _date(label, **kwargs):
    return forms.DateField(label=label, widget=DateInput, **kwargs)


def _union_field(user, label, help_text=""):
    return UnionField(label=label, help_text=help_text, user=user, action=Action.MANAGE_INNOVATION)


class UnionChoiceForm(Form):
    """The union whose idea thresholds the thresholds page shows (a filter: empty is the
    officer's own)."""

    organisation = UnionField(label=_("Union"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].user = user


class StudioForm(Form):
    name = forms.CharField(label=_("Studio name"), max_length=120)
    organisation = UnionField(label=_("Owning union"))  # scoped to the user in __init__
    employer = forms.CharField(label=_("Host enterprise"), max_length=120)
    industry = forms.CharField(label=_("Industry"), max_length=60, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=StudioLevel.choices)
    named_on = _date(_("Named on"))
    naming_body = forms.CharField(
        label=_("Naming body"), max_length=120, help_text=_("The union that named the studio.")
    )
    lead = forms.CharField(
        label=_("Lead (member number)"),
        max_length=20,
        help_text=_("A member of the owning union or a union under it; search by name below."),
    )
    lead_honour_note = forms.CharField(
        label=_("Reason if the lead has no honour in the registry"),
        max_length=200,
        required=False,
        help_text=_(
            "A studio is led by an honoured worker. If the lead's honour is not in the honours "
            "registry, say which honour, conferred by whom and when. Kept on the studio and in the "
            "audit log."
        ),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = _union_field(
            user, _("Owning union"), _("A union where you manage innovation.")
        )
        self.fields["lead"].widget.attrs.update({"autocomplete": "off", "id": "id_lead"})


class TeamMemberForm(Form):
    member = forms.CharField(label=_("Member number"), max_length=20)
    role = forms.CharField(label=_("Role in the team"), max_length=60, required=False)
    joined_on = _date(_("Joined on"), required=False, help_text=_("Today if empty."))


class AllianceForm(Form):
    name = forms.CharField(label=_("Alliance name"), max_length=120)
    organisation = UnionField(label=_("Founding union"))  # scoped to the user in __init__
    founded_on = _date(_("Founded on"))
    charter = forms.CharField(label=_("Charter"), required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # the founding union is fixed: it owns the alliance (and its scope)
            del self.fields["organisation"]
        else:
            self.fields["organisation"] = _union_field(user, _("Founding union"))
        self.order_fields(["name", "organisation", "founded_on", "charter"])


class AllianceStudioForm(Form):
    studio = forms.ChoiceField(label=_("Studio"))
    joined_on = _date(_("Joined on"), required=False, help_text=_("Today if empty."))

    def __init__(self, *args, studios=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["studio"].choices = [("", "—")] + [(str(s.pk), str(s)) for s in studios]


class LeadTermForm(Form):
    studio = forms.ChoiceField(label=_("Lead studio"))
    starts_on = _date(_("Term starts"))
    ends_on = _date(_("Term ends"))

    def __init__(self, *args, studios=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["studio"].choices = [("", "—")] + [(str(s.pk), str(s)) for s in studios]


class JointProjectForm(Form):
    title = forms.CharField(label=_("Project title"), max_length=200)
    studios = forms.MultipleChoiceField(
        label=_("Studios involved"), widget=forms.CheckboxSelectMultiple, required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=ProjectStatus.choices)

    def __init__(self, *args, studios=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["studios"].choices = [(str(s.pk), str(s)) for s in studios]


class ExpertForm(Form):
    expert = forms.ChoiceField(label=_("An officer in your scope"), required=False)
    username = forms.CharField(
        label=_("or a username"),
        max_length=150,
        required=False,
        help_text=_("An expert from outside the union's officers: the login they sign in with."),
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].choices = [("", "—")] + [(str(u.pk), u.get_username()) for u in candidates]

    def clean(self):
        data = super().clean()
        if not data.get("expert") and not (data.get("username") or "").strip():
            raise forms.ValidationError(_("Choose an officer or type a username."), code="required")
        return data


class IdeaSettingsForm(Form):
    support_threshold = forms.IntegerField(
        label=_("Supports needed for review"),
        min_value=1,
        max_value=100000,
        help_text=_("An idea with this many supports goes to expert review by itself."),
    )
    report_threshold = forms.IntegerField(
        label=_("Reports that hide an idea"),
        min_value=1,
        max_value=100000,
        help_text=_("This many open reports hide an idea until a moderator decides."),
    )
    review_days = forms.IntegerField(
        label=_("Days for the expert review"),
        min_value=1,
        max_value=365,
        help_text=_("The review is due this many days after it starts."),
    )
