"""The signed-in person's inbox (``/me/notifications/``): the list, marking read, the bell's
count for htmx, and the delivery preferences. Works without JavaScript: every action is a
form that posts and redirects."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.core.web import form_action, paginate
from gonghui.notifications import kinds, selectors, services
from gonghui.notifications.forms import PreferenceForm


@login_required
def inbox(request):
    page = paginate(request, selectors.notifications_of(request.user))
    for n in page.items:
        n.kind_label = kinds.label(n.kind)
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread": selectors.unread_count(request.user)},
    )


@login_required
@require_POST
def mark_read(request, notification_id):
    """Mark one read, then open its page (``open``) or go back to the inbox."""
    n = services.notification_mark_read(actor=request.user, notification_id=notification_id)
    if request.POST.get("open") and n.link.startswith("/") and not n.link.startswith("//"):
        return redirect(n.link)  # our own pages only: a link never leaves the site
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    form_action(
        request,
        lambda: services.notifications_mark_all_read(actor=request.user),
        success=_("All notifications are marked read."),
    )
    return redirect("notifications:inbox")


@login_required
def bell(request):
    """The bell alone, for htmx to refresh the count without reloading the page."""
    return render(
        request, "notifications/_bell.html", {"unread_notifications": selectors.unread_count(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    current = selectors.preference_of(request.user)
    initial = {
        "sms": current.sms,
        "email": current.email,
        "quiet_start": f"{current.quiet_start:%H:%M}",
        "quiet_end": f"{current.quiet_end:%H:%M}",
        "language": current.language,
    }
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST":
        outcome = form_action(
            request,
            lambda data: services.preference_set(actor=request.user, **data),
            form=form,
            success=_("Your notification settings are saved."),
        )
        if outcome.ok:
            return redirect("notifications:preferences")
    status = 400 if request.method == "POST" else 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)
