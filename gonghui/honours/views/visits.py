"""Officer pages of the 劳模进校园 ledger: the list of visits with filters, the form to record
or change one, a visit with its photos, and the coverage per city with its export.

Thin: fetch through a scoped selector (404 for missing and not yours), parse a form, call one
service, redirect with a message or render the form again with the service's errors."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.web import form_action, paginate
from gonghui.honours import forms, permissions, visit_exports, visit_selectors
from gonghui.honours.services import visits
from gonghui.organisations import scoping
from gonghui.organisations.permissions import officer_required

PER_PAGE = 20
VISIT_FIELDS = (
    "people", "school_name", "school_division", "school_kind", "date", "role", "topic", "audience", "hours",
)  # fmt: skip


@officer_required
@require_GET
def visit_list(request):
    people = visit_selectors.honoured_people(request.user)
    form = forms.VisitFilterForm(
        request.GET or None, people=people, cities=visit_selectors.cities_with_visits(request.user)
    )
    error = ""
    queryset = visit_selectors.visits_visible_to(request.user).none()
    if not form.is_bound or form.is_valid():
        d = form.cleaned_data if form.is_bound else {}
        person = people.filter(pk=d["person"]).first() if d.get("person") else None
        try:
            queryset = visit_selectors.visit_list(
                request.user,
                year=d.get("year"),
                division=(d.get("division") or "").strip(),
                person=person,
            )
        except ValidationError as exc:
            error = exc.messages[0]
    return render(
        request,
        "honours/visits/list.html",
        {
            "form": form,
            "error": error,
            "page": paginate(request, queryset, PER_PAGE),
            "can_add": permissions.can_manage_somewhere(request.user),
        },
    )


@permissions.manager_required
def visit_create(request):
    people = visit_selectors.honoured_people(request.user)
    form = forms.VisitForm(request.POST or None, user=request.user, people=people)
    if request.method == "POST":
        done = form_action(
            request,
            lambda d: visits.visit_create(
                actor=request.user, organisation=d["organisation"], **{k: d[k] for k in VISIT_FIELDS}
            ),
            form=form,
            success=_("The visit is in the ledger."),
        )
        if done.ok:
            return redirect("honours:visit_detail", visit_id=done.result.pk)
    return render(request, "honours/visits/form.html", {"form": form, "visit": None}, status=_status(form))


@officer_required
def visit_edit(request, visit_id):
    visit = visit_selectors.visit_or_404(request.user, visit_id)
    permissions.require_manage_visit(request.user, visit)
    people = visit_selectors.honoured_people(request.user)
    initial = {k: getattr(visit, k) for k in VISIT_FIELDS if k != "people"}
    initial |= {"people": [str(m.pk) for m in visit.people.all()], "organisation": visit.organisation.code}
    form = forms.VisitForm(request.POST or None, user=request.user, people=people, initial=initial)
    if request.method == "POST":
        done = form_action(
            request,
            lambda d: visits.visit_edit(
                actor=request.user,
                visit=visit,
                organisation=d["organisation"],
                **{k: d[k] for k in VISIT_FIELDS},
            ),
            form=form,
            success=_("The visit is changed."),
        )
        if done.ok:
            return redirect("honours:visit_detail", visit_id=visit.pk)
    return render(request, "honours/visits/form.html", {"form": form, "visit": visit}, status=_status(form))


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


@officer_required
@require_GET
def visit_detail(request, visit_id):
    visit = visit_selectors.visit_or_404(request.user, visit_id)
    return render(
        request,
        "honours/visits/detail.html",
        {
            "visit": visit,
            "can_manage": permissions.can_manage_visit(request.user, visit),
            "photo_form": forms.VisitPhotoForm(),
        },
    )


@officer_required
@require_POST
def visit_delete(request, visit_id):
    visit = visit_selectors.visit_or_404(request.user, visit_id)
    visits.visit_delete(actor=request.user, visit=visit)
    messages.success(request, _("The visit is deleted from the ledger."))
    return redirect("honours:visits")


@officer_required
@require_POST
def visit_photo_add(request, visit_id):
    visit = visit_selectors.visit_or_404(request.user, visit_id)
    permissions.require_manage_visit(request.user, visit)
    upload = request.FILES.get("photo")
    if upload is None:
        messages.error(request, _("Choose a photo to upload."))
    else:
        form_action(
            request,
            lambda: visits.visit_photo_add(actor=request.user, visit=visit, upload=upload),
            success=_("The photo is added."),
        )
    return redirect("honours:visit_detail", visit_id=visit.pk)


@officer_required
@require_GET
def visit_photo(request, visit_id, photo_id):
    visit = visit_selectors.visit_or_404(request.user, visit_id)
    photo = visit_selectors.photo_or_404(visit, photo_id)
    response = HttpResponse(bytes(photo.data), content_type=photo.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"  # scoped: never in a shared cache
    return response


@officer_required
@require_GET
def visit_coverage(request):
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or this_year)
        report = visit_selectors.coverage(request.user, year)
    except (ValueError, ValidationError):
        year = this_year
        report = visit_selectors.coverage(request.user, year)
        messages.error(request, _("Give a year such as %(year)d.") % {"year": this_year})
    fmt = request.GET.get("format", "")
    if fmt in visit_exports.FORMATS:
        return visit_exports.coverage_response(report, fmt)
    return render(
        request,
        "honours/visits/coverage.html",
        {
            "report": report,
            "years": range(this_year, this_year - 6, -1),
            "scope": scoping.home_organisations(request.user),
        },
    )
