"""Officer pages of the news app: the union's items by stage ("awaiting my review" first),
writing and editing a draft, and the item page with its whole review history and the buttons of
the 三审三校 workflow (each shown only to those who may press it).

Thin: fetch through a scoped selector (404 for missing and not yours), parse a form, call one
service, redirect with a message or render the form again with the service's errors."""

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.core.web import form_action, paginate
from gonghui.news import forms, permissions, selectors
from gonghui.news.choices import REVIEW_STAGES, STAGE_NAMES, Status
from gonghui.news.selectors import officer as officer_selectors
from gonghui.news.selectors import receipts as receipt_selectors
from gonghui.news.services import files, items, receipts
from gonghui.news.views import marks
from gonghui.organisations import scoping
from gonghui.organisations.permissions import officer_required

Action = scoping.Action
PER_PAGE = 20
# Stage filters of the list, in the order of the workflow.
STAGES = [("review", gettext_lazy("In review")), *[(s.value, s.label) for s in Status]]


@officer_required
def manage(request):
    user = request.user
    stage = request.GET.get("stage", "")
    stage = stage if stage == "review" or stage in Status.values else ""
    return render(
        request,
        "news/manage.html",
        {
            "awaiting": officer_selectors.awaiting_review(user),
            "page": paginate(request, officer_selectors.officer_items(user, stage=stage), PER_PAGE),
            "stage": stage,
            "stages": STAGES,
            "can_write": scoping.has_any(user, Action.WRITE_NEWS),
        },
    )


def _item_data(d: dict) -> dict:
    return {k: v for k, v in d.items() if k != "organisation"}


@officer_required
def item_create(request):
    form = forms.ItemForm(request.POST or None, user=request.user)
    if request.method == "POST":
        done = form_action(
            request,
            lambda d: items.news_create(
                actor=request.user, organisation=d["organisation"], data=_item_data(d)
            ),
            form=form,
            success=_("The draft is saved."),
        )
        if done.ok:
            return redirect("news:item", item_id=done.result.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "news/item_form.html", {"form": form, "item": None}, status=status)


@officer_required
def item_edit(request, item_id):
    item = selectors.news_item_or_404(request.user, item_id)
    permissions.require_edit(request.user, item)
    if item.status != Status.DRAFT:
        # Sent to review or published: the page says why there is nothing to edit.
        return render(request, "news/item_form.html", {"form": None, "item": item})
    initial = {
        "kind": item.kind,
        "title": item.title,
        "body": item.body,
        "audience": item.audience,
        "targets": "\n".join(t.code for t in item.targets.all()),
        "pinned": item.pinned,
        "requires_ack": item.requires_ack,
        "valid_from": item.valid_from,
        "valid_until": item.valid_until,
    }
    form = forms.ItemForm(request.POST or None, user=request.user, item=item, initial=initial)
    if request.method == "POST":
        done = form_action(
            request,
            lambda d: items.news_update(actor=request.user, item=item, data=d),
            form=form,
            success=_("The draft is saved."),
        )
        if done.ok:
            return redirect("news:item", item_id=item.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "news/item_form.html", {"form": form, "item": item}, status=status)


def item_buttons(user, item) -> dict:
    """Which workflow buttons ``user`` sees on ``item``: only those the service would allow."""
    reviewer = item.status in REVIEW_STAGES and permissions.can_review(user, item)
    author_draft = item.status == Status.DRAFT and permissions.is_author(user, item)
    return {
        "edit": author_draft and permissions.can_write(user, item.organisation),
        "submit": author_draft and permissions.can_write(user, item.organisation),
        "approve": reviewer and item.status != Status.FINAL_REVIEW,
        "publish": reviewer and item.status == Status.FINAL_REVIEW,
        "reject": reviewer,
        "correct": item.status == Status.PUBLISHED
        and not item.corrects_id
        and permissions.can_write(user, item.organisation),
        "withdraw": item.status == Status.PUBLISHED
        and scoping.can(user, Action.REVIEW_NEWS, item.organisation),
    }


@officer_required
def item_detail(request, item_id):
    user = request.user
    item = selectors.officer_view_or_404(user, item_id)
    buttons = item_buttons(user, item)
    reviewing = buttons["approve"] or buttons["publish"] or buttons["reject"]
    words = marks.flagged_words(item) if reviewing else []
    rows = receipt_selectors.receipt_table(item) if item.status == Status.PUBLISHED else []
    return render(
        request,
        "news/item.html",
        {
            "item": item,
            "body": marks.highlight(item.body, words) if words else item.body,
            "flagged": words,
            "history": selectors.review_history(item),
            "targets": list(item.targets.all()),
            "buttons": buttons,
            "stage_name": STAGE_NAMES.get(item.status, ""),
            "comment_form": forms.CommentForm(),
            "reason_form": forms.ReasonForm(),
            "receipt_rows": rows,
            "cover_url": files.image_url(item.cover) if item.cover_id else "",
            "attachments": list(item.attachments.all()),
            "receipt_totals": receipt_selectors.receipt_totals(rows) if rows else None,
            "can_export": scoping.can(user, Action.EXPORT, item.organisation),
            "can_remind": item.requires_ack
            and item.status == Status.PUBLISHED
            and permissions.can_write(user, item.organisation),
        },
    )


@officer_required
def receipts_export(request, item_id):
    """The receipt table as CSV (counts per union, no names): the ``export`` right, as the API."""
    item = selectors.news_item_or_404(request.user, item_id, Action.EXPORT)
    if item.status != Status.PUBLISHED:
        raise Http404
    response = HttpResponse(receipt_selectors.receipt_csv(item), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="receipts-{item.pk}.csv"'
    return response


# One view for every workflow button: the action picks the service and what it takes.
ACTIONS = {
    "submit": (
        lambda user, item, post: items.news_submit(actor=user, item=item),
        gettext_lazy("Sent to first review."),
    ),
    "approve": (
        lambda user, item, post: items.news_approve(actor=user, item=item, comment=post.get("comment", "")),
        gettext_lazy("Approved: the item goes to the next stage."),
    ),
    "publish": (
        lambda user, item, post: items.news_publish(actor=user, item=item, comment=post.get("comment", "")),
        gettext_lazy("Published."),
    ),
    "reject": (
        lambda user, item, post: items.news_reject(actor=user, item=item, comment=post.get("comment", "")),
        gettext_lazy("Sent back to the author with your comment."),
    ),
    "remind": (
        lambda user, item, post: receipts.news_remind(actor=user, item=item),
        gettext_lazy("The reminder is sent to the members who have not acknowledged yet."),
    ),
    "withdraw": (
        lambda user, item, post: items.news_withdraw(actor=user, item=item, reason=post.get("reason", "")),
        gettext_lazy("Withdrawn."),
    ),
}


@officer_required
@require_POST
def item_act(request, item_id, action):
    item = selectors.news_item_or_404(request.user, item_id)
    call, success = ACTIONS[action]
    form_action(request, lambda: call(request.user, item, request.POST), success=str(success))
    return redirect("news:item", item_id=item.pk)


@officer_required
@require_http_methods(["GET", "POST"])
def item_correct(request, item_id):
    """A correction (更正) of a published item: a new draft with the corrected text, which goes
    through the whole 三审三校; the original stays published until the correction is."""
    item = selectors.news_item_or_404(request.user, item_id, Action.WRITE_NEWS)
    form = forms.CorrectionForm(request.POST or None, initial={"title": item.title, "body": item.body})
    if request.method == "POST":
        done = form_action(
            request,
            lambda d: items.news_correct(actor=request.user, item=item, data=d),
            form=form,
            success=_("The correction is saved as a draft; send it to review when it is ready."),
        )
        if done.ok:
            return redirect("news:item", item_id=done.result.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "news/correct.html", {"form": form, "item": item}, status=status)


@officer_required
@require_POST
def item_cover(request, item_id):
    """The author sets (a file) or removes (no file) the cover of their draft."""
    item = selectors.news_item_or_404(request.user, item_id)
    form_action(
        request,
        lambda: files.news_cover_set(actor=request.user, item=item, file=request.FILES.get("file")),
        success=_("The cover is saved."),
    )
    return redirect("news:item", item_id=item.pk)


@officer_required
@require_POST
def attachment_add(request, item_id):
    item = selectors.news_item_or_404(request.user, item_id)
    form = forms.FileForm(request.POST, request.FILES)
    form_action(
        request,
        lambda d: files.news_attachment_add(actor=request.user, item=item, file=d["file"]),
        form=form,
        success=_("The file is attached."),
    )
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("news:item", item_id=item.pk)


@officer_required
@require_POST
def attachment_remove(request, item_id, attachment_id):
    item = selectors.news_item_or_404(request.user, item_id)
    attachment = officer_selectors.attachment_or_404(item, attachment_id)
    form_action(
        request,
        lambda: files.news_attachment_remove(actor=request.user, attachment=attachment),
        success=_("The file is removed."),
    )
    return redirect("news:item", item_id=item.pk)


@officer_required
@require_POST
def image_upload(request):
    """The editor's image button: the image is checked and stored, and its address comes back
    as JSON (``{"url"}``), or the errors (``{"errors": {field: [message]}}``, 400)."""
    form = forms.ImageUploadForm(request.POST, request.FILES, user=request.user)
    done = form_action(
        request,
        lambda d: files.news_image_upload(actor=request.user, organisation=d["organisation"], file=d["file"]),
        form=form,
    )
    if done.ok:
        return JsonResponse({"url": files.image_url(done.result)}, status=201)
    return JsonResponse({"errors": {k: [str(e) for e in v] for k, v in form.errors.items()}}, status=400)
