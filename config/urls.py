from django.contrib import admin
from django.urls import include, path

from config.api import api
from gonghui.organisations import views as organisation_views
from gonghui.portal.views import home as portal_home

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ops/admin/", admin.site.urls),
    path("", portal_home.home, name="dashboard"),
    path("audit/", organisation_views.audit_log, name="audit"),
    path("accounts/", include("gonghui.accounts.urls")),
    path("organisations/", include("gonghui.organisations.urls")),
    path("competitions/", include("gonghui.competitions.urls")),
    path("honours/", include("gonghui.honours.urls")),
    path("innovation/", include("gonghui.innovation.urls")),
    path("talent/", include("gonghui.talent.urls")),
    path("assistance/", include("gonghui.assistance.urls")),
    path("rights/", include("gonghui.rights.urls")),
    path("stations/", include("gonghui.stations.urls")),
    path("activities/", include("gonghui.activities.urls")),
    path("me/notifications/", include("gonghui.notifications.urls")),
    path("", include("gonghui.news.urls")),
    path("", include("gonghui.search.urls")),
    path("", include("gonghui.portal.urls")),
    path("", include("gonghui.members.urls")),
]
