"""Pages for member exports (in the ``members`` namespace)."""

from django.urls import path

from gonghui.members.views import exports

urlpatterns = [
    path("members/exports/new/", exports.export_new, name="export_new"),
    path("members/exports/<uuid:job_id>/", exports.export_detail, name="export_detail"),
    path("members/exports/<uuid:job_id>/download/", exports.export_download, name="export_download"),
]
