"""Organisation pages: the tree browser, an organisation's page with its edit, add-child, move
and role forms, and the audit log.

Every organisation is fetched with ``scoping.get_organisation_or_404`` (404 for "missing"
and "not yours" alike, 403 when visible but the role does not allow the action); every
change goes through ``organisations.services``.
"""

import functools
import math
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gonghui.core import divisions, pagination
from gonghui.core.forms import add_service_error
from gonghui.organisations import forms, scoping, selectors, services

Action = scoping.Action
CHILDREN_PER_PAGE = 50
TREE_CHILDREN_LIMIT = 200


def officer_required(view):
    """Signed in (else to the login page) and holding an officer role somewhere (else 403)."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not scoping.has_any(request.user, Action.VIEW):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def is_fragment_request(request, target: str) -> bool:
    """An htmx request that swaps only the element ``target`` (not a history restore, which
    needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and htmx.target == target and not htmx.history_restore_request


@dataclass
class PageOf:
    """One page of a list, for ``organisations/_pager.html``."""

    items: list
    count: int
    number: int
    page_size: int
    rows: list = field(default_factory=list)

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1


def _page_number(value) -> int:
    """``?page=`` as a whole number; anything else (missing, ``abc``, ``1.5``) is page 1."""
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return 1


def paginate(request, queryset, page_size: int = pagination.DEFAULT_PAGE_SIZE, param: str = "page") -> PageOf:
    """The page asked for in ``?page=``: a number below 1 or not a number gives the first page,
    one past the end the last. The number is clamped before the queryset is sliced, so a
    huge one never reaches the database as an out-of-range offset."""
    count = queryset.count()
    last = max(1, math.ceil(count / page_size))
    number = min(max(_page_number(request.GET.get(param)), 1), last)
    offset = (number - 1) * page_size
    items = list(queryset[offset : offset + page_size])
    return PageOf(items=items, count=count, number=number, page_size=page_size)


# ---- the tree --------------------------------------------------------------------------


@officer_required
def tree(request):
    form = forms.OrganisationSearchForm(request.GET or None)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results = list(selectors.search(request.user, q, limit=50)) if q else None
    if is_fragment_request(request, "org-search-results"):
        response = render(request, "organisations/_search_results.html", {"results": results, "q": q})
        patch_vary_headers(response, ("HX-Request", "HX-Target"))
        return response
    roots = [
        (root, list(selectors.children(request.user, root)[:TREE_CHILDREN_LIMIT]))
        for root in scoping.home_organisations(request.user)
    ]
    response = render(
        request,
        "organisations/tree.html",
        {"form": form, "q": q, "results": results, "roots": roots, "limit": TREE_CHILDREN_LIMIT},
    )
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@officer_required
def children(request, code):
    """The children of one node, as the fragment the tree expands with."""
    org = scoping.get_organisation_or_404(request.user, code)
    return render(
        request,
        "organisations/_children.html",
        {
            "parent": org,
            "children": list(selectors.children(request.user, org)[:TREE_CHILDREN_LIMIT]),
            "limit": TREE_CHILDREN_LIMIT,
        },
    )


# ---- one organisation ------------------------------------------------------------------


def _detail(request, org, **overrides):
    user = request.user
    chain = selectors.ancestors_visible(user, org)
    parent = chain[-2] if len(chain) > 1 and chain[-2].depth == org.depth - 1 else None
    can = {
        "stats": scoping.can(user, Action.VIEW_STATS, org),
        "manage": scoping.can(user, Action.MANAGE_ORGANISATIONS, org),
        "move": parent is not None and scoping.can(user, Action.MANAGE_ORGANISATIONS, parent),
        "roles": scoping.can(user, Action.MANAGE_ROLES, org),
        "members": scoping.can(user, Action.MANAGE_MEMBERS, org),
        "audit": scoping.can(user, Action.VIEW_AUDIT, org),
    }
    context = {
        "org": org,
        "crumbs": chain[:-1],
        "parent": parent,
        "division_name": divisions.full_name(org.division_code) if org.division_code else "",
        "can": can,
        "children_page": paginate(request, selectors.children(user, org), CHILDREN_PER_PAGE),
        "roles": list(selectors.role_assignments(user, org)) if can["roles"] else None,
        "role_form": forms.RoleAssignForm() if can["roles"] else None,
    }
    context.update(overrides)
    return render(request, "organisations/detail.html", context)


@officer_required
def detail(request, code):
    return _detail(request, scoping.get_organisation_or_404(request.user, code))


@officer_required
def edit(request, code):
    org = scoping.get_organisation_or_404(request.user, code, Action.MANAGE_ORGANISATIONS)
    initial = {name: getattr(org, name) for name in services.EDITABLE_FIELDS}
    form = forms.OrganisationEditForm(request.POST or None, initial=initial, kind=org.kind)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(actor=request.user, organisation=org, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc, form.ERROR_FIELDS)
        else:
            messages.success(request, _("The organisation is saved."))
            return redirect("organisations:detail", code=org.code)
    return render(
        request,
        "organisations/form.html",
        {"org": org, "form": form, "title": _("Edit %(name)s") % {"name": org.name}},
    )


@officer_required
def new_child(request, code):
    parent = scoping.get_organisation_or_404(request.user, code, Action.MANAGE_ORGANISATIONS)
    form = forms.OrganisationCreateForm(request.POST or None, initial={"division_code": parent.division_code})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        kind, org_code = data.pop("kind"), data.pop("code")
        if not data.get("grassroots_type"):
            data.pop("grassroots_type", None)
        try:
            child = services.organisation_create(
                actor=request.user, parent=parent, kind=kind, code=org_code, **data
            )
        except ValidationError as exc:
            add_service_error(form, exc, form.ERROR_FIELDS)
        else:
            messages.success(request, _("%(name)s is added.") % {"name": child.name})
            return redirect("organisations:detail", code=child.code)
    return render(
        request,
        "organisations/form.html",
        {"org": parent, "form": form, "title": _("New organisation under %(name)s") % {"name": parent.name}},
    )


@officer_required
def move(request, code):
    org = scoping.get_organisation_or_404(request.user, code, Action.MANAGE_ORGANISATIONS)
    form = forms.OrganisationMoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        new_parent = (
            scoping.visible_organisations(request.user, Action.MANAGE_ORGANISATIONS)
            .filter(code=form.cleaned_data["new_parent"].strip().upper())
            .first()
        )
        if new_parent is None:
            form.add_error("new_parent", _("No organisation with this code is within your reach."))
        else:
            try:
                services.organisation_move(actor=request.user, organisation=org, new_parent=new_parent)
            except ValidationError as exc:
                add_service_error(form, exc, form.ERROR_FIELDS)
            except (PermissionDenied, Http404):
                # The organisation and the new parent are the user's; the current parent is not.
                form.add_error(
                    None,
                    _("Moving needs the right to manage both the current and the new parent organisation."),
                )
            else:
                messages.success(
                    request,
                    _("%(name)s now sits under %(parent)s.") % {"name": org.name, "parent": new_parent.name},
                )
                return redirect("organisations:detail", code=org.code)
    return render(
        request,
        "organisations/form.html",
        {"org": org, "form": form, "title": _("Move %(name)s") % {"name": org.name}},
    )


@officer_required
@require_POST
def role_assign(request, code):
    org = scoping.get_organisation_or_404(request.user, code, Action.MANAGE_ROLES)
    form = forms.RoleAssignForm(request.POST)
    if form.is_valid():
        user = selectors.active_user_by_username(form.cleaned_data["username"])
        if user is None:
            form.add_error("username", _("There is no active user with this username."))
        else:
            try:
                services.role_assign(
                    actor=request.user, user=user, organisation=org, role=form.cleaned_data["role"]
                )
            except ValidationError as exc:
                add_service_error(form, exc, form.ERROR_FIELDS)
            else:
                messages.success(request, _("%(user)s now holds the role.") % {"user": user.get_username()})
                return redirect("organisations:detail", code=org.code)
    return _detail(request, org, role_form=form)


@officer_required
@require_POST
def role_revoke(request, code, assignment_id):
    org = scoping.get_organisation_or_404(request.user, code, Action.MANAGE_ROLES)
    assignment = selectors.role_assignment_or_404(request.user, org, assignment_id)
    try:
        services.role_revoke(actor=request.user, assignment=assignment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(user)s no longer holds the role %(role)s.")
            % {"user": assignment.user.get_username(), "role": assignment.get_role_display()},
        )
    return redirect(reverse("organisations:detail", kwargs={"code": org.code}) + "#roles")


# ---- audit log -------------------------------------------------------------------------


# Readable names of the audit action codes (the code stays visible beside it); a code not
# listed here is shown as it is.
ACTION_LABELS = {
    "accounts.token.created": gettext_lazy("API token created"),
    "accounts.token.revoked": gettext_lazy("API token revoked"),
    "accounts.user.created": gettext_lazy("User created"),
    "accounts.user.locked": gettext_lazy("Sign-in locked"),
    "accounts.user.unlocked": gettext_lazy("Sign-in unlocked"),
    "accounts.user.password_changed": gettext_lazy("Password changed"),
    "accounts.user.password_reset": gettext_lazy("Password reset by an operator"),
    "members.dues.recorded": gettext_lazy("Dues recorded"),
    "members.enrolment.submitted": gettext_lazy("Application submitted"),
    "members.enrolment.approved": gettext_lazy("Application approved"),
    "members.enrolment.rejected": gettext_lazy("Application rejected"),
    "members.member.created": gettext_lazy("Member added"),
    "members.member.updated": gettext_lazy("Member record edited"),
    "members.member.pii_revealed": gettext_lazy("Personal data revealed"),
    "members.member.user_linked": gettext_lazy("Member linked to a login"),
    "members.member.converted": gettext_lazy("Pre-member became member"),
    "members.member.retained": gettext_lazy("Membership retained"),
    "members.member.restored": gettext_lazy("Membership restored"),
    "members.member.expelled": gettext_lazy("Expelled"),
    "members.member.withdrawn": gettext_lazy("Withdrawn"),
    "members.member.rejoined": gettext_lazy("Rejoined"),
    "members.member.transferred": gettext_lazy("Transferred in"),
    "members.personal_data.rotated": gettext_lazy("Personal data re-encrypted"),
    "members.transfer.requested": gettext_lazy("Transfer requested"),
    "members.transfer.released": gettext_lazy("Transfer released"),
    "members.transfer.accepted": gettext_lazy("Transfer accepted"),
    "members.transfer.refused": gettext_lazy("Transfer refused"),
    "members.transfer.cancelled": gettext_lazy("Transfer cancelled"),
    "organisations.organisation.created": gettext_lazy("Organisation created"),
    "organisations.organisation.updated": gettext_lazy("Organisation edited"),
    "organisations.organisation.moved": gettext_lazy("Organisation moved"),
    "organisations.role.assigned": gettext_lazy("Role given"),
    "organisations.role.revoked": gettext_lazy("Role revoked"),
}

# Change keys that are not a field of the entry's own model, and the field they record.
CHANGE_FIELD_ALIASES = {
    ("members.transfer", "member_status"): ("members.member", "status"),
    ("members.transfer", "organisation"): ("members.member", "organisation"),
    ("members.enrolment", "member_no"): ("members.member", "member_no"),
    ("accounts.user", "superuser"): ("accounts.user", "is_superuser"),
}

# Names for change keys that record no model field.
CHANGE_NAMES = {
    "to": gettext_lazy("New union"),
    "parent": gettext_lazy("Parent"),
    "user": gettext_lazy("User"),
    "from_network": gettext_lazy("From network"),
    "from_address_ref": gettext_lazy("Address reference"),
}


@dataclass
class AuditChange:
    """One ``{field: [before, after]}`` item of an audit entry, ready to show."""

    code: str
    name: str
    before: object  # None: the entry has no "before" (a creation)
    after: object


def _audited_field(object_type: str, name: str):
    """The model field a change key records, found through the entry's ``object_type``
    (``app_label.model_name``) so this app needs no import of the apps that write entries."""
    object_type, name = CHANGE_FIELD_ALIASES.get((object_type, name), (object_type, name))
    try:
        return apps.get_model(object_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None


def _readable_value(field, value):
    """A recorded value as people read it: Yes/No, a choice's label, "—" for blank."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value == "":
        return "—"
    choices = {str(code): label for code, label in getattr(field, "flatchoices", None) or ()}
    if str(value) in choices:
        return choices[str(value)]
    # Role assignments are recorded as "username:role".
    owner, colon, code = str(value).rpartition(":")
    if colon and code in choices:
        return f"{owner}: {choices[code]}"
    return value


def _change_rows(object_type: str, changes) -> list[AuditChange]:
    """``{field: [before, after]}`` as readable rows; other shapes are shown as they are."""
    rows = []
    for code, value in (changes or {}).items():
        before, after = value if isinstance(value, (list, tuple)) and len(value) == 2 else (None, value)
        field = _audited_field(object_type, code)
        # Only a translated verbose name reads better than the code.
        verbose_name = getattr(field, "verbose_name", None)
        name = capfirst(verbose_name) if isinstance(verbose_name, Promise) else CHANGE_NAMES.get(code, code)
        rows.append(AuditChange(code, name, _readable_value(field, before), _readable_value(field, after)))
    return rows


@login_required
def audit_log(request):
    if not scoping.has_any(request.user, Action.VIEW_AUDIT):
        raise PermissionDenied
    form = forms.AuditFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    organisation = None
    queryset = None
    if data.get("organisation"):
        organisation = (
            scoping.visible_organisations(request.user, Action.VIEW_AUDIT)
            .filter(code=data["organisation"].strip().upper())
            .first()
        )
        if organisation is None:
            form.add_error("organisation", _("No organisation with this code is within your reach."))
            queryset = selectors.audit_entries(request.user).none()
    if queryset is None:
        queryset = selectors.audit_entries(
            request.user,
            organisation=organisation,
            action_prefix=(data.get("action") or "").strip(),
            object_id=(data.get("object") or "").strip(),
        )
    page = paginate(request, queryset)
    page.rows = [
        (entry, ACTION_LABELS.get(entry.action, entry.action), _change_rows(entry.object_type, entry.changes))
        for entry in page.items
    ]
    return render(request, "organisations/audit.html", {"form": form, "page": page})
