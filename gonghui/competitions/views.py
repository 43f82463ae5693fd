"""Pages of the competitions app: the officer list and detail (with every action), the
tablet-friendly judge marking page, and the phone-first published results page.

Thin: fetch through a scoped selector (404 for "missing" and "not yours" alike), call one
service, redirect with a message or show the service's error.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.competitions import forms, scoring, selectors
from gonghui.competitions.choices import ResultsState, Status
from gonghui.competitions.services import marking, results, setup
from gonghui.core.forms import add_service_error
from gonghui.core.web import paginate
from gonghui.organisations import scoping
from gonghui.organisations.permissions import officer_required

Action = scoping.Action


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _back(competition, anchor: str = ""):
    url = reverse("competitions:detail", args=[competition.pk])
    return redirect(url + (f"#{anchor}" if anchor else ""))


# ---- officer pages -----------------------------------------------------------------------


@officer_required
def competition_create(request):
    """A new competition (draft) organised by a union where the user manages competitions."""
    form = forms.CompetitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation = scoping.get_organisation_or_404(
            request.user, data.pop("organisation"), Action.MANAGE_COMPETITIONS
        )
        try:
            competition = setup.competition_create(actor=request.user, organisation=organisation, **data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            return redirect("competitions:detail", competition_id=competition.pk)
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
    manager = selectors.can_manage(request.user, competition)
    if not manager and not scoping.can(request.user, Action.VIEW, competition.organisation):
        # judges and members have their own pages
        if selectors.is_judge(request.user, competition):
            return redirect("competitions:judge", competition_id=competition.pk)
        return redirect("competitions:results", competition_id=competition.pk)
    sheets = selectors.sheets(competition)
    context = {
        "competition": competition,
        "manager": manager,
        "supervisor": selectors.can_supervise(request.user, competition),
        "entries": selectors.entries(competition),
        "sections": selectors.sections_with_aspects(competition),
        "judges": selectors.judges(competition),
        "conflicts": setup.conflict_table(competition) if manager else [],
        "substitutions": selectors.substitutions(competition),
        "sheets": sheets,
        "sheets_signed": sum(1 for s in sheets if s.locked),
        "results": _result_rows(request.user, competition),
        "corrections": selectors.corrections(competition) if manager else [],
        "appeals": selectors.appeals(competition),
        "recommendations": selectors.recommendations(competition) if manager else [],
        "scheme_json": json.dumps(setup.scheme_export(competition), ensure_ascii=False, indent=2),
        "rules_json": json.dumps(competition.rules, ensure_ascii=False, indent=2)
        if competition.rules
        else "",
        "appeal_deadline": results.appeal_deadline(competition),
        "States": ResultsState,
        "Statuses": Status,
    }
    return render(request, "competitions/detail.html", context)


@require_POST
@officer_required
def competition_action(request, competition_id, action):
    """The competition-wide buttons: next status, compute / verify / publish results,
    import a scheme, record a theory score."""
    competition = selectors.competition_or_404(request.user, competition_id, Action.MANAGE_COMPETITIONS)
    try:
        if action == "advance_status":
            setup.competition_advance_status(actor=request.user, competition=competition)
        elif action == "advance_entries":
            made = setup.competition_advance(actor=request.user, competition=competition)
            messages.success(request, _("%(n)d entries advanced from the previous stage.") % {"n": len(made)})
        elif action == "compute":
            results.results_compute(actor=request.user, competition=competition)
        elif action == "verify":
            results.results_verify(actor=request.user, competition=competition)
        elif action == "publish":
            results.results_publish(actor=request.user, competition=competition)
        elif action == "scheme":
            try:
                data = json.loads(request.POST.get("scheme", ""))
            except ValueError:
                raise ValidationError(_("The scheme is not valid JSON."), code="bad_json") from None
            setup.scheme_import(actor=request.user, competition=competition, data=data)
        elif action == "register":
            numbers = [
                n
                for n in request.POST.get("members", "").replace("，", ",").replace(" ", ",").split(",")
                if n
            ]
            members = selectors.members_by_number(request.user, numbers)
            if not members or len(members) != len(set(numbers)):
                raise ValidationError(_("Unknown member number."), code="unknown_member")
            setup.entry_register(
                actor=request.user,
                competition=competition,
                members=members,
                team_name=request.POST.get("team_name", ""),
            )
        elif action == "judge":
            section = selectors.section_in(competition, request.POST.get("section"))
            judge = selectors.user_by_username(request.POST.get("username", ""))
            if section is None or judge is None:
                raise ValidationError(_("Choose a section and an existing login."), code="unknown_judge")
            setup.judge_assign(actor=request.user, section=section, judge=judge)
        elif action == "substitute":
            entry = selectors.entry_by_number(competition, request.POST.get("number"))
            section = selectors.section_in(competition, request.POST.get("section"))
            conflicted = selectors.user_by_username(request.POST.get("judge", ""))
            substitute = selectors.user_by_username(request.POST.get("substitute", ""))
            if None in (entry, section, conflicted, substitute):
                raise ValidationError(
                    _("Choose a competitor, a section and two existing logins."), code="unknown_judge"
                )
            setup.judge_substitute(
                actor=request.user,
                entry=entry,
                section=section,
                conflicted_judge=conflicted,
                substitute=substitute,
                reason=request.POST.get("reason", ""),
            )
        elif action == "rules":
            try:
                rules = json.loads(request.POST.get("rules") or "{}")
            except ValueError:
                raise ValidationError(_("The rules are not valid JSON."), code="bad_json") from None
            setup.competition_set_rules(actor=request.user, competition=competition, rules=rules)
        elif action == "theory":
            entry = selectors.entry_by_number(competition, request.POST.get("number"))
            if entry is None:
                raise ValidationError(_("Unknown competitor number."), code="unknown_entry")
            marking.theory_record(actor=request.user, entry=entry, score=request.POST.get("score"))
        else:
            from django.http import Http404

            raise Http404
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Done."))
    return _back(competition)


@officer_required
def recompute(request, competition_id):
    """GET: the diff a recomputation would make to the published results. POST (with the
    preview's fingerprint): replace them."""
    competition = selectors.competition_or_404(request.user, competition_id, Action.MANAGE_COMPETITIONS)
    if request.method == "POST":
        try:
            results.results_recompute_apply(
                actor=request.user, competition=competition, fingerprint=request.POST.get("fingerprint", "")
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
            return redirect("competitions:recompute", competition_id=competition.pk)
        messages.success(request, _("The published results were replaced by the recomputation."))
        return _back(competition, "results")
    try:
        preview = results.results_recompute_preview(actor=request.user, competition=competition)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return _back(competition, "results")
    rows = [
        {
            "entry": c["entry"],
            "before": c["before"]
            and {k: (scoring.display(v) if k != "rank" else v) for k, v in c["before"].items()},
            "after": {k: (scoring.display(v) if k != "rank" else v) for k, v in c["after"].items()},
        }
        for c in preview["changes"]
    ]
    return render(
        request,
        "competitions/recompute.html",
        {"competition": competition, "rows": rows, "fingerprint": preview["fingerprint"]},
    )


@require_POST
@officer_required
def recommendation_action(request, recommendation_id, action):
    rec = selectors.recommendation_or_404(request.user, recommendation_id, Action.MANAGE_COMPETITIONS)
    try:
        if action == "accept":
            results.recommendation_accept(actor=request.user, recommendation=rec)
        else:
            results.recommendation_decline(
                actor=request.user, recommendation=rec, reason=request.POST.get("reason", "")
            )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return _back(rec.competition, "recommendations")


@require_POST
@officer_required
def correction_action(request, correction_id, action):
    correction = selectors.correction_or_404(request.user, correction_id, Action.MANAGE_COMPETITIONS)
    try:
        if action == "approve":
            marking.correction_approve(actor=request.user, correction=correction)
        else:
            marking.correction_reject(
                actor=request.user, correction=correction, reason=request.POST.get("reason", "")
            )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return _back(correction.sheet.competition, "corrections")


@require_POST
@officer_required
def appeal_decide(request, appeal_id):
    appeal = selectors.appeal_or_404(request.user, appeal_id, Action.SUPERVISE)
    try:
        results.appeal_decide(
            actor=request.user,
            appeal=appeal,
            upheld=request.POST.get("decision") == "upheld",
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return _back(appeal.competition, "appeals")


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


@login_required
def judge_sheet(request, sheet_id):
    """One entry × section at a time: big buttons 0–3 for judgements, achieved / not for
    full-or-zero, a number for tolerance bands; spread warnings; sign-off."""
    sheet = selectors.sheet_or_404(request.user, sheet_id)
    competition = sheet.competition
    if not (selectors.may_mark(request.user, sheet) or selectors.can_manage(request.user, competition)):
        from django.http import Http404

        raise Http404
    if request.method == "POST":
        try:
            what = request.POST.get("do")
            if what == "sign_off":
                marking.sheet_sign_off(actor=request.user, sheet=sheet)
                messages.success(request, _("Sheet signed off and locked."))
            else:
                aspect = selectors.aspect_by_code(competition, request.POST.get("aspect", ""))
                if aspect is None:
                    raise ValidationError(_("Unknown aspect."), code="unknown_aspect")
                if what == "justify":
                    marking.sheet_justify(
                        actor=request.user, sheet=sheet, aspect=aspect, text=request.POST.get("text", "")
                    )
                elif what == "correct":
                    marking.correction_request(
                        actor=request.user,
                        sheet=sheet,
                        aspect=aspect,
                        new_value=request.POST.get("value"),
                        reason=request.POST.get("reason", ""),
                    )
                    messages.success(request, _("Correction requested; a second person must approve it."))
                else:
                    marking.mark_record(
                        actor=request.user, sheet=sheet, aspect=aspect, value=request.POST.get("value")
                    )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
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
    own_entry = selectors.entry_of_member(competition, selectors.member_of(request.user))
    if request.method == "POST":
        if own_entry is None:
            from django.http import Http404

            raise Http404
        try:
            results.appeal_file(actor=request.user, entry=own_entry, reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Your appeal was filed; the supervisors will decide it."))
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
