"""Request guards that apply to every page and endpoint."""

import json
import time

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseBadRequest
from django.template import loader
from django.utils.translation import gettext as _

from gonghui.core import dbrouter
from gonghui.core.api import error_response


def _has_nul(request) -> bool:
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if any("\x00" in v for values in request.GET.lists() for v in values[1]):
        return True
    content_type = request.META.get("CONTENT_TYPE", "")
    if request.method in {"POST", "PUT", "PATCH"} and not content_type.startswith("multipart/"):
        try:
            body = request.body
        except RequestDataTooBig:
            return False  # the size guard answers this one
        if b"\x00" in body or b"%00" in body or b"\\u0000" in body:
            return True
    return False


class RejectNulMiddleware:
    """A NUL character anywhere in a request is refused with 400 before it reaches the
    database (PostgreSQL cannot store it and would answer with a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            message = _("The request contains invalid control characters.")
            if request.path.startswith("/api/"):
                return error_response(400, message, "control_characters")
            return HttpResponseBadRequest(loader.render_to_string("400.html", {"message": message}, request))
        return self.get_response(request)


class ApiErrorShapeMiddleware:
    """Every /api/ answer that is an error has the JSON shape {"detail", "code"}, including
    unknown paths (404), wrong methods (405) and a refused Host header (400), which never
    reach the API's handlers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/api/") or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            try:
                if "code" in json.loads(response.content):
                    return response
            except (ValueError, TypeError):
                pass
        codes = {
            400: ("bad_request", _("The request is malformed.")),
            404: ("not_found", _("Not found.")),
            405: ("method_not_allowed", _("This method is not allowed here.")),
        }
        code, detail = codes.get(response.status_code, ("error", _("The request failed.")))
        fixed = error_response(response.status_code, detail, code)
        if response.has_header("Allow"):
            fixed["Allow"] = response["Allow"]
        return fixed


class ReplicaRoutingMiddleware:
    """Opens the read-routing scope of one request (``gonghui.core.dbrouter``): safe methods
    may read from replicas until they write; unsafe methods and clients inside the sticky
    window of their last write read from the primary. After a write the response sets a cookie
    that keeps the client on the primary for ``GONGHUI_REPLICA_STICKY_SECONDS``.

    Installed by the settings only when ``GONGHUI_REPLICA_URLS`` is set; does nothing when no
    replica is configured."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not dbrouter.replica_aliases():
            return self.get_response(request)
        with dbrouter.request_scope(pinned=dbrouter.starts_pinned(request)) as state:
            response = self.get_response(request)
        seconds = dbrouter.sticky_seconds()
        if state.wrote and seconds:
            response.set_cookie(
                dbrouter.COOKIE_NAME,
                f"{time.time() + seconds:.3f}",
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
