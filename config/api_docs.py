"""The API's Swagger page: Swagger UI from our own static files (``swagger-ui-dist`` from npm,
copied by ``make`` into ``static/vendor/swagger-ui/``), started by a static script so that it
runs under the Content-Security-Policy (django-ninja's own page loads a CDN or runs inline
code), and signed-in users only unless ``GONGHUI_API_DOCS_PUBLIC`` (development)."""

import functools

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from ninja.openapi.docs import Swagger, _csrf_needed


class GonghuiSwagger(Swagger):
    template = "api/swagger.html"
    # No calls to the public validator.swagger.io: the page talks to this site only.
    default_settings = {"layout": "BaseLayout", "deepLinking": True, "validatorUrl": None}

    def render_page(self, request, api, **kwargs):
        swagger_settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {"swagger_settings": swagger_settings, "api": api, "add_csrf": _csrf_needed(api)}
        return render(request, self.template, context)


def docs_access(view):
    """The Swagger page for signed-in users only, unless the docs are public: a visitor is sent
    to sign in. The OpenAPI document itself stays open (``/api/v1/openapi.json`` is part of the
    published contract, and integrations read it with a bearer token that this decorator, running
    before the API's authentication, could not see); it describes operations, never data."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if (
            settings.GONGHUI_API_DOCS_PUBLIC
            or request.user.is_authenticated
            or request.path.endswith(".json")
        ):
            return view(request, *args, **kwargs)
        return redirect_to_login(request.get_full_path())

    return wrapper
