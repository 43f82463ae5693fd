"""Shared pieces of the HTTP API: one error shape and its handlers, the JSON renderer, and
the OpenAPI document that declares those errors.

Every error is ``{"detail": <message>, "code": <machine code>}`` (validation errors add
``"errors": [{"field", "code", "message"}]``), with a 4xx status for anything the caller did
wrong: 400 bad input, 401 not signed in, 403 not allowed, 404 missing or not yours, 409
conflict, 413 too large, 429 too many attempts. Services raise Django's
ValidationError/PermissionDenied/Http404; they are mapped here in one place.

The document declares the errors an operation can give from its shape (:func:`error_statuses`),
so that a client, or a fuzzer checking every answer against the document, knows them; an
endpoint adds the ones its shape does not show (409, 429) with
``response={200: Out, **error_answers(429)}``.
"""

import uuid
from http.client import responses

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
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
    """Every error answer: a message for people and a stable code for programs."""

    detail: str
    code: str


class InvalidInput(Error):
    """400: what was wrong, field by field (no ``errors`` when the body could not be read)."""

    errors: list[ErrorItem] = []


class Page(Schema):
    count: int


# --- the errors in the OpenAPI document -------------------------------------------------------


def fresh(shape, read, request, key) -> dict:
    """An object's API shape read again through its scoped selector after a change: the caller
    sees the state the change left (and a 404 if it took the object out of their scope).
    ``return fresh(_detail, selectors.request_or_404, request, r.pk)``."""
    return shape(read(request.user, key))


def anyone(request) -> bool:
    """Auth callback that lets every caller through. Last in ``auth=[*AUTH, anyone]``: a token
    or a session is used when sent, and anonymous callers are served too (public forms)."""
    return True


_ERROR_DESCRIPTIONS = {
    400: "Bad input: `errors` names each field (`code` `invalid` for a malformed body).",
    401: "Not signed in: send `Authorization: Bearer <token>` (POST /api/v1/auth/token).",
    403: "Signed in but not allowed (or the session's CSRF token is missing).",
    404: "Missing, or outside the caller's scope: the same answer for both.",
    409: "Conflicts with the current state.",
    413: "The request body is too large.",
    429: "Too many attempts from this client; try again later.",
}
_BODY_SOURCES = {"body", "form", "file"}


def package_router(app: str, *parts) -> Router:
    """One router tagged ``app`` over the routers of the modules of an app's ``api/`` package.
    Operation ids stay those of the one ``<app>/api.py`` module the endpoints grew out of
    (``gonghui_<app>_api_<function>``), so clients generated from the document keep their
    names when a module is split."""
    router = Router(tags=[app])
    for part in parts:
        for path_view in part.router.path_operations.values():
            for operation in path_view.operations:
                operation.operation_id = f"gonghui_{app}_api_{operation.view_func.__name__}"
        router.add_router("", part.router)
    return router


def error_answers(*statuses: int) -> dict[int, type[Schema]]:
    """Error answers to add to an operation's ``response=`` beyond those :func:`error_statuses`
    gives it: ``response={201: Out, **error_answers(429)}``."""
    return {status: InvalidInput if status == 400 else Error for status in statuses}


def file_answer(*media_types: str, description: str, schema: dict | None = None) -> dict:
    """``openapi_extra`` for an operation whose 200 answer is a file, not the usual JSON: its
    media types (``text/csv``, ``application/pdf``...), binary unless ``schema`` describes the
    content (a JSON file such as GeoJSON), so the document says what comes back.
    ``@router.get(..., openapi_extra=file_answer("text/csv", description=...))``"""
    content = {"schema": schema or {"type": "string", "format": "binary"}}
    return {"responses": {200: {"description": description, "content": {t: content for t in media_types}}}}


def error_statuses(operation) -> set[int]:
    """The error statuses a django-ninja operation can answer, read from its shape:

    - 400 when it takes any parameter or body (ninja's parsing, the services' ValidationError);
    - 401 when signing in is required (auth without :func:`anyone`);
    - 403 when it authenticates at all (permissions; a session without its CSRF token);
    - 404 when its path names an object, or when it authenticates and takes any input (a
      union's code or an object's id in the query or the body): missing or not yours;
    - 413 when it takes a body (``ApiBodyLimitMiddleware``, Django's upload limits).

    409 and 429 are declared by the endpoint."""
    sources = {model.__ninja_param_source__ for model in operation.models}
    callbacks = operation.auth_callbacks
    statuses = set()
    if sources:
        statuses.add(400)
    if callbacks and anyone not in callbacks:
        statuses.add(401)
    if callbacks:
        statuses.add(403)
    if "path" in sources or (callbacks and sources):
        statuses.add(404)
    if sources & _BODY_SOURCES:
        statuses.add(413)
    return statuses


def _wrapped(model: type[Schema]) -> type[Schema]:
    # ninja documents a response through a one-field wrapper (see Operation._create_response_model)
    return type("NinjaResponseSchema", (Schema,), {"__annotations__": {"response": model}})


_ERROR_MODELS = {InvalidInput: _wrapped(InvalidInput), Error: _wrapped(Error)}


class _Document(OpenAPISchema):
    """ninja's OpenAPI document, plus each operation's error answers (:func:`error_statuses`)
    and optional sign-in shown as such (an empty security requirement)."""

    def responses(self, operation) -> dict:
        result = super().responses(operation)
        for status in sorted(error_statuses(operation) - set(result)):
            model = _ERROR_MODELS[InvalidInput if status == 400 else Error]
            schema, _required = self._create_schema_from_model(model, mode="serialization")
            result[status] = {"content": {self.api.renderer.media_type: {"schema": schema}}}
        for status, details in result.items():
            # ours, or one an endpoint declared (ninja gives it the bare reason phrase)
            if status in _ERROR_DESCRIPTIONS and details.get("description") in (None, responses.get(status)):
                details["description"] = _ERROR_DESCRIPTIONS[status]
        return result

    def operation_security(self, operation):
        security = super().operation_security(operation)
        if security and anyone in operation.auth_callbacks:
            security.append({})
        return security


class Api(NinjaAPI):
    """The project's NinjaAPI: its OpenAPI document declares the error answers."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return _Document(self, path_prefix)


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


def bad_input(items: list[dict], code: str | None = None) -> JsonResponse:
    """400 for ``items`` (``{"field", "code", "message"}`` each): the first one's message, with
    its field, as ``detail``; ``code`` or, when None, the first one's code."""
    first = items[0] if items else {"field": "", "code": "invalid", "message": _("Invalid input.")}
    detail = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
    return error_response(400, detail, code or first["code"], errors=items)


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DjangoValidationError)
    def _validation(request, exc):
        return bad_input(_validation_items(exc))

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
        # The request's shape, not a rule: one code for programs, each item says what.
        return bad_input(items, "invalid")

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
