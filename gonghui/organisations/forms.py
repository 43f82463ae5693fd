"""Input shapes for the organisation pages. Validation of meaning (codes, divisions, scope)
happens in ``organisations.services``; its errors, keyed by field, are put back on these forms
by :func:`gonghui.core.web.form_action`."""

from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.core import audit
from gonghui.core.forms import Form
from gonghui.core.validators import validate_credit_code
from gonghui.organisations import scoping, selectors
from gonghui.organisations.choices import GrassrootsType, Kind, Ownership, Role
from gonghui.organisations.models import Organisation


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


# ---- the union picker ----------------------------------------------------------------------
# Every field where a person chooses a union is a UnionField (docs/dev/adding-a-feature.md).

# The radio buttons the form shows under the box when several unions match what was typed.
PICK_SUFFIX = "_pick"


def picked_text(org: Organisation) -> str:
    """A chosen union as the picker writes it into its box: read by people, and resolved by
    the trailing code to exactly this union (selectors.union_matches)."""
    return f"{org.name}（{org.code}）"


class UnionPicker(forms.TextInput):
    """A text box for a union, typed by name, pinyin, initials or code. Without JavaScript it
    is a plain box whose form shows the matches as radio buttons when several unions match;
    with htmx a list of matches from ``organisations:pick`` appears under it while typing
    (choosing one is gonghui.js's ``data-pick-union``)."""

    template_name = "organisations/_union_picker.html"

    def __init__(self, attrs=None):
        defaults = {
            "autocomplete": "off",
            "spellcheck": "false",
            "placeholder": _("Name, pinyin initials or code"),
        }
        super().__init__({**defaults, **(attrs or {})})
        self.action = scoping.Action.VIEW
        self.matches: list[Organisation] = []
        self.more = False

    def value_from_datadict(self, data, files, name):
        # A union chosen among the offered matches wins over the ambiguous text.
        return data.get(name + PICK_SUFFIX) or data.get(name)

    def format_value(self, value):
        if isinstance(value, Organisation):
            return picked_text(value)
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        query = urlencode({"action": self.action, "field": name})
        context["widget"].update(
            pick_url=f"{reverse('organisations:pick')}?{query}",
            pick_name=name + PICK_SUFFIX,
            matches=self.matches,
            more=self.more,
        )
        return context


class UnionField(forms.CharField):
    """A union chosen by what people know of it — its name, pinyin, initials or code —
    among the unions ``user`` may choose for ``action`` (``selectors.ANY_UNION``: any active
    union). Cleans to the Organisation, or to its code with ``as_code=True`` for services
    that take a code; exactly one union must be meant: several matches are offered as choices
    (``org_ambiguous``), none is ``org_unknown`` (missing and out of reach alike)."""

    widget = UnionPicker

    def __init__(self, *, user=None, action: str = scoping.Action.VIEW, as_code: bool = False, **kwargs):
        kwargs.setdefault("max_length", 160)
        super().__init__(**kwargs)
        self.user = user
        self.action = action
        self.as_code = as_code

    @property
    def action(self) -> str:
        return self.widget.action

    @action.setter
    def action(self, value: str) -> None:
        # The widget asks the fragment endpoint for matches of the same action.
        self.widget.action = value

    def clean(self, value):
        text = super().clean(value)
        self.widget.matches, self.widget.more = [], False
        if not text:
            return "" if self.as_code else None
        pick = selectors.union_pick(self.user, text, self.action)
        if pick.organisation is not None:
            return pick.organisation.code if self.as_code else pick.organisation
        if pick.matches:
            self.widget.matches, self.widget.more = pick.matches, pick.more
            raise forms.ValidationError(
                _("Several unions match “%(q)s”: choose one below, or type more of its name."),
                code="org_ambiguous",
                params={"q": text},
            )
        raise forms.ValidationError(
            _("No union you may choose here matches “%(q)s”."), code="org_unknown", params={"q": text}
        )


class OrganisationSearchForm(Form):
    q = forms.CharField(
        label=_("Name or code"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. 西安 or 610100")}),
    )


class OrganisationEditForm(Form):
    """The descriptive fields an administrator may change (not the code, kind or place)."""

    name = forms.CharField(label=_("Name"), max_length=120)
    short_name = forms.CharField(label=_("Short name"), max_length=40, required=False)
    grassroots_type = forms.ChoiceField(
        label=_("Grassroots type"), choices=GrassrootsType.choices, required=False
    )
    division_code = forms.CharField(
        label=_("Division code"),
        max_length=6,
        required=False,
        help_text=_("Six-digit GB/T 2260 code of the place, e.g. 610113."),
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    host_name = forms.CharField(label=_("Host unit"), max_length=120, required=False)
    host_credit_code = forms.CharField(label=_("Host unit credit code"), max_length=18, required=False)
    host_industry = forms.CharField(label=_("Host unit industry"), max_length=60, required=False)
    host_ownership = forms.ChoiceField(
        label=_("Host unit ownership"), choices=[("", "—"), *Ownership.choices], required=False
    )
    host_staff_count = forms.IntegerField(label=_("Host unit staff"), min_value=0, required=False)
    founded_on = forms.DateField(label=_("Founded on"), required=False, widget=DateInput)
    chairman = forms.CharField(label=_("Chairman"), max_length=50, required=False)
    chairman_term_start = forms.DateField(label=_("Chairman's term starts"), required=False, widget=DateInput)
    chairman_term_end = forms.DateField(label=_("Chairman's term ends"), required=False, widget=DateInput)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, kind: str = Kind.GRASSROOTS, **kwargs):
        super().__init__(*args, **kwargs)
        if kind != Kind.GRASSROOTS:
            del self.fields["grassroots_type"]

    def clean_host_credit_code(self) -> str:
        value = self.cleaned_data["host_credit_code"]
        return validate_credit_code(value) if value.strip() else ""

    def clean(self):
        data = super().clean()
        start, end = data.get("chairman_term_start"), data.get("chairman_term_end")
        if start and end and end < start:
            self.add_error("chairman_term_end", _("The term cannot end before it starts."))
        return data


class OrganisationCreateForm(OrganisationEditForm):
    """A new organisation under the current one."""

    field_order = ["kind", "code", "name"]

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_(
            "Local federations: their division code. Grassroots unions: the union's 18-character "
            "credit code, or an internal code of capitals, digits and hyphens."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, kind=Kind.GRASSROOTS, **kwargs)
        del self.fields["is_active"]
        self.fields["grassroots_type"].help_text = _("Only for grassroots unions.")


class OrganisationMoveForm(Form):
    new_parent = UnionField(
        label=_("New parent"),
        action=scoping.Action.MANAGE_ORGANISATIONS,
        as_code=True,
        help_text=_("The organisation to move this one under: its name, pinyin initials or code."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].user = user


# Least right first, and nothing chosen until the administrator picks: a slip of the
# finger must not hand out administration.
ROLE_ORDER = [
    Role.MEMBER,
    Role.VIEWER,
    Role.STATION_KEEPER,
    Role.JUDGE,
    Role.SUPERVISOR,
    Role.OFFICER,
    Role.ADMIN,
]


class RoleAssignForm(Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", _("— choose a role —"))] + [(r.value, r.label) for r in ROLE_ORDER],
        error_messages={"required": _("Choose a role.")},
    )


def audit_action_choices() -> list:
    """What the audit page can be narrowed to, by name: every action of one app, or one
    action, grouped by app (each app's ``AuditAction``). An app's value ends with a dot (the
    start of its codes); an action's is its code."""
    choices: list = [("", _("All actions"))]
    for config, actions in audit.declared_by_app():
        everything = (f"{config.label}.", _("Everything in %(app)s") % {"app": config.verbose_name})
        choices.append((config.verbose_name, [everything, *actions]))
    return choices


class AuditFilterForm(Form):
    action = forms.ChoiceField(label=_("Action"), required=False, choices=audit_action_choices)
    # Set by the "everything that happened to it" links; the page shows the record's name.
    object = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    organisation = UnionField(label=_("Organisation"), required=False, action=scoping.Action.VIEW_AUDIT)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].user = user
