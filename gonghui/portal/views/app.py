"""The installable web app: its manifest and its service worker, both at the site's root.

The service worker is a static file (``gonghui/static/js/sw.js``) but must be served from
``/sw.js``: a worker only controls pages under the folder it is served from, and the card
(``/me/card/``) and the station finder (``/stations/``) are not under ``/static/``."""

from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from gonghui.portal.icons import SIZES

THEME_COLOUR = "#c0392b"  # --red of gonghui.css


@require_GET
@cache_control(max_age=3600, public=True)
def manifest(request):
    icons = [
        {
            "src": static(f"icons/icon-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "any",
        }
        for size in SIZES
    ]
    # The glyph sits inside the safe zone, so the large ones double as maskable icons.
    icons += [
        {
            "src": static(f"icons/icon-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "maskable",
        }
        for size in (192, 512)
    ]
    body = {
        "name": _("Smart trade union"),
        "short_name": _("Smart trade union"),
        "description": _("Your trade union on your phone: join, e-member card, stations, requests and help."),
        "lang": request.LANGUAGE_CODE,
        "id": "/",
        "start_url": reverse("dashboard"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": "#f6f8fa",
        "icons": icons,
    }
    return JsonResponse(
        body, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )


@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    path = finders.find("js/sw.js")
    if path is None:
        raise Http404
    with open(path, "rb") as fh:
        response = HttpResponse(fh.read(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response
