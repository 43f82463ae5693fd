"""Organisation pages: the tree browser, an organisation's page with its edit, add-child, move
and role forms, and the audit log.

Every organisation is fetched with ``scoping.get_organisation_or_404`` (404 for "missing"
and "not yours" alike, 403 when visible but the role does not allow the action); every
change goes through ``organisations.services``.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core import divisions
from gonghui.core.web import form_action, is_fragment_request, paginate
from gonghui.organisations import auditlog, forms, permissions, scoping, selectors, services
from gonghui.organisations.permissions import audit_reader_required, officer_required

Action = scoping.Action
CHILDREN_PER_PAGE = 50
TREE_CHILDREN_LIMIT = 200


# ---- the union picker ------------------------------------------------------------------

# What a picker may ask for: the scoping actions, and any active union (a transfer's target).
PICK_ACTIONS = {v for k, v in vars(Action).items() if k.isupper()} | {selectors.ANY_UNION}


@login_required
def pick(request):
    """The type-ahead list under a union picker (``?q=&action=&field=``): the unions the user
    may choose for ``action`` that match ``q``, the field's own parameter standing in for
    ``q`` (htmx sends only the box, under its name: a filter form's own ``q`` never stands in
    for it). Nothing outside the user's scope ever shows."""
    action = request.GET.get("action", Action.VIEW)
    if action not in PICK_ACTIONS:
        raise Http404
    field = request.GET.get("field", "")
    q = request.GET.get(field) if field and field not in {"action", "field"} else None
    if q is None:
        q = request.GET.get("q")
    q = (q or "").strip()
    found = list(selectors.union_matches(request.user, q, action)[: selectors.PICK_LIMIT + 1]) if q else []
    response = render(
        request,
        "organisations/_union_picks.html",
        {"q": q, "matches": found[: selectors.PICK_LIMIT], "more": len(found) > selectors.PICK_LIMIT},
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


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
        "manage": permissions.can_change_organisation(user, org),
        "move": parent is not None and permissions.can_move_organisation(user, org),
        "roles": permissions.can_manage_roles(user, org),
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
    if (
        request.method == "POST"
        and form_action(
            request,
            lambda data: services.organisation_update(actor=request.user, organisation=org, **data),
            form=form,
            success=_("The organisation is saved."),
        ).ok
    ):
        return redirect("organisations:detail", code=org.code)
    return render(
        request,
        "organisations/form.html",
        {"org": org, "form": form, "title": _("Edit %(name)s") % {"name": org.name}},
    )


def _create_child(actor, parent, data: dict):
    data = dict(data)
    kind, code = data.pop("kind"), data.pop("code")
    if not data.get("grassroots_type"):
        data.pop("grassroots_type", None)  # the service's default: an independent union
    return services.organisation_create(actor=actor, parent=parent, kind=kind, code=code, **data)


@officer_required
def new_child(request, code):
    parent = scoping.get_organisation_or_404(request.user, code, Action.MANAGE_ORGANISATIONS)
    form = forms.OrganisationCreateForm(request.POST or None, initial={"division_code": parent.division_code})
    if request.method == "POST":
        outcome = form_action(
            request,
            lambda data: _create_child(request.user, parent, data),
            form=form,
            success=lambda child: _("%(name)s is added.") % {"name": child.name},
        )
        if outcome.ok:
            return redirect("organisations:detail", code=outcome.result.code)
    return render(
        request,
        "organisations/form.html",
        {"org": parent, "form": form, "title": _("New organisation under %(name)s") % {"name": parent.name}},
    )


@officer_required
def move(request, code):
    org = scoping.get_organisation_or_404(request.user, code, Action.MANAGE_ORGANISATIONS)
    form = forms.OrganisationMoveForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        new_parent = selectors.in_reach(
            request.user, form.cleaned_data["new_parent"], Action.MANAGE_ORGANISATIONS
        )
        if new_parent is None:
            form.add_error("new_parent", _("No organisation with this code is within your reach."))
        elif not permissions.can_move_organisation(request.user, org, new_parent):
            # The organisation and the new parent are the user's; the current parent is not.
            form.add_error(
                None, _("Moving needs the right to manage both the current and the new parent organisation.")
            )
        elif form_action(
            request,
            lambda data: services.organisation_move(
                actor=request.user, organisation=org, new_parent=new_parent
            ),
            form=form,
            success=_("%(name)s now sits under %(parent)s.") % {"name": org.name, "parent": new_parent.name},
        ).ok:
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
        elif form_action(
            request,
            lambda data: services.role_assign(
                actor=request.user, user=user, organisation=org, role=data["role"]
            ),
            form=form,
            success=_("%(user)s now holds the role.") % {"user": user.get_username()},
        ).ok:
            return redirect("organisations:detail", code=org.code)
    return _detail(request, org, role_form=form)


@officer_required
@require_POST
def role_revoke(request, code, assignment_id):
    org = scoping.get_organisation_or_404(request.user, code, Action.MANAGE_ROLES)
    assignment = selectors.role_assignment_or_404(request.user, org, assignment_id)
    form_action(
        request,
        lambda: services.role_revoke(actor=request.user, assignment=assignment),
        success=_("%(user)s no longer holds the role %(role)s.")
        % {"user": assignment.user.get_username(), "role": assignment.get_role_display()},
    )
    return redirect(reverse("organisations:detail", kwargs={"code": org.code}) + "#roles")


# ---- audit log -------------------------------------------------------------------------


@audit_reader_required
def audit_log(request):
    form = forms.AuditFilterForm(request.GET or None, user=request.user)
    data = dict(form.cleaned_data) if form.is_valid() else {}
    action = data.get("action") or ""
    # The picker resolves the organisation within the user's audit scope (UnionField).
    organisation = data.get("organisation")
    if form.has_error("organisation"):
        queryset = selectors.audit_entries(request.user).none()
    else:
        queryset = selectors.audit_entries(
            request.user,
            organisation=organisation,
            # A value ending with a dot stands for every action of one app.
            action="" if action.endswith(".") else action,
            action_prefix=action if action.endswith(".") else "",
            object_id=data.get("object") or "",
        )
    page = paginate(request, queryset)
    page.rows = auditlog.readable(page.items)
    # Following one record's history: named by the record, never by its id.
    subject = (page.rows[0].object_name if page.rows else _("this record")) if data.get("object") else None
    return render(request, "organisations/audit.html", {"form": form, "page": page, "subject": subject})
