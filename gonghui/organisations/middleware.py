"""Session lifetime by role: officers' sessions are short, members' long.

It lives here, not in ``core``, because who counts as an officer is this app's rule
(``permissions.holds_officer_role``; ``core`` imports no other app)."""

import time

from django.conf import settings
from django.contrib import auth, messages
from django.utils.translation import gettext as _

from gonghui.organisations.permissions import holds_officer_role

# Session keys: when this session signed in, and its last request (epoch seconds).
SIGNED_IN_AT = "_gonghui_signed_in_at"
SEEN_AT = "_gonghui_seen_at"
# The last-request time is written at most this often: a session write per request would cost
# a database UPDATE per page; the idle limit is then exact to within this many seconds.
SEEN_RESOLUTION = 60


class SessionLifetimeMiddleware:
    """Signs out an officer-type user after ``GONGHUI_OFFICER_IDLE_MINUTES`` without a request
    or ``GONGHUI_OFFICER_SESSION_MINUTES`` after signing in, and keeps the session's stored
    expiry (database row and cookie) inside those limits, so an abandoned session also dies on
    the server. Everyone else keeps Django's ``SESSION_COOKIE_AGE`` (``GONGHUI_SESSION_HOURS``).
    The request then goes on signed out: pages send it to the sign-in page, the API answers 401.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            self._check(request, user)
        return self.get_response(request)

    def _check(self, request, user) -> None:
        session = request.session
        now = time.time()
        signed_in_at = session.get(SIGNED_IN_AT)
        if signed_in_at is None:
            # The first request of a session that has just signed in.
            session[SIGNED_IN_AT] = signed_in_at = now
        if not holds_officer_role(user):
            return
        idle = settings.GONGHUI_OFFICER_IDLE_MINUTES * 60
        absolute = settings.GONGHUI_OFFICER_SESSION_MINUTES * 60
        seen_at = session.get(SEEN_AT, signed_in_at)
        if now - seen_at > idle or now - signed_in_at > absolute:
            auth.logout(request)
            messages.info(request, _("Your session has ended for your safety. Please sign in again."))
            return
        if SEEN_AT not in session or now - seen_at >= SEEN_RESOLUTION:
            session[SEEN_AT] = now
            # The stored expiry follows the idle window, capped by the absolute limit.
            session.set_expiry(max(1, int(min(idle, signed_in_at + absolute - now))))
