"""The talent profile over HTTP (mounted at /api/v1/talent). Thin: scope → selector → shape.
Points and scores are decimal strings with two places."""

from ninja import Router, Schema

from gonghui.core.api import uuid_or_404
from gonghui.talent import selectors

router = Router(tags=["talent"])


class TalentMemberRef(Schema):
    id: str
    name: str


class ComponentOut(Schema):
    source: str
    kind: str
    id: str
    title: str
    date: str
    link: str
    points: str
    detail: str


class DimensionOut(Schema):
    key: str
    label: str
    score: str
    components: list[ComponentOut]


class ProfileOut(Schema):
    member: TalentMemberRef
    dimensions: list[DimensionOut]
    total: str


def profile_out(member, profile) -> dict:
    return {
        "member": {"id": str(member.pk), "name": member.name},
        "dimensions": [
            {
                "key": dim.key,
                "label": dim.label,
                "score": f"{dim.score:.2f}",
                "components": [
                    {
                        "source": c.source.source,
                        "kind": c.source.kind,
                        "id": c.source.id,
                        "title": c.source.title,
                        "date": c.source.date,
                        "link": c.source.link,
                        "points": f"{c.points:.2f}",
                        "detail": c.detail,
                    }
                    for c in dim.components
                ],
            }
            for dim in profile.dimensions
        ],
        "total": f"{profile.total:.2f}",
    }


@router.get("/members/{member_id}", response=ProfileOut)
def member_profile(request, member_id: str):
    """A member's talent profile: four dimensions 0–100, each with its components and their
    sources. Out of scope answers 404; a member may read their own."""
    member = selectors.profile_member_or_404(request.user, uuid_or_404(member_id))
    return profile_out(member, selectors.profile_for(member))
