"""Officer pages to import stations from a spreadsheet (upload → preview → confirm) and a page
to export them (GeoJSON, POI sheet, registry sheet). Thin: form → service → render."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gonghui.core.forms import Form as NaturalForm
from gonghui.core.web import dispatch, form_action
from gonghui.organisations.forms import UnionField
from gonghui.organisations.permissions import is_officer
from gonghui.organisations.selectors import ANY_UNION
from gonghui.stations import permissions
from gonghui.stations.choices import Crs
from gonghui.stations.services import exporting, importing
from gonghui.stations.web import download

SESSION_KEY = "stations_import"
PREVIEW_ROWS = 20


class UploadForm(NaturalForm):
    file = forms.FileField(label=gettext_lazy("Station file"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Excel (.xlsx) or CSV in UTF-8 or GB18030, with the template's header row; "
            "at most %(mb)s MB and %(rows)s rows."
        ) % {"mb": f"{importing.max_bytes() / 1024 / 1024:g}", "rows": f"{importing.max_rows():,}"}


class ExportForm(NaturalForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("What"),
        choices=[
            ("geojson", gettext_lazy("GeoJSON (WGS-84) for GIS and web maps")),
            ("poi", gettext_lazy("POI sheet for map providers (高德, 腾讯, 百度)")),
            ("registry", gettext_lazy("Registry sheet (the import template's columns)")),
        ],
        initial="poi",
        widget=forms.RadioSelect,
    )
    format = forms.ChoiceField(
        label=gettext_lazy("File format"), choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV")], initial="xlsx"
    )
    crs = forms.ChoiceField(
        label=gettext_lazy("Coordinate system of the POI sheet"),
        choices=[
            (Crs.GCJ02, gettext_lazy("GCJ-02 (高德, 腾讯)")),
            (Crs.BD09, gettext_lazy("BD-09 (百度)")),
            (Crs.WGS84, gettext_lazy("WGS-84 (GPS)")),
        ],
        initial=Crs.GCJ02,
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Stations"),
        choices=[
            ("public", gettext_lazy("Public data of active stations")),
            ("subtree", gettext_lazy("Every station of my unions, closed and inactive ones included")),
        ],
        initial="public",
    )
    # Any active union: the public export's stations are public, and the subtree export is
    # narrowed to the user's scope by the service whatever union is named.
    union = UnionField(label=gettext_lazy("Only this union"), required=False, action=ANY_UNION, as_code=True)


def _context_for(preview: importing.Preview) -> dict:
    return {
        "preview": preview,
        "error_count": len(preview.errors),
        "more_errors": max(0, len(preview.errors) - len(preview.shown_errors)),
        "sample": [(n, u, d) for n, u, d in preview.rows[:PREVIEW_ROWS]],
    }


@login_required
def import_page(request):
    """Upload a file; on POST show the preview (errors, or the rows and a confirm button)."""
    permissions.require_manage_somewhere(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form, "columns_all": importing.COLUMNS}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        old = request.session.pop(SESSION_KEY, None)
        if old:
            importing.discard(old.get("token", ""))
        try:
            token = importing.store(upload)
        except importing.FileRefused as exc:
            form.add_error("file", exc.message)
        else:
            preview = importing.check(request.user, importing.stored_path(token))
            if preview.ok:
                request.session[SESSION_KEY] = {"token": token, "name": upload.name[:120]}
                context["token"] = token
            else:
                importing.discard(token)
            context.update(_context_for(preview))
            context["file_name"] = upload.name
    status = 400 if request.method == "POST" and (form.errors or not context.get("token")) else 200
    return render(request, "stations/io_import.html", context, status=status)


@login_required
@require_POST
def import_confirm(request):
    permissions.require_manage_somewhere(request.user)
    stored = request.session.get(SESSION_KEY) or {}
    token = request.POST.get("token", "")
    path = importing.stored_path(token) if token and token == stored.get("token") else None
    if path is None:
        messages.error(request, _("This preview has expired or was already imported; upload the file again."))
        return redirect("stations:io_import")
    try:
        done = form_action(
            request, lambda: importing.commit(actor=request.user, path=path, file_name=stored.get("name", ""))
        )
    finally:
        request.session.pop(SESSION_KEY, None)  # a preview is confirmed once, well or not
    if done.ok:
        importing.discard(token)
        messages.success(request, _("%(n)d stations were imported.") % {"n": len(done.result)})
    return redirect("stations:io_import")


@login_required
def import_template(request, file_format: str):
    permissions.require_manage_somewhere(request.user)
    body = dispatch({"csv": importing.template_csv, "xlsx": importing.template_xlsx}, file_format)()
    return download(body, fmt=file_format, name=f"stations-template.{file_format}")


def export_page(request):
    """Choose what to export; the form is sent to :func:`export_download` (GET)."""
    return render(
        request, "stations/io_export.html", {"form": ExportForm(), "officer": is_officer(request.user)}
    )


def export_download(request) -> HttpResponse:
    form = ExportForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "stations/io_export.html",
            {"form": form, "officer": is_officer(request.user)},
            status=400,
        )
    data = form.cleaned_data
    scope, crs, fmt = exporting.clean_options(scope=data["scope"], crs=data["crs"], fmt=data["format"])
    if scope == "subtree" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())  # back to the whole query, encoded
    qs = exporting.stations(request.user, scope=scope, union=data["union"])
    body, fmt, name = dispatch(exporting.FILES, data["kind"])(
        qs, private=scope == "subtree", crs=crs, fmt=fmt
    )
    return download(body, fmt=fmt, name=name)
