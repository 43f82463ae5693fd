"""Officer pages that set up studios and alliances and run idea review: studio create/edit
with the lead picker (an honoured worker) and the team; alliance create/edit with member
studios, the rotating lead and joint projects; idea experts; idea thresholds per union.

Thin like the other views: a selector finds the object in scope (404 outside), a form checks
the shape, the service decides and audits; its keyed errors are shown on the form's fields and
nothing is written."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.web import dispatch, form_action
from gonghui.honours import selectors as honour_selectors
from gonghui.innovation import forms, permissions, selectors
from gonghui.innovation.services import alliances as alliance_services
from gonghui.innovation.services import ideas as idea_services
from gonghui.innovation.services import studios as services
from gonghui.members import selectors as member_selectors
from gonghui.organisations import scoping
from gonghui.organisations import selectors as org_selectors
from gonghui.organisations.permissions import officer_required

Action = scoping.Action


# ---- studios -----------------------------------------------------------------------------------


def _studio_kwargs(request, cleaned_data) -> dict:
    return {**cleaned_data, "lead": member_selectors.member_by_number(request.user, cleaned_data["lead"])}


def _lead_panel(user, lead):
    """(lead, their honours) for the form's honour panel, or (None, [])."""
    if lead is None:
        return None, []
    return lead, list(honour_selectors.member_honours(lead))


@permissions.manager_required
@require_http_methods(["GET", "POST"])
def studio_new(request):
    if request.method == "POST":
        form = forms.StudioForm(request.POST, user=request.user)
        done = form_action(
            request,
            lambda d: services.studio_create(actor=request.user, **_studio_kwargs(request, d)),
            form=form,
            success=_("Studio registered."),
        )
        if done.ok:
            return redirect("innovation:studio_edit", studio_id=done.result.pk)
    else:
        homes = scoping.home_organisations(request.user, Action.MANAGE_INNOVATION)
        form = forms.StudioForm(
            user=request.user, initial={"organisation": homes[0].code if len(homes) == 1 else ""}
        )
    lead, honours = _lead_panel(
        request.user, member_selectors.member_by_number(request.user, form["lead"].value())
    )
    return render(
        request,
        "innovation/officer/studio_form.html",
        {"form": form, "studio": None, "lead": lead, "lead_honours": honours},
    )


def _studio_edit_page(request, studio, *, form=None, team_form=None, status=200):
    if form is None:
        form = forms.StudioForm(
            user=request.user,
            initial={
                "name": studio.name,
                "organisation": studio.organisation.code,
                "employer": studio.employer,
                "industry": studio.industry,
                "level": studio.level,
                "named_on": studio.named_on,
                "naming_body": studio.naming_body,
                "lead": studio.lead.member_no,
                "lead_honour_note": studio.lead_honour_note,
                "description": studio.description,
            },
        )
    lead = member_selectors.member_by_number(request.user, form["lead"].value()) or studio.lead
    lead, honours = _lead_panel(request.user, lead)
    return render(
        request,
        "innovation/officer/studio_form.html",
        {
            "form": form,
            "studio": selectors.studio_detail(studio),
            "team_form": team_form or forms.TeamMemberForm(),
            "lead": lead,
            "lead_honours": honours,
        },
        status=status,
    )


def _studio_to_manage(request, studio_id):
    studio = selectors.studio_or_404(request.user, studio_id)
    permissions.require_manage_studio(request.user, studio)
    return studio


@officer_required
@require_http_methods(["GET", "POST"])
def studio_edit(request, studio_id):
    studio = _studio_to_manage(request, studio_id)
    if request.method != "POST":
        return _studio_edit_page(request, studio)
    form = forms.StudioForm(request.POST, user=request.user)
    done = form_action(
        request,
        lambda d: services.studio_update(actor=request.user, studio=studio, **_studio_kwargs(request, d)),
        form=form,
        success=_("Studio saved."),
    )
    if done.ok:
        return redirect("innovation:studio_detail", studio_id=studio.pk)
    return _studio_edit_page(request, studio, form=form)


@officer_required
@require_POST
def studio_team_add(request, studio_id):
    studio = _studio_to_manage(request, studio_id)
    form = forms.TeamMemberForm(request.POST)
    done = form_action(
        request,
        lambda d: services.studio_add_member(
            actor=request.user,
            studio=studio,
            member=member_selectors.member_by_number(request.user, d["member"]),
            role=d["role"],
            joined_on=d["joined_on"],
        ),
        form=form,
        success=_("Added to the team."),
    )
    if done.ok:
        return redirect("innovation:studio_edit", studio_id=studio.pk)
    return _studio_edit_page(request, studio, team_form=form)


@officer_required
@require_POST
def studio_team_remove(request, studio_id):
    studio = _studio_to_manage(request, studio_id)
    member = member_selectors.member_by_number(request.user, request.POST.get("member", ""))
    form_action(
        request,
        lambda: services.studio_remove_member(actor=request.user, studio=studio, member=member),
        success=_("Taken off the team."),
    )
    return redirect("innovation:studio_edit", studio_id=studio.pk)


@officer_required
@require_GET
def member_picker(request):
    """htmx: members of the owning union's subtree (``organisation``, as typed in its union
    picker) matching ``q`` — a name, pinyin or member number — with their honours, to fill the
    lead or team box."""
    union_text = request.GET.get("organisation", "").strip()[:160]
    target = "member" if request.GET.get("target") == "member" else "lead"
    organisation = org_selectors.union_pick(request.user, union_text, Action.MANAGE_INNOVATION).organisation
    q = request.GET.get("q", "").strip()[:60]
    results = selectors.member_picker(request.user, q, organisation) if organisation else []
    return render(
        request,
        "innovation/officer/_member_picker.html",
        {
            "results": results,
            "organisation": organisation,
            "union_text": union_text,
            "target": target,
            "q": q,
        },
    )


# ---- alliances ---------------------------------------------------------------------------------


@permissions.manager_required
@require_http_methods(["GET", "POST"])
def alliance_new(request):
    if request.method == "POST":
        form = forms.AllianceForm(request.POST, user=request.user)
        done = form_action(
            request,
            lambda d: alliance_services.alliance_create(actor=request.user, **d),
            form=form,
            success=_("Alliance founded. Add its member studios below."),
        )
        if done.ok:
            return redirect("innovation:alliance_edit", alliance_id=done.result.pk)
    else:
        homes = scoping.home_organisations(request.user, Action.MANAGE_INNOVATION)
        form = forms.AllianceForm(
            user=request.user, initial={"organisation": homes[0].code if len(homes) == 1 else ""}
        )
    return render(request, "innovation/officer/alliance_form.html", {"form": form, "alliance": None})


def _alliance_to_manage(request, alliance_id):
    alliance = selectors.alliance_or_404(request.user, alliance_id)
    permissions.require_manage_alliance(request.user, alliance)
    return alliance


def _alliance_edit_page(request, alliance, *, status=200, **bound):
    alliance = selectors.alliance_detail(alliance)
    members = [m.studio for m in alliance.memberships.all()]
    form = bound.get("form") or forms.AllianceForm(
        user=request.user,
        editing=True,
        initial={"name": alliance.name, "charter": alliance.charter, "founded_on": alliance.founded_on},
    )
    projects = []
    for p in alliance.projects.all():
        on_it = list(p.studios.all())
        studios = members + [s for s in on_it if s not in members]
        given = bound.get("project_form") if bound.get("project_id") == p.pk else None
        projects.append(
            (
                p,
                given
                or forms.JointProjectForm(
                    studios=studios,
                    prefix=f"p{p.pk.hex[:8]}",
                    initial={"title": p.title, "status": p.status, "studios": [str(s.pk) for s in on_it]},
                ),
            )
        )
    return render(
        request,
        "innovation/officer/alliance_form.html",
        {
            "alliance": alliance,
            "form": form,
            "lead": selectors.current_lead(alliance),
            "studio_form": bound.get("studio_form")
            or forms.AllianceStudioForm(
                studios=selectors.studio_choices(request.user, exclude_alliance=alliance)
            ),
            "lead_form": bound.get("lead_form") or forms.LeadTermForm(studios=members),
            "new_project_form": bound.get("new_project_form") or forms.JointProjectForm(studios=members),
            "projects": projects,
        },
        status=status,
    )


def _alliance_form(request, alliance, form, call, *, success: str, shown_as: str, **shown):
    """One of the alliance edit page's forms sent: back to the page when ``call`` succeeds,
    else the page again with this form (``shown_as``, its name in the page) showing the
    errors."""
    if form_action(request, call, form=form, success=success).ok:
        return redirect("innovation:alliance_edit", alliance_id=alliance.pk)
    return _alliance_edit_page(request, alliance, **{shown_as: form}, **shown)


@officer_required
@require_http_methods(["GET", "POST"])
def alliance_edit(request, alliance_id):
    alliance = _alliance_to_manage(request, alliance_id)
    if request.method != "POST":
        return _alliance_edit_page(request, alliance)
    form = forms.AllianceForm(request.POST, user=request.user, editing=True)
    done = form_action(
        request,
        lambda d: alliance_services.alliance_update(actor=request.user, alliance=alliance, **d),
        form=form,
        success=_("Alliance saved."),
    )
    if done.ok:
        return redirect("innovation:alliance_detail", alliance_id=alliance.pk)
    return _alliance_edit_page(request, alliance, form=form)


@officer_required
@require_POST
def alliance_studio_add(request, alliance_id):
    alliance = _alliance_to_manage(request, alliance_id)
    form = forms.AllianceStudioForm(
        request.POST, studios=selectors.studio_choices(request.user, exclude_alliance=alliance)
    )
    return _alliance_form(
        request,
        alliance,
        form,
        lambda d: alliance_services.alliance_add_studio(
            actor=request.user,
            alliance=alliance,
            studio=selectors.studio_by_id(request.user, d["studio"]),
            joined_on=d["joined_on"],
        ),
        success=_("Studio joined the alliance."),
        shown_as="studio_form",
    )


@officer_required
@require_POST
def alliance_studio_remove(request, alliance_id):
    alliance = _alliance_to_manage(request, alliance_id)
    studio = selectors.studio_by_id(request.user, request.POST.get("studio", ""))
    form_action(
        request,
        lambda: alliance_services.alliance_remove_studio(
            actor=request.user, alliance=alliance, studio=studio
        ),
        success=_("Studio left the alliance."),
    )
    return redirect("innovation:alliance_edit", alliance_id=alliance.pk)


def _member_studios(alliance):
    return [m.studio for m in selectors.alliance_detail(alliance).memberships.all()]


def _chosen(studios, ids) -> list:
    """The studios ticked on a project form (their ids as the form gives them)."""
    ids = set(ids)
    return [s for s in studios if str(s.pk) in ids]


@officer_required
@require_POST
def alliance_lead(request, alliance_id):
    alliance = _alliance_to_manage(request, alliance_id)
    members = _member_studios(alliance)
    return _alliance_form(
        request,
        alliance,
        forms.LeadTermForm(request.POST, studios=members),
        lambda d: alliance_services.alliance_set_lead(
            actor=request.user,
            alliance=alliance,
            studio=next(iter(_chosen(members, [d["studio"]])), None),
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
        ),
        success=_("Lead term recorded."),
        shown_as="lead_form",
    )


@officer_required
@require_POST
def alliance_project_add(request, alliance_id):
    alliance = _alliance_to_manage(request, alliance_id)
    members = _member_studios(alliance)
    return _alliance_form(
        request,
        alliance,
        forms.JointProjectForm(request.POST, studios=members),
        lambda d: alliance_services.joint_project_create(
            actor=request.user,
            alliance=alliance,
            title=d["title"],
            studios=_chosen(members, d["studios"]),
            status=d["status"],
        ),
        success=_("Joint project added."),
        shown_as="new_project_form",
    )


@officer_required
@require_POST
def alliance_project_update(request, alliance_id):
    alliance = _alliance_to_manage(request, alliance_id)
    project = selectors.project_or_404(alliance, request.POST.get("project", ""))
    on_it = list(project.studios.all())
    members = _member_studios(alliance)
    studios = members + [s for s in on_it if s not in members]
    return _alliance_form(
        request,
        alliance,
        forms.JointProjectForm(request.POST, studios=studios, prefix=f"p{project.pk.hex[:8]}"),
        lambda d: alliance_services.joint_project_update(
            actor=request.user,
            project=project,
            title=d["title"],
            studios=_chosen(studios, d["studios"]),
            status=d["status"],
        ),
        success=_("Joint project saved."),
        shown_as="project_form",
        project_id=project.pk,
    )


# ---- idea experts and thresholds -----------------------------------------------------------------


def _idea_to_manage(request, idea_id):
    idea = selectors.idea_or_404(request.user, idea_id)
    permissions.require_manage_idea(request.user, idea)
    return idea


@officer_required
@require_http_methods(["GET", "POST"])
def idea_experts(request, idea_id):
    """The experts of an idea: list, assign (an officer in scope or any login by username)
    and take off."""
    idea = _idea_to_manage(request, idea_id)
    candidates = selectors.expert_candidates(request.user, idea)[:200]
    form = forms.ExpertForm(request.POST if request.method == "POST" else None, candidates=candidates)
    if request.method == "POST":
        done = form_action(
            request,
            lambda d: idea_services.idea_assign_expert(
                actor=request.user, idea=idea, user=selectors.user_for_expert(d["expert"], d["username"])
            ),
            form=form,
            success=_("Expert assigned."),
            fields_by_code={"not_in_review": None},
        )
        if done.ok:
            return redirect("innovation:idea_experts", idea_id=idea.pk)
    return render(
        request,
        "innovation/officer/idea_experts.html",
        {"idea": idea, "experts": selectors.idea_experts(idea), "form": form},
    )


@officer_required
@require_POST
def idea_expert_remove(request, idea_id):
    idea = _idea_to_manage(request, idea_id)
    user = selectors.user_for_expert(request.POST.get("expert", ""))
    form_action(
        request,
        lambda: idea_services.idea_unassign_expert(actor=request.user, idea=idea, user=user),
        success=_("Expert taken off."),
    )
    return redirect("innovation:idea_experts", idea_id=idea.pk)


def _settings_save(request, organisation):
    form = forms.IdeaSettingsForm(request.POST)
    done = form_action(
        request,
        lambda d: idea_services.idea_settings_set(actor=request.user, organisation=organisation, **d),
        form=form,
        success=_("Thresholds saved."),
    )
    return form if not done.ok else None


def _settings_clear(request, organisation):
    form_action(
        request,
        lambda: idea_services.idea_settings_clear(actor=request.user, organisation=organisation),
        success=_("The union inherits the thresholds again."),
    )


# The two buttons of the thresholds form ("save" is the form's own submit button). A handler
# returns the form to show again with its errors, or None to go back to the page.
_SETTINGS_ACTIONS = {"save": _settings_save, "clear": _settings_clear}


@officer_required
@require_http_methods(["GET", "POST"])
def idea_settings(request):
    """Thresholds per union: what applies to the chosen union and where it comes from, the
    unions in scope that set their own, and the form to set or clear them."""
    homes = scoping.home_organisations(request.user, Action.VIEW)
    typed = request.POST.get("organisation") if request.method == "POST" else request.GET.get("organisation")
    picker = forms.UnionChoiceForm({"organisation": typed or ""}, user=request.user)
    organisation = picker.cleaned_data["organisation"] if picker.is_valid() else None
    # A change is for one union named exactly, never a default; a union no one in reach has
    # answers like a missing page (an out-of-scope code in the address, docs/dev/permissions.md).
    # Only several matches show the page, with the choice under the picker.
    if organisation is None and (request.method == "POST" or picker.has_error("organisation", "org_unknown")):
        raise Http404
    if organisation is None:
        if not homes:
            raise Http404
        organisation = homes[0]
    effective = selectors.idea_settings_for(organisation)
    form = None
    if request.method == "POST":
        permissions.require_manage_in(request.user, organisation)
        handler = dispatch(_SETTINGS_ACTIONS, request.POST.get("action") or "save")
        form = handler(request, organisation)
        if form is None:
            return redirect(f"{request.path}?organisation={organisation.code}")
    form = form or forms.IdeaSettingsForm(
        initial={
            "support_threshold": effective.support_threshold,
            "report_threshold": effective.report_threshold,
            "review_days": effective.review_days,
        }
    )
    return render(
        request,
        "innovation/officer/idea_settings.html",
        {
            "organisation": organisation,
            "effective": effective,
            "own": effective.source is not None and effective.source.pk == organisation.pk,
            "rows": selectors.idea_settings_rows(request.user)[:200],
            "form": form,
            "can_manage": permissions.can_manage_in(request.user, organisation),
            "picker": picker,
        },
    )
