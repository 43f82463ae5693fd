"""The public notice (公示) pages: no login, phone first. They show what a notice shows —
name, union, employer, achievements — never an ID number or phone."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.core import throttle
from gonghui.core.web import form_action
from gonghui.honours import selectors
from gonghui.honours.forms import PublicObjectionForm
from gonghui.honours.services import objections


@require_GET
def notices(request):
    return render(request, "honours/public/notices.html", {"lists": list(selectors.public_notices()[:50])})


@never_cache
@require_http_methods(["GET", "POST"])
def notice(request, list_id):
    nl = selectors.public_notice_or_404(list_id)
    nominees = list(selectors.public_nominees(nl))
    open_now = nl.publicity_open()
    form = PublicObjectionForm(request.POST or None, nominees=nominees)

    def submit(d):
        throttle.hit(
            "honours-objection",
            throttle.client_key(request),
            limit=settings.GONGHUI_PUBLIC_FORM_RATE,
            window=3600,
        )
        return objections.objection_submit(
            actor=request.user,
            nomination_list=nl,
            contact=d["contact"],
            text=d["text"],
            name=d["name"],
            nominee_id=d["nominee"] or None,
        )

    if request.method == "POST" and open_now:
        try:
            done = form_action(
                request,
                submit,
                form=form,
                success=_("Your objection has been received. The organiser will reply to you."),
            )
        except throttle.Throttled:
            form.add_error(None, _("Too many attempts; please try again later."))
        else:
            if done.ok:
                return redirect("honours:notice", list_id=nl.pk)
    return render(
        request,
        "honours/public/notice.html",
        {"nl": nl, "nominees": nominees, "form": form, "open_now": open_now},
    )
