"""Public and member self-service pages: online enrolment and its status, the member's own
membership, transfers and e-member card, and the card check a station scans.

Thin views: parse the form, call one service through ``core.web.form_action`` (which puts
the service's errors next to their fields), redirect or render.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core import divisions, qr, throttle
from gonghui.core.validators import mask_name
from gonghui.core.web import form_action
from gonghui.core.widgets import DivisionPicker
from gonghui.members import selectors
from gonghui.members.choices import (
    IN_MEMBERSHIP,
    OPEN_TRANSFER,
    TRANSFERABLE,
    EmploymentForm,
    EnrolmentStatus,
)
from gonghui.members.forms import OTHER_FORMS, PROMINENT_FORMS, JoinForm, LookupForm
from gonghui.members.models import Member
from gonghui.members.services import cards, enrolment, transfers

# ---- online enrolment -----------------------------------------------------------------


def _employment_choices(selected: str) -> list[dict]:
    def row(value, prominent):
        return {
            "value": value,
            "label": EmploymentForm(value).label,
            "prominent": prominent,
            "checked": value == selected,
        }

    return [row(v, True) for v in PROMINENT_FORMS] + [row(v, False) for v in OTHER_FORMS]


def _render_join(request, form: JoinForm, *, show_errors: bool = True):
    selected = (form.data if form.is_bound else form.initial).get("employment_form", "")
    return render(
        request,
        "members/public/join.html",
        {
            "form": form,
            "show_errors": show_errors,
            "picker": form.picker(),
            "employment_choices": _employment_choices(selected),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def join(request):
    """Apply to join the union: one page, phone first."""
    if request.method == "GET":
        return _render_join(request, JoinForm())
    if "pick" in request.POST:
        # Without JavaScript the place selects are filled by a round trip; nothing is saved.
        return _render_join(request, JoinForm(initial=request.POST.dict()), show_errors=False)
    form = JoinForm(request.POST)

    def submit(data):
        throttle.hit(
            "enrolment", throttle.client_key(request), limit=settings.GONGHUI_PUBLIC_FORM_RATE, window=3600
        )
        return enrolment.enrolment_submit(actor=request.user, **form.service_kwargs())

    try:
        outcome = form_action(
            request,
            submit,
            form=form,
            success=_("Your application has been sent. Keep this page's address to check on it."),
        )
    except throttle.Throttled:
        form.add_error(None, _("Too many attempts; please try again later."))
    else:
        if outcome.ok:
            return redirect("members:join_status", enrolment_id=outcome.result.pk)
    return _render_join(request, form)


@require_GET
def join_divisions(request):
    """htmx: the place selects again, with the cities of the chosen province and the
    districts of the chosen city."""
    picker = DivisionPicker(
        province=request.GET.get("province", ""),
        city=request.GET.get("city", ""),
        county=request.GET.get("work_division", ""),
    )
    return render(request, "_division_picker.html", {"picker": picker})


@never_cache
@require_GET
def join_status(request, enrolment_id):
    """The applicant's status page, reached by the application's unguessable id. Shows
    masked personal data only."""
    application = selectors.enrolment_public(enrolment_id)
    member_no = ""
    if application.status == EnrolmentStatus.APPROVED and application.member_id:
        member_no = application.member.member_no
    return render(
        request,
        "members/public/join_status.html",
        {
            "enrolment": application,
            "masked_name": mask_name(application.name),
            "place": divisions.full_name(application.work_division),
            "member_no": member_no,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def join_lookup(request):
    """Find one's applications by ID number and mobile together. No match answers the same
    whether or not the ID number is known."""
    results = None
    if request.method == "POST":
        form = LookupForm(request.POST)
        try:
            throttle.hit(
                "lookup", throttle.client_key(request), limit=settings.GONGHUI_PUBLIC_FORM_RATE, window=3600
            )
        except throttle.Throttled:
            form.add_error(None, _("Too many attempts; please try again later."))
        if form.is_valid():
            results = [
                {"enrolment": e, "masked_name": mask_name(e.name)}
                for e in enrolment.enrolment_lookup(
                    id_number=form.cleaned_data["id_number"], phone=form.cleaned_data["phone"]
                )
            ]
            form = LookupForm()  # do not echo the numbers back into the page
    else:
        form = LookupForm()
    return render(request, "members/public/join_lookup.html", {"form": form, "results": results})


# ---- member self-service ---------------------------------------------------------------


def _own_member(request) -> Member:
    """The signed-in user's own member record; 404 for a login without one."""
    try:
        return request.user.member
    except Member.DoesNotExist:
        raise Http404 from None


@login_required
@never_cache
@require_GET
def me(request):
    """My membership: union, number, status, history, transfers and dues. Asking to move is
    done on the portal's ``/me/transfers/``, by the new union's name (a member never types a
    union code)."""
    member = _own_member(request)
    own_transfers = list(selectors.own_transfers(member))
    has_open = any(t.status in OPEN_TRANSFER for t in own_transfers)
    return render(
        request,
        "members/public/me.html",
        {
            "member": member,
            "events": selectors.member_history(member),
            "transfers": own_transfers,
            "open_statuses": OPEN_TRANSFER,
            "can_request_transfer": member.status in TRANSFERABLE and not has_open,
            "dues": member.dues.order_by("-month")[:24],
        },
    )


@login_required
@require_POST
def me_transfer_cancel(request, transfer_id):
    """The member withdraws their open transfer request."""
    member = _own_member(request)
    transfer = selectors.own_transfers(member).filter(pk=transfer_id).first()
    if transfer is None:
        raise Http404
    form_action(
        request,
        lambda: transfers.transfer_cancel(
            actor=request.user, transfer=transfer, reason=_("Cancelled by the member")
        ),
        success=_("Your transfer request has been cancelled."),
    )
    return redirect(reverse("members:me") + "#transfers")


# ---- e-member card ---------------------------------------------------------------------


@login_required
@never_cache
@require_GET
def card(request):
    """The e-member card: name, union, number and a QR code carrying a signed token only."""
    member = _own_member(request)
    context = {"member": member, "active": member.status in IN_MEMBERSHIP}
    if context["active"]:
        token = cards.card_token(member)
        url = request.build_absolute_uri(reverse("members:card_verify", kwargs={"token": token}))
        context.update(card_url=url, qr_svg=qr.qr_svg(url, title=_("Member card code"), scale=4))
    return render(request, "members/public/card.html", context)


@never_cache
@require_GET
def card_verify(request, token):
    """What a station or merchant sees after scanning a card: valid, expired, invalid or
    inactive, with the masked name, member number and union only."""
    member, reason = cards.card_verify(token)
    # Only the masked name, the number and the union reach the template.
    context = {"reason": reason, "found": member is not None}
    if member is not None:
        context.update(
            masked_name=mask_name(member.name),
            member_no=member.member_no,
            union=member.organisation,
        )
    response = render(request, "members/public/card_verify.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response
