"""Ideas, studios and alliances over HTTP (mounted at /api/v1/). Thin: parse → service →
shape. Lists are ``{"items", "count"}``; amounts are strings with two decimals."""

import datetime

from ninja import Router, Schema, Status

from gonghui.core import pagination
from gonghui.core.api import Error, fresh, uuid_or_404
from gonghui.core.inputs import money_text
from gonghui.innovation import permissions, selectors
from gonghui.innovation.services import ideas as idea_services
from gonghui.organisations.api import OrgRef, org_ref

router = Router(tags=["innovation"])


# ---- ideas -------------------------------------------------------------------------------------


class IdeaItem(Schema):
    id: str
    kind: str
    title: str
    status: str
    moderation: str
    support_count: int
    organisation: OrgRef
    author: str
    submitted_at: datetime.datetime


class Milestone(Schema):
    id: str
    title: str
    due_on: datetime.date
    done_on: datetime.date | None


class Reward(Schema):
    kind: str
    amount: str
    awarded_on: datetime.date
    note: str


class Review(Schema):
    feasibility: str
    estimated_benefit: str
    score: int
    adopted: bool


class IdeaDetail(IdeaItem):
    problem: str
    proposal: str
    expected_benefit: str
    answer: str
    support_threshold: int
    supported_by_me: bool
    review_due_on: datetime.date | None
    review: Review | None
    milestones: list[Milestone]
    progress: int
    rewards: list[Reward]
    attachments: list[dict]


class IdeaList(Schema):
    items: list[IdeaItem]
    count: int


class IdeaIn(Schema):
    kind: str
    title: str
    problem: str
    proposal: str
    expected_benefit: str = ""


class SupportOut(Schema):
    id: str
    status: str
    support_count: int


class SimilarItem(Schema):
    id: str
    title: str
    kind: str
    status: str
    support_count: int
    similarity: float


class SimilarList(Schema):
    items: list[SimilarItem]


def idea_item(idea) -> dict:
    return {
        "id": str(idea.pk),
        "kind": idea.kind,
        "title": idea.title,
        "status": idea.status,
        "moderation": idea.moderation,
        "support_count": idea.support_count,
        "organisation": org_ref(idea.organisation),
        "author": idea.author.name,
        "submitted_at": idea.submitted_at,
    }


def idea_detail(user, idea) -> dict:
    idea = selectors.idea_detail(idea)
    review = getattr(idea, "review", None)
    data = idea_item(idea)
    data.update(
        problem=idea.problem,
        proposal=idea.proposal,
        expected_benefit=idea.expected_benefit,
        answer=idea.answer,
        support_threshold=selectors.idea_thresholds(idea.organisation)[0],
        supported_by_me=selectors.has_supported(permissions.member_for(user), idea),
        review_due_on=idea.review_due_on,
        review=None
        if review is None
        else {
            "feasibility": review.feasibility,
            "estimated_benefit": money_text(review.estimated_benefit),
            "score": review.score,
            "adopted": review.adopted,
        },
        milestones=[
            {"id": str(m.pk), "title": m.title, "due_on": m.due_on, "done_on": m.done_on}
            for m in idea.milestones.all()
        ],
        progress=selectors.progress(idea),
        rewards=[
            {"kind": r.kind, "amount": money_text(r.amount), "awarded_on": r.awarded_on, "note": r.note}
            for r in idea.rewards.all()
        ],
        attachments=[
            {"id": str(a.pk), "name": a.name, "content_type": a.content_type, "size": a.size}
            for a in idea.attachments.all()
        ],
    )
    return data


@router.get("ideas", response=IdeaList)
def list_ideas(
    request, status: str = "", kind: str = "", mine: bool = False, page: int = 1, page_size: int = 20
):
    """Ideas the caller can see: officers their subtree, members their city's community,
    assigned experts their ideas. ``mine=true`` gives the caller's own ideas."""
    req = pagination.parse(page, page_size)
    qs = selectors.idea_list(request.user, status=status, kind=kind, mine=mine)
    items, count = pagination.slice_queryset(qs, req)
    return {"items": [idea_item(i) for i in items], "count": count}


@router.post("ideas", response={201: IdeaDetail})
def submit_idea(request, payload: IdeaIn):
    """A member submits a 五小 idea (attachments are added on the idea page)."""
    idea = idea_services.idea_submit(actor=request.user, **payload.dict())
    return Status(201, fresh(lambda i: idea_detail(request.user, i), selectors.idea_or_404, request, idea.pk))


@router.get("ideas/similar", response=SimilarList)
def similar_ideas(request, q: str = ""):
    """Ideas like the text ``q`` (title and problem being typed), best first: character
    bigram Jaccard similarity over title + problem, among ideas the caller can see."""
    ranked = selectors.similar_ideas(request.user, q[:2000])
    return {
        "items": [
            {
                "id": str(i.pk),
                "title": i.title,
                "kind": i.kind,
                "status": i.status,
                "support_count": i.support_count,
                "similarity": score,
            }
            for score, i in ranked
        ]
    }


@router.get("ideas/{idea_id}", response=IdeaDetail)
def get_idea(request, idea_id: str):
    return idea_detail(request.user, selectors.idea_or_404(request.user, uuid_or_404(idea_id)))


@router.post("ideas/{idea_id}/support", response={201: SupportOut, 409: Error})
def support_idea(request, idea_id: str):
    """Support an idea once. A second support answers 409 ``already_supported``."""
    idea = selectors.idea_or_404(request.user, uuid_or_404(idea_id))
    try:
        idea = idea_services.idea_support(actor=request.user, idea=idea)
    except idea_services.AlreadySupported as exc:
        return Status(409, {"detail": exc.messages[0], "code": "already_supported"})
    return Status(201, {"id": str(idea.pk), "status": idea.status, "support_count": idea.support_count})


class IdeaReportIn(Schema):
    reason: str


class ModerationOut(Schema):
    id: str
    moderation: str


@router.post("ideas/{idea_id}/report", response={201: ModerationOut})
def report_idea(request, idea_id: str, payload: IdeaReportIn):
    """Report an inappropriate idea (once); enough reports hide it pending moderation."""
    idea = selectors.idea_or_404(request.user, uuid_or_404(idea_id))
    report = idea_services.idea_report(actor=request.user, idea=idea, reason=payload.reason)
    # Not re-read through the selector: enough reports hide the idea from the reporter.
    return Status(201, {"id": str(idea.pk), "moderation": report.idea.moderation})


class ReviewIn(Schema):
    feasibility: str
    estimated_benefit: str
    score: int
    adopted: bool
    answer: str


@router.post("ideas/{idea_id}/review", response=IdeaDetail)
def review_idea(request, idea_id: str, payload: ReviewIn):
    """Decide an idea in review (an officer with ``manage_innovation`` or an assigned expert)."""
    idea = selectors.idea_or_404(request.user, uuid_or_404(idea_id))
    idea_services.idea_review(actor=request.user, idea=idea, **payload.dict())
    return fresh(lambda i: idea_detail(request.user, i), selectors.idea_or_404, request, idea.pk)


# ---- studios and alliances -------------------------------------------------------------------------


class Achievement(Schema):
    kind: str
    title: str
    achieved_on: datetime.date
    savings: str
    patent_no: str


class StudioItem(Schema):
    id: str
    name: str
    organisation: OrgRef
    employer: str
    lead: str
    level: str
    status: str
    named_on: datetime.date
    naming_body: str
    delisting_proposed: bool


class StudioDetail(StudioItem):
    lead_honour_note: str
    team: list[dict]
    achievements: list[Achievement]
    reviews: list[dict]
    funding: list[dict]
    total_savings: str
    total_funding: str
    delisted_on: datetime.date | None
    delisting_reason: str


class StudioList(Schema):
    items: list[StudioItem]
    count: int


def studio_item(s) -> dict:
    return {
        "id": str(s.pk),
        "name": s.name,
        "organisation": org_ref(s.organisation),
        "employer": s.employer,
        "lead": s.lead.name,
        "level": s.level,
        "status": s.status,
        "named_on": s.named_on,
        "naming_body": s.naming_body,
        "delisting_proposed": s.delisting_proposed,
    }


@router.get("studios", response=StudioList)
def list_studios(request, status: str = "", level: str = "", q: str = "", page: int = 1, page_size: int = 20):
    req = pagination.parse(page, page_size)
    items, count = pagination.slice_queryset(
        selectors.studio_list(request.user, status=status, level=level, q=q), req
    )
    return {"items": [studio_item(s) for s in items], "count": count}


@router.get("studios/{studio_id}", response=StudioDetail)
def get_studio(request, studio_id: str):
    s = selectors.studio_detail(selectors.studio_or_404(request.user, uuid_or_404(studio_id)))
    totals = selectors.studio_totals(s)
    data = studio_item(s)
    data.update(
        lead_honour_note=s.lead_honour_note,
        team=[
            {"name": t.member.name, "role": t.role, "joined_on": t.joined_on.isoformat()}
            for t in s.team.all()
        ],
        achievements=[
            {
                "kind": a.kind,
                "title": a.title,
                "achieved_on": a.achieved_on,
                "savings": money_text(a.savings),
                "patent_no": a.patent_no,
            }
            for a in s.achievements.all()
        ],
        reviews=[{"year": r.year, "rating": r.rating, "comments": r.comments} for r in s.reviews.all()],
        funding=[
            {"year": f.year, "amount": money_text(f.amount), "source": f.source} for f in s.funding.all()
        ],
        total_savings=money_text(totals["savings"]),
        total_funding=money_text(totals["funding"]),
        delisted_on=s.delisted_on,
        delisting_reason=s.delisting_reason,
    )
    return data


class AllianceItem(Schema):
    id: str
    name: str
    organisation: OrgRef
    founded_on: datetime.date
    studios: int
    lead: str | None


class AllianceDetail(AllianceItem):
    charter: str
    members: list[dict]
    lead_terms: list[dict]
    projects: list[dict]


class AllianceList(Schema):
    items: list[AllianceItem]
    count: int


def alliance_item(a) -> dict:
    term = selectors.current_lead(a)
    return {
        "id": str(a.pk),
        "name": a.name,
        "organisation": org_ref(a.organisation),
        "founded_on": a.founded_on,
        "studios": len(a.memberships.all()),
        "lead": term.studio.name if term else None,
    }


@router.get("alliances", response=AllianceList)
def list_alliances(request, page: int = 1, page_size: int = 20):
    """Alliances founded in the caller's scope or with a member studio in it."""
    req = pagination.parse(page, page_size)
    qs = selectors.alliances_visible_to(request.user).prefetch_related("memberships", "lead_terms__studio")
    items, count = pagination.slice_queryset(qs.order_by("name"), req)
    return {"items": [alliance_item(a) for a in items], "count": count}


@router.get("alliances/{alliance_id}", response=AllianceDetail)
def get_alliance(request, alliance_id: str):
    a = selectors.alliance_detail(selectors.alliance_or_404(request.user, uuid_or_404(alliance_id)))
    data = alliance_item(a)
    data.update(
        charter=a.charter,
        members=[
            {
                "studio": m.studio.name,
                "organisation": m.studio.organisation.name,
                "joined_on": m.joined_on.isoformat(),
            }
            for m in a.memberships.all()
        ],
        lead_terms=[
            {"studio": t.studio.name, "starts_on": t.starts_on.isoformat(), "ends_on": t.ends_on.isoformat()}
            for t in a.lead_terms.all()
        ],
        projects=[
            {"title": p.title, "status": p.status, "studios": [s.name for s in p.studios.all()]}
            for p in a.projects.all()
        ],
    )
    return data
