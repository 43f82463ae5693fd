"""The Content-Security-Policy of every page (docs/ops/deploy.md "Security headers").

Scripts only from our own origin (``'self'``: htmx, Leaflet and Swagger UI are vendored into
our static files) or an inline ``<script nonce="{{ csp_nonce }}">``; never ``'unsafe-inline'``
or ``'unsafe-eval'`` for scripts, so inline event handlers (``onclick=``, ``hx-on``) and
``javascript:`` links are refused — templates use the data attributes of
``static/js/gonghui.js`` instead. Styles keep ``'unsafe-inline'``: templates use a few
``style=`` attributes (progress bars, widths) and Leaflet and Swagger UI set inline styles;
a style cannot run code. Images may come from the map tile server (``GONGHUI_MAP_TILE_URL``).
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP


def tile_source(url: str) -> str | None:
    """The CSP source allowing the tiles of an XYZ tile URL template, or None without tiles.

    ``https://tiles.example.org/{z}/{x}/{y}.png`` gives ``https://tiles.example.org``; a
    subdomain placeholder (``https://{s}.tile.example.org/…``, ``https://webrd0{s}.is.autonavi.com/…``)
    gives a wildcard for the labels up to it (``https://*.tile.example.org``), the only
    wildcard CSP allows."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ImproperlyConfigured(f"GONGHUI_MAP_TILE_URL must be an http(s) URL, not {url!r}")
    try:
        host, port = parts.hostname or "", parts.port
    except ValueError as exc:
        raise ImproperlyConfigured(f"GONGHUI_MAP_TILE_URL: {url!r}: {exc}") from exc
    labels = host.split(".")
    templated = [i for i, label in enumerate(labels) if "{" in label]
    if templated:
        labels = ["*", *labels[templated[-1] + 1 :]]
        if len(labels) < 3:
            raise ImproperlyConfigured(
                f"GONGHUI_MAP_TILE_URL: {url!r} has no fixed domain after its placeholder"
            )
    return f"{parts.scheme}://{'.'.join(labels)}{f':{port}' if port else ''}"


def content_security_policy(*, tile_url: str = "", production: bool = False) -> dict:
    """``SECURE_CSP`` for Django's ContentSecurityPolicyMiddleware."""
    images = [CSP.SELF, "data:"]  # data: — Leaflet and Swagger UI draw small icons as data URIs
    if tile := tile_source(tile_url):
        images.append(tile)
    policy = {
        "default-src": [CSP.SELF],
        "script-src": [CSP.SELF, CSP.NONCE],
        "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
        "img-src": images,
        "font-src": [CSP.SELF],
        "connect-src": [CSP.SELF],
        "object-src": [CSP.NONE],
        "base-uri": [CSP.SELF],
        "form-action": [CSP.SELF],
        "frame-ancestors": [CSP.NONE],
    }
    if production:
        # Behind TLS every sub-resource is fetched over https, even a stray http:// link.
        policy["upgrade-insecure-requests"] = True
    return policy
