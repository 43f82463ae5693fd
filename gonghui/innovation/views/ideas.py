"""Idea pages: member-facing (phone first) list, submit with the similar-ideas panel, detail
with support and report; officer actions on the detail page (send to review, decide,
milestones, reward, moderate) and the officer queues. Thin: selector or service, then
redirect with a message or render."""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.web import form_action, paginate
from gonghui.innovation import permissions, selectors
from gonghui.innovation.choices import Feasibility, IdeaStatus, Moderation, RewardKind
from gonghui.innovation.forms import IdeaForm
from gonghui.innovation.services import ideas as services
from gonghui.organisations.permissions import officer_required


def _back(idea_id):
    return redirect("innovation:idea_detail", idea_id=idea_id)


@login_required
@require_GET
def idea_list(request):
    tab = request.GET.get("tab", "all")
    status = request.GET.get("status", "")
    if status not in IdeaStatus.values:
        status = ""
    qs = selectors.idea_list(request.user, status=status, mine=tab == "mine")
    page = paginate(request, qs)
    return render(
        request,
        "innovation/member/idea_list.html",
        {
            "page": page,
            "tab": tab,
            "status": status,
            "statuses": IdeaStatus.choices,
            "is_member": permissions.member_for(request.user) is not None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def idea_new(request):
    member = permissions.active_member_for(request.user)
    if request.method == "POST":
        form = IdeaForm(request.POST, request.FILES)
        done = form_action(
            request,
            lambda d: services.idea_submit(
                actor=request.user,
                files=request.FILES.getlist("attachments"),
                **{k: v for k, v in d.items() if k != "attachments"},
            ),
            form=form,
            success=_("Your idea has been submitted. Colleagues can now support it."),
        )
        if done.ok:
            return _back(done.result.pk)
    else:
        form = IdeaForm()
    return render(request, "innovation/member/idea_new.html", {"form": form, "member": member})


@login_required
@require_GET
def idea_similar(request):
    """htmx: the similar-ideas panel for what is being typed (title + problem)."""
    text = f"{request.GET.get('title', '')} {request.GET.get('problem', '')}"[:2000]
    ranked = selectors.similar_ideas(request.user, text)
    return render(request, "innovation/member/_similar.html", {"ranked": ranked, "typed": text.strip()})


@login_required
@require_GET
def idea_detail(request, idea_id):
    idea = selectors.idea_detail(selectors.idea_or_404(request.user, idea_id))
    member = permissions.member_for(request.user)
    can_manage = permissions.can_manage_idea(request.user, idea)
    return render(
        request,
        "innovation/member/idea_detail.html",
        {
            "idea": idea,
            "review": getattr(idea, "review", None),
            "progress": selectors.progress(idea),
            "threshold": selectors.idea_thresholds(idea.organisation)[0],
            "is_author": member is not None and idea.author_id == member.pk,
            "supported": selectors.has_supported(member, idea),
            "reported": selectors.has_reported(member, idea),
            "can_support": member is not None
            and idea.author_id != member.pk
            and idea.status == IdeaStatus.SUBMITTED
            and idea.moderation == Moderation.VISIBLE,
            "can_manage": can_manage,
            "can_review": idea.status == IdeaStatus.IN_REVIEW
            and permissions.can_review_idea(request.user, idea),
            "feasibility_choices": Feasibility.choices,
            "reward_choices": RewardKind.choices,
        },
    )


@login_required
@require_POST
def idea_support(request, idea_id):
    idea = selectors.idea_or_404(request.user, idea_id)
    form_action(
        request,
        lambda: services.idea_support(actor=request.user, idea=idea),
        success=_("Thank you for your support."),
    )
    return _back(idea.pk)


@login_required
@require_POST
def idea_report(request, idea_id):
    idea = selectors.idea_or_404(request.user, idea_id)
    form_action(
        request,
        lambda: services.idea_report(actor=request.user, idea=idea, reason=request.POST.get("reason", "")),
        success=_("Thank you. A moderator will look at this idea."),
    )
    return _back(idea.pk)


@login_required
@require_GET
def attachment_download(request, idea_id, attachment_id):
    attachment = selectors.attachment_or_404(request.user, idea_id, attachment_id)
    response = HttpResponse(bytes(attachment.data), content_type=attachment.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(attachment.name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---- officer actions (on the detail page) ----------------------------------------------------------


@officer_required
@require_POST
def idea_send_to_review(request, idea_id):
    idea = selectors.idea_or_404(request.user, idea_id)
    form_action(request, lambda: services.idea_send_to_review(actor=request.user, idea=idea))
    return _back(idea.pk)


@login_required
@require_POST
def idea_review(request, idea_id):
    idea = selectors.idea_or_404(request.user, idea_id)
    p = request.POST
    form_action(
        request,
        lambda: services.idea_review(
            actor=request.user,
            idea=idea,
            feasibility=p.get("feasibility", ""),
            estimated_benefit=p.get("estimated_benefit", ""),
            score=p.get("score", ""),
            adopted=p.get("outcome") == "adopted",
            answer=p.get("answer", ""),
        ),
        success=_("The decision has been published."),
    )
    return _back(idea.pk)


@officer_required
@require_POST
def milestone_add(request, idea_id):
    idea = selectors.idea_or_404(request.user, idea_id)
    form_action(
        request,
        lambda: services.milestone_add(
            actor=request.user,
            idea=idea,
            title=request.POST.get("title", ""),
            due_on=request.POST.get("due_on", ""),
        ),
    )
    return _back(idea.pk)


@officer_required
@require_POST
def milestone_done(request, idea_id, milestone_id):
    idea = selectors.idea_detail(selectors.idea_or_404(request.user, idea_id))
    milestone = next((m for m in idea.milestones.all() if m.pk == milestone_id), None)
    if milestone is None:
        raise Http404
    form_action(request, lambda: services.milestone_complete(actor=request.user, milestone=milestone))
    return _back(idea.pk)


@officer_required
@require_POST
def reward_record(request, idea_id):
    idea = selectors.idea_or_404(request.user, idea_id)
    p = request.POST
    form_action(
        request,
        lambda: services.reward_record(
            actor=request.user,
            idea=idea,
            kind=p.get("kind", ""),
            amount=p.get("amount", ""),
            note=p.get("note", ""),
        ),
        success=_("The reward has been recorded."),
    )
    return _back(idea.pk)


@officer_required
@require_POST
def idea_moderate(request, idea_id):
    idea = selectors.idea_or_404(request.user, idea_id)
    form_action(
        request,
        lambda: services.idea_moderate(
            actor=request.user,
            idea=idea,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
        ),
    )
    return _back(idea.pk)


# ---- officer queues ------------------------------------------------------------------------------


@login_required
@require_GET
def review_queue(request):
    page = paginate(request, selectors.review_queue(request.user))
    return render(request, "innovation/officer/queue.html", {"page": page, "queue": "review"})


@officer_required
@require_GET
def moderation_queue(request):
    page = paginate(request, selectors.moderation_queue(request.user))
    return render(request, "innovation/officer/queue.html", {"page": page, "queue": "moderation"})


@officer_required
@require_GET
def implementation_queue(request):
    page = paginate(request, selectors.implementation_queue(request.user))
    page.rows = [(idea, selectors.progress(idea)) for idea in page.items]
    return render(request, "innovation/officer/queue.html", {"page": page, "queue": "implementation"})
