"""HTTP pieces shared by the station pages and the station API: file downloads and the rate
limit of the public forms (problem reports, check-ins, suggested sites)."""

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse

from gonghui.core import throttle
from gonghui.stations.services import exporting


def download(body, *, fmt: str, name: str) -> HttpResponse:
    """A file response: ``body`` is bytes or an iterator of byte chunks (streamed)."""
    content_type = exporting.CONTENT_TYPES[fmt]
    if isinstance(body, bytes):
        response = HttpResponse(body, content_type=content_type)
    else:
        response = StreamingHttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def hit_public_form(request, scope: str, limit: int | None = None) -> None:
    """Count one use of a public form by the client's address (``GONGHUI_PUBLIC_FORM_RATE`` an
    hour unless ``limit``); raises ``throttle.Throttled`` past it."""
    throttle.hit(
        scope,
        throttle.client_key(request),
        limit=settings.GONGHUI_PUBLIC_FORM_RATE if limit is None else limit,
        window=3600,
    )
