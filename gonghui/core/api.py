"""Shared pieces of the HTTP API: one error shape and its handlers, the JSON renderer.

Every error is ``{"detail": <message>, "code": <machine code>}`` (validation errors add
``"errors": [{"field", "code", "message"}]``), with a 4xx status for anything the caller did
wrong: 400 bad input, 401 not signed in, 403 not allowed, 404 missing or not yours, 413 too
large. Services raise Django's ValidationError/PermissionDenied/Http404; they are mapped here
in one place.
"""

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from gonghui.core.throttle import Throttled


class UnicodeJSONRenderer(JSONRenderer):
    """JSON with Chinese as characters, not \\u escapes (smaller and readable)."""

    json_dumps_params = {"ensure_ascii": False}


_RENDERER = UnicodeJSONRenderer()


def prevalidated_response(request, data, *, status: int = 200) -> HttpResponse:
    """``data`` rendered as the API renders it, skipping ninja's validation of the result
    against the operation's ``response`` schema (which still documents it). Only for a hot
    operation that builds plain JSON values in exactly that shape, with a test checking the
    output against the schema: the per-field validation costs more than such a view's work."""
    return HttpResponse(
        _RENDERER.render(request, data, response_status=status),
        status=status,
        content_type=f"{_RENDERER.media_type}; charset={_RENDERER.charset}",
    )


class ErrorItem(Schema):
    field: str
    code: str
    message: str


class Error(Schema):
    detail: str
    code: str


class Page(Schema):
    count: int


def _validation_items(exc: DjangoValidationError) -> list[dict]:
    items = []
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for err in errors:
                items.append({"field": field, "code": err.code or "invalid", "message": _message(err)})
    else:
        for err in exc.error_list:
            items.append({"field": "", "code": err.code or "invalid", "message": _message(err)})
    return items


def _message(err: DjangoValidationError) -> str:
    return str(err.message % err.params) if err.params else str(err.message)


def _schema_message(kind: str, fallback: str) -> str:
    """Pydantic's English messages for the common cases, in the user's language."""
    messages = {
        "missing": _("This field is required."),
        "string_type": _("Enter text."),
        "int_type": _("Enter a whole number."),
        "int_parsing": _("Enter a whole number."),
        "float_parsing": _("Enter a number."),
        "bool_parsing": _("Enter true or false."),
        "bool_type": _("Enter true or false."),
        "date_parsing": _("Enter a date as YYYY-MM-DD."),
        "date_from_datetime_parsing": _("Enter a date as YYYY-MM-DD."),
        "date_type": _("Enter a date as YYYY-MM-DD."),
        "uuid_parsing": _("Enter a valid identifier."),
        "json_invalid": _("The request body is not valid JSON."),
        "model_attributes_type": _("The request body must be a JSON object."),
        "dict_type": _("The request body must be a JSON object."),
        "list_type": _("Enter a list."),
        "string_too_long": _("The text is too long."),
    }
    return str(messages.get(kind, fallback))


def error_response(status: int, detail: str, code: str, **extra) -> JsonResponse:
    return JsonResponse(
        {"detail": detail, "code": code, **extra}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DjangoValidationError)
    def _validation(request, exc):
        items = _validation_items(exc)
        first = items[0] if items else {"field": "", "code": "invalid", "message": _("Invalid input.")}
        detail = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
        return error_response(400, detail, first["code"], errors=items)

    @api.exception_handler(NinjaValidationError)
    def _schema(request, exc):
        items = []
        for err in exc.errors:
            loc = [
                str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "form", "payload")
            ]
            kind = err.get("type", "invalid")
            items.append(
                {"field": ".".join(loc), "code": kind, "message": _schema_message(kind, err.get("msg", ""))}
            )
        first = items[0] if items else {"field": "", "message": _("Invalid input.")}
        detail = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
        return error_response(400, detail, "invalid", errors=items)

    @api.exception_handler(Throttled)
    def _throttled(request, exc):
        return error_response(429, _("Too many attempts; please try again later."), "throttled")

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        return error_response(403, _("You are not allowed to do this."), "forbidden")

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return error_response(404, _("Not found."), "not_found")

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        return error_response(401, _("Sign in or send a valid bearer token."), "unauthenticated")

    @api.exception_handler(HttpError)
    def _http(request, exc):
        codes = {
            400: "bad_request",
            401: "unauthenticated",
            403: "forbidden",
            404: "not_found",
            413: "too_large",
        }
        detail = str(exc)
        if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
            detail = _("The request body is not valid JSON.")
        elif exc.status_code == 403 and detail.startswith("CSRF"):
            detail = _("The security token (CSRF) is missing or wrong; reload the page.")
        return error_response(exc.status_code, detail, codes.get(exc.status_code, "error"))

    @api.exception_handler(RequestDataTooBig)
    def _too_big(request, exc):
        return error_response(413, _("The request body is too large."), "too_large")


class ApiBodyLimitMiddleware:
    """Refuse oversized API bodies with the API's JSON error shape (413) before any view
    reads them. Multipart uploads have their own per-endpoint limits."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            content_type = request.META.get("CONTENT_TYPE", "")
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if not content_type.startswith("multipart/") and limit and length > limit:
                return error_response(413, _("The request body is too large."), "too_large")
        return self.get_response(request)


def uuid_or_404(value) -> uuid.UUID:
    """A UUID from a URL path segment; anything else answers 404 like a missing object."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None
