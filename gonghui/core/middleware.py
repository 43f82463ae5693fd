"""Request guards that apply to every page and endpoint."""

import json

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseBadRequest
from django.template import loader
from django.utils.translation import gettext as _

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
    unknown paths (404) and wrong methods (405), which never reach the API's handlers."""

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
            404: ("not_found", _("Not found.")),
            405: ("method_not_allowed", _("This method is not allowed here.")),
        }
        code, detail = codes.get(response.status_code, ("error", _("The request failed.")))
        fixed = error_response(response.status_code, detail, code)
        if response.has_header("Allow"):
            fixed["Allow"] = response["Allow"]
        return fixed
