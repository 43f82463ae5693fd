"""Officer pages: the registry of innovation studios and alliances, with a studio's
achievements, yearly reviews and funding, and the forms that record them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.web import paginate
from gonghui.honours import selectors as honour_selectors
from gonghui.innovation import selectors
from gonghui.innovation.choices import AchievementKind, ReviewRating, StudioLevel, StudioStatus
from gonghui.innovation.services import studios as services
from gonghui.organisations import scoping
from gonghui.organisations.permissions import officer_required


@officer_required
@require_GET
def studio_list(request):
    status = request.GET.get("status", "")
    level = request.GET.get("level", "")
    q = request.GET.get("q", "").strip()[:60]
    qs = selectors.studio_list(
        request.user,
        status=status if status in StudioStatus.values else "",
        level=level if level in StudioLevel.values else "",
        q=q,
    )
    return render(
        request,
        "innovation/officer/studio_list.html",
        {
            "page": paginate(request, qs),
            "status": status,
            "level": level,
            "q": q,
            "statuses": StudioStatus.choices,
            "levels": StudioLevel.choices,
            "can_create": scoping.has_any(request.user, scoping.Action.MANAGE_INNOVATION),
        },
    )


@officer_required
@require_GET
def studio_detail(request, studio_id):
    studio = selectors.studio_detail(selectors.studio_or_404(request.user, studio_id))
    return render(
        request,
        "innovation/officer/studio_detail.html",
        {
            "studio": studio,
            "totals": selectors.studio_totals(studio),
            "lead_honours": list(honour_selectors.member_honours(studio.lead)),
            "can_manage": scoping.can(request.user, scoping.Action.MANAGE_INNOVATION, studio.organisation),
            "achievement_kinds": AchievementKind.choices,
            "ratings": ReviewRating.choices,
        },
    )


def _act(request, studio_id, fn, **kwargs):
    studio = selectors.studio_or_404(request.user, studio_id)
    try:
        fn(actor=request.user, studio=studio, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("innovation:studio_detail", studio_id=studio.pk)


@officer_required
@require_POST
def studio_achievement(request, studio_id):
    p = request.POST
    return _act(
        request,
        studio_id,
        services.achievement_add,
        kind=p.get("kind", ""),
        title=p.get("title", ""),
        achieved_on=p.get("achieved_on", ""),
        savings=p.get("savings", ""),
        patent_no=p.get("patent_no", ""),
    )


@officer_required
@require_POST
def studio_review(request, studio_id):
    p = request.POST
    return _act(
        request,
        studio_id,
        services.studio_review_record,
        year=p.get("year", ""),
        rating=p.get("rating", ""),
        comments=p.get("comments", ""),
    )


@officer_required
@require_POST
def studio_funding(request, studio_id):
    p = request.POST
    return _act(
        request,
        studio_id,
        services.funding_record,
        year=p.get("year", ""),
        amount=p.get("amount", ""),
        source=p.get("source", ""),
    )


@officer_required
@require_POST
def studio_activate(request, studio_id):
    return _act(request, studio_id, services.studio_activate)


@officer_required
@require_POST
def studio_delist(request, studio_id):
    return _act(request, studio_id, services.studio_delist, reason=request.POST.get("reason", ""))


@officer_required
@require_GET
def alliance_list(request):
    qs = selectors.alliances_visible_to(request.user).prefetch_related("memberships", "lead_terms__studio")
    page = paginate(request, qs.order_by("name"))
    page.rows = [(a, selectors.current_lead(a)) for a in page.items]
    return render(
        request,
        "innovation/officer/alliance_list.html",
        {"page": page, "can_create": scoping.has_any(request.user, scoping.Action.MANAGE_INNOVATION)},
    )


@officer_required
@require_GET
def alliance_detail(request, alliance_id):
    alliance = selectors.alliance_detail(selectors.alliance_or_404(request.user, alliance_id))
    visible = set(selectors.studios_visible_to(request.user).values_list("pk", flat=True))
    return render(
        request,
        "innovation/officer/alliance_detail.html",
        {
            "alliance": alliance,
            "lead": selectors.current_lead(alliance),
            "visible_studios": visible,
            "can_manage": scoping.can(request.user, scoping.Action.MANAGE_INNOVATION, alliance.organisation),
        },
    )
