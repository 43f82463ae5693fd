"""Readers' pages: the list of news and notices (``/news/``) and an item (``/news/<id>/``) for
anyone — public items to everyone, members-only items to the readers in their audience
(``selectors.readers``: one rule for the pages, the feed, search and the API)."""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.web import form_action, paginate
from gonghui.news.choices import Kind
from gonghui.news.selectors import officer as officer_selectors
from gonghui.news.selectors import readers
from gonghui.news.services import files, receipts

PER_PAGE = 15


@require_GET
def news_list(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in Kind.values else ""
    queryset = readers.published_for(request.user, kind=kind or None)
    return render(
        request,
        "news/list.html",
        {"page": paginate(request, queryset, PER_PAGE), "kind": kind, "kinds": Kind.choices},
    )


@require_GET
def news_detail(request, item_id):
    user = request.user
    item = readers.readable_or_404(user, item_id)
    # Opening the page is reading it (the officers' receipt table counts it); the first time
    # counts, later ones change nothing.
    receipt = receipts.news_mark_read(actor=user, item=item)
    can_ack = (
        item.requires_ack
        and receipt is not None
        and receipt.acked_at is None
        and receipts.reached_members(item).filter(user_id=user.pk).exists()
    )
    return render(
        request,
        "news/detail.html",
        {
            "item": item,
            "receipt": receipt,
            "can_ack": can_ack,
            "attachments": list(item.attachments.all()),
            "cover_url": files.image_url(item.cover) if item.cover_id else "",
        },
    )


@require_GET
def attachment_download(request, item_id, attachment_id):
    """A file of an item, to whoever may read the item (404 otherwise, as for the item)."""
    item = readers.readable_or_404(request.user, item_id)
    attachment = officer_selectors.attachment_or_404(item, attachment_id)
    response = HttpResponse(bytes(attachment.data), content_type=attachment.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(attachment.name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def news_ack(request, item_id):
    item = readers.readable_or_404(request.user, item_id)
    form_action(
        request,
        lambda: receipts.news_ack(actor=request.user, item=item),
        success=_("Thank you: your acknowledgement is recorded."),
    )
    return redirect("news:detail", item_id=item.pk)


def latest_public(limit: int = 5):
    """The newest public items, for the public landing page and the service hall."""
    return list(readers.published_for(None)[:limit])
