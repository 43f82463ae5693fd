"""The portal's pages (the home page itself is ``/``, named ``dashboard``, in config/urls.py).
The manifest and the service worker sit at the root on purpose: a service worker controls
only the pages under the path it is served from."""

from django.urls import path

from gonghui.portal.views import app, dues

app_name = "portal"

urlpatterns = [
    path("manifest.webmanifest", app.manifest, name="manifest"),
    path("sw.js", app.service_worker, name="service_worker"),
    path("dues/", dues.dues_calculator, name="dues"),
]
