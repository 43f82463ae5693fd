"""Officer pages: the honour registry, nomination lists (build with the live quota check,
review per level, public notice, objections, approval).

Thin: fetch through a scoped selector (404 for missing and not yours), parse a form, call one
service, redirect with a message or render the form again with the service's errors."""

import json

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.inputs import field_error
from gonghui.core.web import dispatch, form_action, is_fragment_request, paginate
from gonghui.honours import categories, forms, permissions, quota, selectors, visit_selectors
from gonghui.honours.choices import TEAM_KINDS, ListStatus, NomineeStatus, ObjectionStatus
from gonghui.honours.services import lists, nominees, objections, registry
from gonghui.members import selectors as member_selectors
from gonghui.organisations import scoping
from gonghui.organisations.permissions import officer_required

Action = scoping.Action
PER_PAGE = 20


def _member(user, member_no: str):
    """The member a form names by number, within the user's scope (None when none is named);
    an unknown number is the form's error."""
    if not member_no:
        return None
    member = member_selectors.member_by_number(user, member_no)
    if member is None:
        raise field_error(
            "member_no", _("No member with this number is within your reach."), "member_unknown"
        )
    return member


# ---- registry ---------------------------------------------------------------------------


@officer_required
def honour_list(request):
    form = forms.HonourFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        queryset = selectors.honours_visible_to(request.user).none()
    else:
        d = form.cleaned_data if form.is_bound else {}
        queryset = selectors.honour_list(
            request.user,
            q=(d.get("q") or "").strip(),
            organisation=d.get("organisation"),
            kind=d.get("kind", ""),
            level=d.get("level", ""),
            year=d.get("year"),
        )
    page = paginate(request, queryset, PER_PAGE)
    context = {"form": form, "page": page, "can_grant": permissions.can_manage_somewhere(request.user)}
    template = (
        "honours/_honour_rows.html" if is_fragment_request(request, "honour-results") else "honours/list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@officer_required
def honour_detail(request, honour_id):
    honour = selectors.honour_or_404(request.user, honour_id)
    # The holder's 劳模进校园 visits the officer sees (a team's honour has none).
    school_visits = (
        visit_selectors.member_visits(request.user, honour.member)[:50] if honour.member_id else []
    )
    return render(request, "honours/detail.html", {"honour": honour, "school_visits": school_visits})


@permissions.manager_required
def honour_grant(request):
    form = forms.HonourGrantForm(request.POST or None, user=request.user)
    if request.method == "POST":
        done = form_action(
            request,
            lambda d: registry.honour_grant(
                actor=request.user,
                member=_member(request.user, d["member_no"]),
                team_name=d["team_name"],
                team_host=d["team_host"],
                organisation=d["organisation"],
                kind=d["kind"],
                level=d["level"],
                year=d["year"],
                issuing_body=d["issuing_body"],
                allowance=d["allowance"],
                medical_benefit=d["medical_benefit"],
                source=_("Entered by hand"),
            ),
            form=form,
            success=_("The honour is on record."),
            fields_by_code={**forms.ERROR_FIELDS, "member_outside": "member_no", "required": "member_no"},
        )
        if done.ok:
            return redirect("honours:detail", honour_id=done.result.pk)
    return render(request, "honours/grant.html", {"form": form})


# ---- nomination lists -------------------------------------------------------------------


@officer_required
def list_index(request):
    status = request.GET.get("status", "")
    status = status if status in ListStatus.values else ""
    page = paginate(request, selectors.nomination_list_list(request.user, status=status), PER_PAGE)
    return render(
        request,
        "honours/lists.html",
        {
            "page": page,
            "status": status,
            "statuses": ListStatus.choices,
            "can_create": permissions.can_manage_somewhere(request.user),
        },
    )


@permissions.manager_required
def list_create(request):
    form = forms.ListCreateForm(request.POST or None, user=request.user)
    if request.method == "POST":
        done = form_action(
            request,
            lambda d: lists.nomination_list_create(actor=request.user, **d),
            form=form,
            success=_("The nomination list is open for recommendations."),
        )
        if done.ok:
            return redirect("honours:list_detail", list_id=done.result.pk)
    return render(request, "honours/list_form.html", {"form": form})


def _nominee_actions(user, n, nl) -> list[str]:
    actions = []
    if nl.status == ListStatus.BUILDING:
        if permissions.can_review(user, n):
            actions += ["approve", "return"]
        if permissions.can_manage_nomination(user, n):
            if n.status == NomineeStatus.RETURNED:
                actions.append("resubmit")
            if n.status in {NomineeStatus.IN_REVIEW, NomineeStatus.RETURNED, NomineeStatus.ACCEPTED}:
                actions.append("withdraw")
    if (
        nl.status == ListStatus.PUBLICITY
        and n.status == NomineeStatus.ACCEPTED
        and permissions.can_manage_list(user, nl)
        and any(o.status == ObjectionStatus.UPHELD for o in n.objections.all())
    ):
        actions.append("strike")
    return actions


def _default_recommender(user, nl) -> str:
    for org in scoping.home_organisations(user, Action.MANAGE_HONOURS):
        if nl.recommends_here(org):
            return org.code
    return ""


def _list_page(request, nl, **overrides):
    user = request.user
    organiser_view = permissions.can_see_whole_list(user, nl)
    manage = permissions.can_manage_list(user, nl)
    rows = list(
        selectors.nominees_visible_to(user, nl).prefetch_related(
            "objections", "reviews__organisation", "reviews__actor"
        )
    )
    building = nl.status == ListStatus.BUILDING
    may_recommend = building and permissions.can_manage_somewhere(user)
    context = {
        "nl": nl,
        "rows": [(n, _nominee_actions(user, n, nl)) for n in rows],
        "organiser_view": organiser_view,
        "manage": manage,
        "supervise": permissions.can_supervise(user, nl),
        "lines": lists.quota_lines(nl) if organiser_view else None,
        "recommend_form": forms.RecommendForm(
            user=user, initial={"recommending_org": _default_recommender(user, nl), "is_front_line": True}
        )
        if may_recommend
        else None,
        "is_team_list": nl.kind in TEAM_KINDS,
        "publicity_form": forms.PublicityForm() if manage and building else None,
        "quota_form": forms.QuotaRulesForm(initial={"quota_rules": _rules_json(nl)})
        if manage and building
        else None,
        "objections": list(selectors.objections_for(user, nl)) if organiser_view else [],
        "decision_form": forms.ObjectionDecisionForm(),
        "reason_form": forms.ReasonForm(),
        "can_approve": manage and nl.status == ListStatus.PUBLICITY,
        "can_cancel": manage and nl.status in {ListStatus.BUILDING, ListStatus.PUBLICITY},
    }
    context.update(overrides)
    return render(request, "honours/list_detail.html", context)


def _rules_json(nl) -> str:
    return json.dumps(nl.quota_rules, ensure_ascii=False, indent=1)


def _list_to_manage(request, list_id):
    """The list, for its organiser's managers (403 for a union below that sees it)."""
    nl = selectors.nomination_list_or_404(request.user, list_id)
    permissions.require_manage_list(request.user, nl)
    return nl


def _list_form(request, nl, form, call, *, shown_as: str, **kwargs):
    """One of the list page's forms sent: back to the list when ``call`` succeeds, else the
    list page again with this form (``shown_as``, its name in the page) showing the errors."""
    done = form_action(request, call, form=form, **kwargs)
    if done.ok:
        return done, redirect("honours:list_detail", list_id=nl.pk)
    return done, _list_page(request, nl, **{shown_as: form})


@officer_required
def list_detail(request, list_id):
    return _list_page(request, selectors.nomination_list_or_404(request.user, list_id))


@officer_required
@require_GET
def list_quota(request, list_id):
    """htmx: the live quota check. With the recommend form's facts in the query string it
    shows the shares as they would be with that nominee added."""
    nl = selectors.nomination_list_or_404(request.user, list_id)
    permissions.require_see_whole_list(request.user, nl)
    extra = None
    if request.GET.get("preview"):
        get = request.GET
        industrial, migrant = forms.tri(get.get("industrial", "")), forms.tri(get.get("migrant", ""))
        ownership = get.get("ownership", "")
        member = member_selectors.member_by_number(request.user, get.get("member_no", ""))
        if member is not None:  # "from the record": what the service would derive
            if industrial is None:
                industrial = categories.industrial_from(member.organisation, member.employment_form)
            if migrant is None:
                migrant = member.is_migrant_worker
            ownership = ownership or categories.ownership_from(member.organisation) or ""
        extra = quota.nominee_categories(
            is_industrial_worker=bool(industrial),
            is_front_line=get.get("is_front_line") in {"on", "true", "1"},
            is_migrant_worker=bool(migrant),
            enterprise_ownership=ownership,
        )
    lines = lists.quota_lines(nl, extra=extra)
    response = render(
        request, "honours/_quota.html", {"nl": nl, "lines": lines, "preview": extra is not None}
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


@officer_required
@require_POST
def list_recommend(request, list_id):
    nl = selectors.nomination_list_or_404(request.user, list_id)
    form = forms.RecommendForm(request.POST, user=request.user)
    done, response = _list_form(
        request,
        nl,
        form,
        lambda d: nominees.nominee_recommend(
            actor=request.user,
            nomination_list=nl,
            recommending_org=d["recommending_org"],
            member=_member(request.user, d["member_no"]),
            team_name=d["team_name"],
            team_organisation=d["team_org"],
            team_host=d["team_host"],
            deeds=d["deeds"],
            **form.facts(),
        ),
        fields_by_code={
            **forms.ERROR_FIELDS,
            "member_outside": "member_no",
            "not_member": "member_no",
            "team_only": "member_no",
            "industrial_required": "industrial",
            "ownership_required": "ownership",
            "list_not_building": None,
        },
        shown_as="recommend_form",
    )
    if done.ok:
        messages.success(request, _("%(name)s is recommended.") % {"name": done.result.display_name})
    return response


# The nominee's steps (urls.py names the action); each is one service call.
_NOMINEE_ACTIONS = {
    "approve": lambda request, n: nominees.nominee_approve(actor=request.user, nominee=n),
    "return": lambda request, n: nominees.nominee_return(
        actor=request.user, nominee=n, reason=request.POST.get("reason", "")
    ),
    "resubmit": lambda request, n: nominees.nominee_resubmit(
        actor=request.user, nominee=n, deeds=request.POST.get("deeds", "")
    ),
    "withdraw": lambda request, n: nominees.nominee_withdraw(
        actor=request.user, nominee=n, reason=request.POST.get("reason", "")
    ),
    "strike": lambda request, n: nominees.nominee_strike(
        actor=request.user, nominee=n, reason=request.POST.get("reason", "")
    ),
}
_NOMINEE_DONE = {
    "approve": gettext_lazy("The nominee is passed on."),
    "return": gettext_lazy("The nominee is returned to the recommending union."),
    "resubmit": gettext_lazy("The nominee is sent up again."),
    "withdraw": gettext_lazy("The nominee is withdrawn."),
    "strike": gettext_lazy("The nominee is struck off the list."),
}


@officer_required
@require_POST
def nominee_act(request, nominee_id, action):
    step = dispatch(_NOMINEE_ACTIONS, action)
    n = selectors.nominee_or_404(request.user, nominee_id)
    form_action(request, lambda: step(request, n), success=str(_NOMINEE_DONE[action]))
    return redirect("honours:list_detail", list_id=n.nomination_list_id)


@officer_required
@require_POST
def list_quotas(request, list_id):
    nl = _list_to_manage(request, list_id)
    _done, response = _list_form(
        request,
        nl,
        forms.QuotaRulesForm(request.POST),
        lambda d: lists.nomination_list_set_quotas(
            actor=request.user, nomination_list=nl, quota_rules=d["quota_rules"]
        ),
        success=_("The quota rules are saved."),
        shown_as="quota_form",
    )
    return response


@officer_required
@require_POST
def list_publicity(request, list_id):
    nl = _list_to_manage(request, list_id)
    _done, response = _list_form(
        request,
        nl,
        forms.PublicityForm(request.POST),
        lambda d: lists.publicity_start(
            actor=request.user,
            nomination_list=nl,
            start=d["start"],
            days=d["days"],
            override_reason=d["override_reason"],
        ),
        success=_("The list is on public notice."),
        shown_as="publicity_form",
    )
    return response


@officer_required
@require_POST
def list_approve(request, list_id):
    nl = _list_to_manage(request, list_id)
    done = form_action(request, lambda: lists.nomination_list_approve(actor=request.user, nomination_list=nl))
    if done.ok:
        messages.success(
            request, _("The list is approved: %(n)d honours are on record.") % {"n": len(done.result)}
        )
    return redirect("honours:list_detail", list_id=nl.pk)


@officer_required
@require_POST
def list_cancel(request, list_id):
    nl = _list_to_manage(request, list_id)
    form_action(
        request,
        lambda: lists.nomination_list_cancel(
            actor=request.user, nomination_list=nl, reason=request.POST.get("reason", "")
        ),
        success=_("The list is cancelled."),
    )
    return redirect("honours:list_detail", list_id=nl.pk)


@officer_required
@require_POST
def objection_decide(request, objection_id):
    o = selectors.objection_or_404(request.user, objection_id)
    form_action(
        request,
        lambda: objections.objection_decide(
            actor=request.user,
            objection=o,
            status=request.POST.get("status", ""),
            reply=request.POST.get("reply", ""),
        ),
        success=_("The objection is updated."),
    )
    return redirect("honours:list_detail", list_id=o.nomination_list_id)
