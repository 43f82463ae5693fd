"""News and notices over HTTP (mounted at /api/v1/news). Thin: parse → service → shape.

Readers (anyone; anonymous callers get public items only) list and open published items;
officers write drafts and take them through 三审三校; members acknowledge notices; officers read
and export the receipt table. Lists are ``{"items", "count"}``.
"""

import datetime

from django.http import Http404, HttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from gonghui.accounts.api import AUTH
from gonghui.core import inputs, pagination
from gonghui.core.api import Error, anyone, file_answer, uuid_or_404
from gonghui.news.choices import Kind
from gonghui.news.models import NewsItem
from gonghui.news.selectors import files as file_selectors
from gonghui.news.selectors import news_item_or_404, officer_view_or_404
from gonghui.news.selectors import receipts as receipt_selectors
from gonghui.news.selectors.readers import published_for, publisher_or_404
from gonghui.news.services import files, items, receipts
from gonghui.organisations import scoping
from gonghui.organisations.api import OrgRef, org_ref
from gonghui.organisations.models import Organisation
from gonghui.organisations.scoping import Action

router = Router(tags=["news"])
OPEN = [*AUTH, anyone]


class NewsListItem(Schema):
    id: str
    kind: str
    title: str
    organisation: OrgRef
    published_at: datetime.datetime | None
    audience: str
    requires_ack: bool
    pinned: bool
    corrected_at: datetime.datetime | None


class NewsList(Schema):
    items: list[NewsListItem]
    count: int


class FileOut(Schema):
    id: str
    name: str
    content_type: str
    size: int
    url: str


class NewsDetail(NewsListItem):
    state: str
    body: str
    valid_from: datetime.datetime | None
    valid_until: datetime.datetime | None
    targets: list[OrgRef]
    cover: str | None
    attachments: list[FileOut]
    read_at: datetime.datetime | None
    acked_at: datetime.datetime | None


class NewsIn(Schema):
    kind: str
    title: str
    body: str
    audience: str
    requires_ack: bool = False
    organisation: str = ""
    targets: list[str] = []
    pinned: bool = False
    valid_from: datetime.datetime | None = None
    valid_until: datetime.datetime | None = None


class StateOut(Schema):
    id: str
    state: str


class CommentIn(Schema):
    comment: str = ""


class ReasonIn(Schema):
    reason: str = ""


class CorrectionIn(Schema):
    title: str
    body: str


class AckOut(Schema):
    id: str
    acked_at: datetime.datetime


class RemindOut(Schema):
    reminded: int


class ReceiptRowOut(Schema):
    organisation: OrgRef | None
    members: int
    read: int
    acknowledged: int


class ReceiptTable(Schema):
    items: list[ReceiptRowOut]
    total: ReceiptRowOut


class ImageOut(Schema):
    id: str
    url: str


def news_item(item: NewsItem) -> dict:
    return {
        "id": str(item.pk),
        "kind": item.kind,
        "title": item.title,
        "organisation": org_ref(item.organisation),
        "published_at": item.published_at,
        "audience": item.audience,
        "requires_ack": item.requires_ack,
        "pinned": item.pinned,
        "corrected_at": item.corrected_at,
    }


def news_detail(item: NewsItem, receipt=None) -> dict:
    data = news_item(item)
    data.update(
        state=item.status,
        body=item.body,
        valid_from=item.valid_from,
        valid_until=item.valid_until,
        targets=[org_ref(t) for t in item.targets.order_by("path")],
        cover=files.image_url(item.cover) if item.cover_id else None,
        attachments=[
            {
                "id": str(a.pk),
                "name": a.name,
                "content_type": a.content_type,
                "size": a.size,
                "url": f"/api/v1/news/{item.pk}/attachments/{a.pk}",
            }
            for a in item.attachments.defer("data").order_by("created_at")
        ],
        read_at=receipt.read_at if receipt else None,
        acked_at=receipt.acked_at if receipt else None,
    )
    return data


def _state(item: NewsItem) -> dict:
    return {"id": str(item.pk), "state": item.status}


def _officer_item(request, item_id: str) -> NewsItem:
    return news_item_or_404(request.user, uuid_or_404(item_id))


def _organisation_for(user, code: str) -> Organisation:
    """The union named by ``code`` (404 outside the caller's scope), or the caller's own: the
    first union where they write news."""
    if code:
        return scoping.get_organisation_or_404(user, code)
    home = scoping.home_organisations(user, Action.WRITE_NEWS)
    if not home:
        scoping.refuse(visible=True)
    return home[0]


def _file_response(stored, *, public: bool) -> HttpResponse:
    response = HttpResponse(bytes(stored.data), content_type=stored.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=86400" if public else "private, no-store"
    return response


# ---- reading -------------------------------------------------------------------------------


@router.get("", response=NewsList, auth=OPEN)
def list_news(request, organisation: str = "", kind: str = "", page: int = 1, page_size: int = 20):
    """Published items the caller may read, pinned first, then newest: ``public`` ones for
    anyone, ``members`` ones for members of the target unions and officers in scope.
    ``organisation`` (a union's code) narrows to one publishing union, ``kind`` to ``news`` or
    ``notice``."""
    req = pagination.parse(page, page_size)
    if kind:
        kind = inputs.choice(kind, "kind", Kind)
    union = publisher_or_404(organisation) if organisation else None
    qs = published_for(request.user, organisation=union, kind=kind or None)
    rows, count = pagination.slice_queryset(qs, req)
    return {"items": [news_item(i) for i in rows], "count": count}


@router.get(
    "images/{news_image_id}",
    auth=OPEN,
    openapi_extra=file_answer("image/jpeg", "image/png", description="The image."),
)
def get_image(request, news_image_id: str):
    """An image of a news item (cover or body), by its id."""
    return _file_response(file_selectors.image_or_404(uuid_or_404(news_image_id)), public=True)


@router.post("images", response={201: ImageOut})
def upload_image(request, file: File[UploadedFile] = None, organisation: Form[str] = ""):
    """An image for the editor (multipart ``file``: JPEG or PNG by its first bytes, ≤ 5 MB) of
    the union ``organisation`` (a code; default the caller's own), where the caller writes news.
    Answers its ``url`` for ``<img src>``."""
    union = _organisation_for(request.user, organisation)
    image = files.news_image_upload(actor=request.user, organisation=union, file=file)
    return Status(201, {"id": str(image.pk), "url": files.image_url(image)})


@router.get("{item_id}", response=NewsDetail, auth=OPEN)
def get_news(request, item_id: str):
    """A published item the caller may read, with its sanitised ``body`` (opening it marks it
    read for a signed-in caller); an officer in scope also opens items not published yet."""
    pk = uuid_or_404(item_id)
    item = published_for(request.user).filter(pk=pk).first()
    if item is None:
        return news_detail(officer_view_or_404(request.user, pk))
    receipt = receipts.news_mark_read(actor=request.user, item=item)
    return news_detail(item, receipt)


@router.get(
    "{item_id}/attachments/{news_attachment_id}",
    auth=OPEN,
    openapi_extra=file_answer(*sorted(files.ATTACHMENT_TYPES), description="The attachment as uploaded."),
)
def get_attachment(request, item_id: str, news_attachment_id: str):
    """An attachment of an item the caller may read (or, before publication, see as an officer)."""
    attachment = file_selectors.attachment_or_404(
        request.user, uuid_or_404(item_id), uuid_or_404(news_attachment_id)
    )
    return _file_response(attachment, public=False)


# ---- writing and review ---------------------------------------------------------------------


@router.post("", response={201: StateOut})
def create_news(request, payload: NewsIn):
    """An officer writes a draft of the union ``organisation`` (a code; default the caller's
    own union) → ``{"id", "state": "draft"}``. ``targets``: codes of unions inside it."""
    data = payload.dict()
    union = _organisation_for(request.user, data.pop("organisation"))
    data["targets"] = [scoping.get_organisation_or_404(request.user, code) for code in data["targets"]]
    item = items.news_create(actor=request.user, organisation=union, data=data)
    return Status(201, _state(item))


@router.post("{item_id}/submit", response=StateOut)
def submit_news(request, item_id: str):
    """The author sends the draft to 初审. Refused (400) for personal data in the body
    (``personal_data_in_body``) or a link to a page of ours that does not exist (``broken_link``)."""
    return _state(items.news_submit(actor=request.user, item=_officer_item(request, item_id)))


@router.post("{item_id}/approve", response=StateOut)
def approve_news(request, item_id: str, payload: CommentIn):
    """初审 or 复审 passes the item on (a reviewer who is neither the author nor an earlier
    reviewer of this round: ``same_person``)."""
    item = items.news_approve(
        actor=request.user, item=_officer_item(request, item_id), comment=payload.comment
    )
    return _state(item)


@router.post("{item_id}/reject", response=StateOut)
def reject_news(request, item_id: str, payload: CommentIn):
    """Any review stage sends the item back to its author with the comment (required)."""
    item = items.news_reject(
        actor=request.user, item=_officer_item(request, item_id), comment=payload.comment
    )
    return _state(item)


@router.post("{item_id}/publish", response=StateOut)
def publish_news(request, item_id: str, payload: CommentIn):
    """终审 passes and the item is published (a correction replaces its original's text)."""
    item = items.news_publish(
        actor=request.user, item=_officer_item(request, item_id), comment=payload.comment
    )
    return _state(item)


@router.post("{item_id}/withdraw", response=StateOut)
def withdraw_news(request, item_id: str, payload: ReasonIn):
    """A published item is taken down, with the reason (required)."""
    item = items.news_withdraw(
        actor=request.user, item=_officer_item(request, item_id), reason=payload.reason
    )
    return _state(item)


@router.post("{item_id}/correct", response={201: StateOut})
def correct_news(request, item_id: str, payload: CorrectionIn):
    """A correction (更正) of a published item: a new draft with the corrected title and body,
    reviewed like any draft → ``{"id", "state": "draft"}`` of the correction."""
    correction = items.news_correct(
        actor=request.user, item=_officer_item(request, item_id), data=payload.dict()
    )
    return Status(201, _state(correction))


# ---- receipts -----------------------------------------------------------------------------


@router.post("{item_id}/ack", response={201: AckOut, 409: Error})
def ack_news(request, item_id: str):
    """A member the notice is addressed to acknowledges it, once: a second time answers 409
    ``already_acknowledged``; an item that does not ask for it 400 ``ack_not_required``."""
    pk = uuid_or_404(item_id)
    item = published_for(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    try:
        receipt = receipts.news_ack(actor=request.user, item=item)
    except receipts.AlreadyAcknowledged as exc:
        return Status(409, {"detail": exc.messages[0], "code": "already_acknowledged"})
    return Status(201, {"id": str(item.pk), "acked_at": receipt.acked_at})


def _row(row) -> dict:
    organisation = {"code": row.code, "name": row.name} if row.code else None
    return {
        "organisation": organisation,
        "members": row.members,
        "read": row.read,
        "acknowledged": row.acknowledged,
    }


@router.get("{item_id}/receipts", response=ReceiptTable)
def news_receipts(request, item_id: str):
    """The receipt table (officers in scope): per union of the recipients (the targets, or the
    unions directly below the publishing one), members reached, read and acknowledged."""
    rows = receipt_selectors.receipt_table(_officer_item(request, item_id))
    return {"items": [_row(r) for r in rows], "total": _row(receipt_selectors.receipt_totals(rows))}


@router.get(
    "{item_id}/receipts/export",
    openapi_extra=file_answer("text/csv", description="The receipt table as CSV (UTF-8 with a BOM)."),
)
def export_news_receipts(request, item_id: str):
    """The receipt table as CSV (``export`` on the item's union)."""
    item = news_item_or_404(request.user, uuid_or_404(item_id), Action.EXPORT)
    response = HttpResponse(receipt_selectors.receipt_csv(item), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="receipts-{item.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.post("{item_id}/remind", response=RemindOut)
def remind_news(request, item_id: str):
    """Remind the members who have not acknowledged a published notice (at most once an hour:
    ``reminded_too_soon``) → how many were reminded."""
    return {"reminded": receipts.news_remind(actor=request.user, item=_officer_item(request, item_id))}
