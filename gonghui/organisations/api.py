"""The organisation tree and the audit log over HTTP (mounted at /api/v1/organisations and
/api/v1/audit). Thin: scope → selector → shape."""

from ninja import Router, Schema

from gonghui.core import audit, pagination
from gonghui.organisations import auditlog, permissions, scoping, selectors

router = Router(tags=["organisations"])


class OrgRef(Schema):
    code: str
    name: str


class OrgItem(Schema):
    id: str
    code: str
    name: str
    short_name: str
    kind: str
    level: int
    grassroots_type: str
    division_code: str
    parent: OrgRef | None
    children: int
    is_active: bool


class OrgList(Schema):
    items: list[OrgItem]
    count: int


def org_ref(org) -> dict | None:
    return {"code": org.code, "name": org.name} if org else None


def org_item(org, parent=None) -> dict:
    return {
        "id": str(org.pk),
        "code": org.code,
        "name": org.name,
        "short_name": org.short_name,
        "kind": org.kind,
        "level": org.level,
        "grassroots_type": org.grassroots_type,
        "division_code": org.division_code,
        "parent": org_ref(parent),
        "children": org.numchild,
        "is_active": org.is_active,
    }


@router.get("", response=OrgList)
def list_organisations(request, q: str = "", parent: str = "", page: int = 1, page_size: int = 20):
    """Organisations in scope; ``parent=<code>`` lists one node's children."""
    req = pagination.parse(page, page_size)
    if parent:
        qs = selectors.children(request.user, scoping.get_organisation_or_404(request.user, parent))
    else:
        qs = selectors.matching(request.user, q)
    items, count = pagination.slice_queryset(qs, req)
    return {"items": [org_item(o) for o in items], "count": count}


@router.get("/{code}", response=OrgItem)
def get_organisation(request, code: str):
    org = scoping.get_organisation_or_404(request.user, code)
    return org_item(org, selectors.visible_parent(request.user, org))


audit_router = Router(tags=["audit"])


class AuditChangeOut(Schema):
    field: str
    name: str
    before: str | int | float | bool | None
    after: str | int | float | bool | None


class AuditItem(Schema):
    id: str
    at: str
    actor: str
    actor_name: str
    action: str
    action_label: str
    object_type: str
    object_kind: str
    object_id: str
    object: str
    changes: dict
    changes_in_words: list[AuditChangeOut]
    reason: str


class AuditList(Schema):
    items: list[AuditItem]
    count: int


@audit_router.get("", response=AuditList)
def list_audit(
    request, organisation: str = "", action: str = "", object_id: str = "", page: int = 1, page_size: int = 20
):
    """Audit entries in the caller's scope (administrators)."""
    # In words beside the codes: action_label, actor_name, object (the record's name, ids in it
    # replaced by names) and changes_in_words are for people; action, object_type, object_id
    # and changes keep what was recorded, for programs.
    permissions.require_read_audit_log(request.user)
    req = pagination.parse(page, page_size)
    org = (
        scoping.get_organisation_or_404(request.user, organisation, scoping.Action.VIEW_AUDIT)
        if organisation
        else None
    )
    qs = selectors.audit_entries(request.user, organisation=org, action_prefix=action, object_id=object_id)
    items, count = pagination.slice_queryset(qs, req)
    return {
        "items": [
            {
                "id": str(row.entry.pk),
                "at": row.entry.at.isoformat(),
                "actor": row.entry.actor_label,
                "actor_name": row.actor,
                "action": row.entry.action,
                "action_label": row.action,
                "object_type": row.entry.object_type,
                "object_kind": row.object_kind,
                "object_id": row.entry.object_id,
                "object": row.object_name,
                "changes": row.entry.changes,
                "changes_in_words": [
                    {
                        "field": c.code,
                        "name": c.name,
                        "before": audit.plain(c.before),
                        "after": audit.plain(c.after),
                    }
                    for c in row.changes
                ],
                "reason": row.entry.reason,
            }
            for row in auditlog.readable(items)
        ],
        "count": count,
    }
