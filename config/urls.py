from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ops/admin/", admin.site.urls),
    path("accounts/", include("gonghui.accounts.urls")),
    path("organisations/", include("gonghui.organisations.urls")),
    path("", include("gonghui.members.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL if hasattr(settings, "MEDIA_URL") else "/media/", document_root=settings.MEDIA_ROOT)
