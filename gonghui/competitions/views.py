"""Pages of the competitions app: the officer list and detail (with every action), the
tablet-friendly judge marking page, and the phone-first published results page.

Thin: fetch through a scoped selector (404 for "missing" and "not yours" alike), call one
service through ``core.web.form_action`` (its refusal becomes a message), redirect. The
buttons of a page are named in a table (``COMPETITION_ACTIONS`` …), chosen by
``core.web.dispatch``.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gonghui.competitions import forms, permissions, scoring, selectors
from gonghui.competitions.choices import ResultsState, Status
from gonghui.competitions.services import assignments, marking, registration, results, scheme, setup
from gonghui.core.inputs import InputCode, field_error
from gonghui.core.web import dispatch, form_action, paginate
from gonghui.organisations import scoping
from gonghui.organisations.permissions import officer_required

Action = scoping.Action


def _back(competition, anchor: str = ""):
    url = reverse("competitions:detail", args=[competition.pk])
    return redirect(url + (f"#{anchor}" if anchor else ""))


# ---- officer pages -----------------------------------------------------------------------


@officer_required
def competition_create(request):
    """A new competition (draft) organised by a union where the user manages competitions."""
    form = forms.CompetitionForm(request.POST or None, user=request.user)
    if form.is_bound and not form.is_valid() and form.has_error("organisation", "org_unknown"):
        raise Http404  # a union out of reach answers like a missing one, as the code did before

    def create(data):
        data = dict(data)
        organisation = scoping.get_organisation_or_404(
            request.user, data.pop("organisation"), Action.MANAGE_COMPETITIONS
        )
        return setup.competition_create(actor=request.user, organisation=organisation, **data)

    if request.method == "POST":
        outcome = form_action(request, create, form=form)
        if outcome.ok:
            return redirect("competitions:detail", competition_id=outcome.result.pk)
    return render(request, "competitions/form.html", {"form": form})


@officer_required
def competition_list(request):
    qs = selectors.competition_list(
        request.user, status=request.GET.get("status", ""), q=request.GET.get("q", "")
    )
    return render(
        request,
        "competitions/list.html",
        {
            "page": paginate(request, qs),
            "status": request.GET.get("status", ""),
            "q": request.GET.get("q", ""),
            "statuses": Status.choices,
        },
    )


def _result_rows(user, competition):
    return [
        {
            "result": r,
            "raw_total": scoring.display(r.raw_total),
            "practical": scoring.display(r.practical),
            "theory": scoring.display(r.theory),
            "standardised": scoring.display(r.standardised),
            "recommendations": list(r.entry.recommendations.all()),
        }
        for r in selectors.results(user, competition)
    ]


@login_required
def competition_detail(request, competition_id):
    competition = selectors.competition_or_404(request.user, competition_id)
    if not permissions.can_view_details(request.user, competition):
        # judges and members have their own pages
        if permissions.is_judge(request.user, competition):
            return redirect("competitions:judge", competition_id=competition.pk)
        return redirect("competitions:results", competition_id=competition.pk)
    manager = permissions.can_manage(request.user, competition)
    sheets = selectors.sheets(competition)
    context = {
        "competition": competition,
        "manager": manager,
        "supervisor": permissions.can_supervise(request.user, competition),
        "entries": selectors.entries(competition),
        "sections": selectors.sections_with_aspects(competition),
        "judges": selectors.judges(competition),
        "conflicts": assignments.conflict_table(competition) if manager else [],
        "substitutions": selectors.substitutions(competition),
        "sheets": sheets,
        "sheets_signed": sum(1 for s in sheets if s.locked),
        "results": _result_rows(request.user, competition),
        "corrections": selectors.corrections(competition) if manager else [],
        "appeals": selectors.appeals(competition),
        "recommendations": selectors.recommendations(competition) if manager else [],
        "scheme_json": json.dumps(scheme.scheme_export(competition), ensure_ascii=False, indent=2),
        "rules_json": json.dumps(competition.rules, ensure_ascii=False, indent=2)
        if competition.rules
        else "",
        "appeal_deadline": results.appeal_deadline(competition),
        "States": ResultsState,
        "Statuses": Status,
    }
    return render(request, "competitions/detail.html", context)


# The competition-wide buttons of the detail page (POST …/do/<name>/): each calls one service
# through form_action, so a refusal becomes the service's message and a success one message.


def _confirmed(action):
    """A button whose call ``action(request, competition)`` (lookups of what the form names,
    then one service) runs through form_action and is confirmed with "Done."."""

    def handler(request, competition):
        form_action(request, lambda: action(request, competition), success=_("Done."))

    return handler


def _each(service):
    """A button that is one service call on the competition."""
    return _confirmed(lambda request, competition: service(actor=request.user, competition=competition))


def _advance_entries(request, competition):
    outcome = form_action(
        request, lambda: registration.competition_advance(actor=request.user, competition=competition)
    )
    if outcome.ok:
        messages.success(
            request, _("%(n)d entries advanced from the previous stage.") % {"n": len(outcome.result)}
        )


def _document(request, name: str, default: str, message: str):
    """The JSON typed into the page's textarea ``name`` (``default`` when empty); refused with
    ``bad_json`` on that field."""
    try:
        return json.loads(request.POST.get(name) or default)
    except ValueError:
        raise field_error(name, message, "bad_json") from None


@_confirmed
def _scheme(request, competition):
    data = _document(request, "scheme", "", _("The scheme is not valid JSON."))
    return scheme.scheme_import(actor=request.user, competition=competition, data=data)


@_confirmed
def _rules(request, competition):
    rules = _document(request, "rules", "{}", _("The rules are not valid JSON."))
    return setup.competition_set_rules(actor=request.user, competition=competition, rules=rules)


@_confirmed
def _register(request, competition):
    typed = request.POST.get("members", "").replace("，", ",").replace(" ", ",").split(",")
    numbers = [n for n in typed if n]
    if not numbers:
        raise field_error("members", _("Choose at least one member."), InputCode.REQUIRED)
    members = selectors.members_by_number(request.user, numbers)
    if len(members) != len(set(numbers)):
        raise field_error("members", _("Unknown member number."), "member_unknown")
    return registration.entry_register(
        actor=request.user,
        competition=competition,
        members=members,
        team_name=request.POST.get("team_name", ""),
    )


@_confirmed
def _judge(request, competition):
    section = selectors.section_in(competition, request.POST.get("section"))
    judge = selectors.user_by_username(request.POST.get("username", ""))
    if section is None or judge is None:
        raise field_error("judge", _("Choose a section and an existing login."), "judge_unknown")
    return assignments.judge_assign(actor=request.user, section=section, judge=judge)


@_confirmed
def _substitute(request, competition):
    entry = selectors.entry_by_number(competition, request.POST.get("number"))
    section = selectors.section_in(competition, request.POST.get("section"))
    conflicted = selectors.user_by_username(request.POST.get("judge", ""))
    substitute = selectors.user_by_username(request.POST.get("substitute", ""))
    if None in (entry, section, conflicted, substitute):
        raise field_error(
            "judge", _("Choose a competitor, a section and two existing logins."), "judge_unknown"
        )
    return assignments.judge_substitute(
        actor=request.user,
        entry=entry,
        section=section,
        conflicted_judge=conflicted,
        substitute=substitute,
        reason=request.POST.get("reason", ""),
    )


@_confirmed
def _theory(request, competition):
    entry = selectors.entry_by_number(competition, request.POST.get("number"))
    if entry is None:
        raise field_error("number", _("Unknown competitor number."), "entry_unknown")
    return marking.theory_record(actor=request.user, entry=entry, score=request.POST.get("score"))


COMPETITION_ACTIONS = {
    "advance_status": _each(setup.competition_advance_status),
    "advance_entries": _advance_entries,
    "compute": _each(results.results_compute),
    "verify": _each(results.results_verify),
    "publish": _each(results.results_publish),
    "scheme": _scheme,
    "register": _register,
    "judge": _judge,
    "substitute": _substitute,
    "rules": _rules,
    "theory": _theory,
}


@require_POST
@officer_required
def competition_action(request, competition_id, action):
    """One competition-wide button (``COMPETITION_ACTIONS``): next status, advance entries,
    compute / verify / publish results, import a scheme, register, assign or substitute a
    judge, save the rules, record a theory score."""
    competition = selectors.competition_or_404(request.user, competition_id, Action.MANAGE_COMPETITIONS)
    dispatch(COMPETITION_ACTIONS, action)(request, competition)
    return _back(competition)


@officer_required
def recompute(request, competition_id):
    """GET: the diff a recomputation would make to the published results. POST (with the
    preview's fingerprint): replace them."""
    competition = selectors.competition_or_404(request.user, competition_id, Action.MANAGE_COMPETITIONS)
    if request.method == "POST":
        fingerprint = request.POST.get("fingerprint", "")
        outcome = form_action(
            request,
            lambda: results.results_recompute_apply(
                actor=request.user, competition=competition, fingerprint=fingerprint
            ),
            success=_("The published results were replaced by the recomputation."),
        )
        if not outcome.ok:
            return redirect("competitions:recompute", competition_id=competition.pk)
        return _back(competition, "results")
    outcome = form_action(
        request, lambda: results.results_recompute_preview(actor=request.user, competition=competition)
    )
    if not outcome.ok:
        return _back(competition, "results")
    rows = [
        {
            "entry": c["entry"],
            "before": c["before"]
            and {k: (scoring.display(v) if k != "rank" else v) for k, v in c["before"].items()},
            "after": {k: (scoring.display(v) if k != "rank" else v) for k, v in c["after"].items()},
        }
        for c in outcome.result["changes"]
    ]
    return render(
        request,
        "competitions/recompute.html",
        {"competition": competition, "rows": rows, "fingerprint": outcome.result["fingerprint"]},
    )


def _decide(request, table, action, obj, competition, anchor: str):
    """A decision button on an object of the detail page (``table``: decision → call)."""
    decide = dispatch(table, action)
    form_action(request, lambda: decide(request, obj))
    return _back(competition, anchor)


RECOMMENDATION_ACTIONS = {
    "accept": lambda request, rec: results.recommendation_accept(actor=request.user, recommendation=rec),
    "decline": lambda request, rec: results.recommendation_decline(
        actor=request.user, recommendation=rec, reason=request.POST.get("reason", "")
    ),
}


@require_POST
@officer_required
def recommendation_action(request, recommendation_id, action):
    """Accept or decline a recommendation (``RECOMMENDATION_ACTIONS``)."""
    rec = selectors.recommendation_or_404(request.user, recommendation_id, Action.MANAGE_COMPETITIONS)
    return _decide(request, RECOMMENDATION_ACTIONS, action, rec, rec.competition, "recommendations")


CORRECTION_ACTIONS = {
    "approve": lambda request, correction: marking.correction_approve(
        actor=request.user, correction=correction
    ),
    "reject": lambda request, correction: marking.correction_reject(
        actor=request.user, correction=correction, reason=request.POST.get("reason", "")
    ),
}


@require_POST
@officer_required
def correction_action(request, correction_id, action):
    """Approve or reject a correction (``CORRECTION_ACTIONS``)."""
    correction = selectors.correction_or_404(request.user, correction_id, Action.MANAGE_COMPETITIONS)
    return _decide(
        request, CORRECTION_ACTIONS, action, correction, correction.sheet.competition, "corrections"
    )


@require_POST
@officer_required
def appeal_decide(request, appeal_id):
    appeal = selectors.appeal_or_404(request.user, appeal_id, Action.SUPERVISE)
    form_action(
        request,
        lambda: results.appeal_decide(
            actor=request.user,
            appeal=appeal,
            upheld=request.POST.get("decision") == "upheld",
            reason=request.POST.get("reason", ""),
        ),
    )
    return _back(appeal.competition, "appeals")


# ---- members ------------------------------------------------------------------------------


@login_required
def open_to_me(request):
    """The competitions open to the signed-in member: those taking registrations now in the
    member's union or above it, each with whether the member meets its rules (the same rules
    registration checks) and whether they are already entered; then their own entries. A
    signed-in person without a member record is told to join first. Registering stays with
    the union (``entry_register``), so this page only reads."""
    member = permissions.member_of(request.user)
    context = {"member": member, "open": [], "entries": []}
    if member is not None:
        today = timezone.localdate()
        entered = selectors.entered_competition_ids(member)
        context["open"] = [
            {
                "competition": c,
                "entered": c.pk in entered,
                "problems": [
                    message for _code, message in registration.eligibility_problems(c, member, today)
                ],
            }
            for c in selectors.open_for_member(member)
        ]
        context["entries"] = selectors.entries_of_member(member)
    return render(request, "competitions/open.html", context)


# ---- judges ------------------------------------------------------------------------------


@login_required
def judging(request):
    """The competitions the signed-in user judges (the judges' entry point)."""
    return render(
        request, "competitions/judging.html", {"competitions": selectors.competitions_judged_by(request.user)}
    )


@login_required
def judge_home(request, competition_id):
    competition = selectors.competition_or_404(request.user, competition_id)
    sheets = selectors.sheets_for_judge(request.user, competition)
    return render(request, "competitions/judge_home.html", {"competition": competition, "sheets": sheets})


def _aspect(request, sheet):
    """The aspect of the sheet's competition named by the form's ``aspect`` code."""
    aspect = selectors.aspect_by_code(sheet.competition, request.POST.get("aspect", ""))
    if aspect is None:
        raise field_error("aspect", _("Unknown aspect."), "aspect_unknown")
    return aspect


def _sign_off(request, sheet):
    form_action(
        request,
        lambda: marking.sheet_sign_off(actor=request.user, sheet=sheet),
        success=_("Sheet signed off and locked."),
    )


def _on_aspect(service, *, success=None, **fields):
    """A form of the marking page about one aspect: ``service(actor, sheet, aspect, ...)``
    with each of its ``fields`` (argument → form field) taken from the form."""

    def handler(request, sheet):
        form_action(
            request,
            lambda: service(
                actor=request.user,
                sheet=sheet,
                aspect=_aspect(request, sheet),
                **{argument: request.POST.get(name, "") for argument, name in fields.items()},
            ),
            success=success,
        )

    return handler


# The marking page's forms, by their ``do`` field (a score button sends none: it marks).
SHEET_ACTIONS = {
    "sign_off": _sign_off,
    "justify": _on_aspect(marking.sheet_justify, text="text"),
    "correct": _on_aspect(
        marking.correction_request,
        new_value="value",
        reason="reason",
        success=gettext_lazy("Correction requested; a second person must approve it."),
    ),
    "mark": _on_aspect(marking.mark_record, value="value"),
}


@login_required
def judge_sheet(request, sheet_id):
    """One entry × section at a time: big buttons 0–3 for judgements, achieved / not for
    full-or-zero, a number for tolerance bands; spread warnings; sign-off. For the sheet's
    judges and the competition's managers (``permissions.can_edit_sheet``)."""
    sheet = selectors.sheet_or_404(request.user, sheet_id)
    competition = sheet.competition
    permissions.require_edit_sheet(request.user, sheet)
    if request.method == "POST":
        dispatch(SHEET_ACTIONS, request.POST.get("do") or "mark")(request, sheet)
        return redirect("competitions:judge_sheet", sheet_id=sheet.pk)
    marks = selectors.sheet_marks(sheet)
    state = marking.sheet_state(sheet, marks)
    for row in state["rows"]:
        row["mine"] = next((m.value for m in row["marks"] if m.judge_id == request.user.pk), None)
        row["mark_display"] = scoring.display(row["mark"]) if row["mark"] is not None else ""
        row["values_display"] = [marking.plain(v) for v in row["values"]]
        row["spread_display"] = marking.plain(row["spread"]) if row.get("spread") is not None else None
    sheets = selectors.sheets_for_judge(request.user, competition)
    ids = [s.pk for s in sheets]
    position = ids.index(sheet.pk) if sheet.pk in ids else -1
    return render(
        request,
        "competitions/judge_sheet.html",
        {
            "competition": competition,
            "sheet": sheet,
            "state": state,
            "total_display": scoring.display(state["total"]),
            "previous": sheets[position - 1] if position > 0 else None,
            "next": sheets[position + 1] if 0 <= position < len(sheets) - 1 else None,
            "scores": (0, 1, 2, 3),
        },
    )


# ---- published results (phone-first) -------------------------------------------------------


@login_required
def public_results(request, competition_id):
    """Published results for everyone in scope (phone-first); a competitor may appeal their
    own entry here within the window."""
    competition = selectors.competition_or_404(request.user, competition_id)
    own_entry = selectors.entry_of_member(competition, permissions.member_of(request.user))
    if request.method == "POST":
        if own_entry is None:
            raise Http404
        form_action(
            request,
            lambda: results.appeal_file(
                actor=request.user, entry=own_entry, reason=request.POST.get("reason", "")
            ),
            success=_("Your appeal was filed; the supervisors will decide it."),
        )
        return redirect("competitions:results", competition_id=competition.pk)
    published = competition.results_state == ResultsState.PUBLISHED
    rows = _result_rows(request.user, competition) if published else []
    deadline = results.appeal_deadline(competition)
    return render(
        request,
        "competitions/results.html",
        {
            "competition": competition,
            "rows": rows,
            "appeal_deadline": deadline,
            "own_entry": own_entry,
            "appeal_open": published and own_entry is not None and deadline and timezone.now() <= deadline,
        },
    )
