"""Organisation pages: the tree browser, an organisation's page with its edit, add-child, move
and role forms, and the audit log.

Every organisation is fetched with ``scoping.get_organisation_or_404`` (404 for "missing"
and "not yours" alike, 403 when visible but the role does not allow the action); every
change goes through ``organisations.services``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core import divisions
from gonghui.core.forms import add_service_error
from gonghui.core.web import is_fragment_request, paginate
from gonghui.organisations import auditlog, forms, scoping, selectors, services
from gonghui.organisations.permissions import officer_required

Action = scoping.Action
CHILDREN_PER_PAGE = 50
TREE_CHILDREN_LIMIT = 200


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
    page.rows = auditlog.readable(page.items)
    return render(request, "organisations/audit.html", {"form": form, "page": page})
