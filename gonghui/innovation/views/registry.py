"""Officer pages: the registry of innovation studios and alliances, with a studio's
achievements, yearly reviews and funding, and the forms that record them."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.web import dispatch, form_action, paginate
from gonghui.honours import selectors as honour_selectors
from gonghui.innovation import permissions, selectors
from gonghui.innovation.choices import AchievementKind, ReviewRating, StudioLevel, StudioStatus
from gonghui.innovation.services import studios as services
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
            "can_create": permissions.can_manage_somewhere(request.user),
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
            "can_manage": permissions.can_manage_studio(request.user, studio),
            "achievement_kinds": AchievementKind.choices,
            "ratings": ReviewRating.choices,
        },
    )


# The buttons and small forms of a studio's page: each is one service call on the studio,
# taking these fields of the POST; a refusal comes back as a message on the page.
_STUDIO_ACTIONS = {
    "achievement": (services.achievement_add, ("kind", "title", "achieved_on", "savings", "patent_no")),
    "review": (services.studio_review_record, ("year", "rating", "comments")),
    "funding": (services.funding_record, ("year", "amount", "source")),
    "activate": (services.studio_activate, ()),
    "delist": (services.studio_delist, ("reason",)),
}


@officer_required
@require_POST
def studio_act(request, studio_id, action):
    service, fields = dispatch(_STUDIO_ACTIONS, action)
    studio = selectors.studio_or_404(request.user, studio_id)
    given = {name: request.POST.get(name, "") for name in fields}
    form_action(request, lambda: service(actor=request.user, studio=studio, **given))
    return redirect("innovation:studio_detail", studio_id=studio.pk)


@officer_required
@require_GET
def alliance_list(request):
    qs = selectors.alliances_visible_to(request.user).prefetch_related("memberships", "lead_terms__studio")
    page = paginate(request, qs.order_by("name"))
    page.rows = [(a, selectors.current_lead(a)) for a in page.items]
    return render(
        request,
        "innovation/officer/alliance_list.html",
        {"page": page, "can_create": permissions.can_manage_somewhere(request.user)},
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
            "can_manage": permissions.can_manage_alliance(request.user, alliance),
        },
    )
