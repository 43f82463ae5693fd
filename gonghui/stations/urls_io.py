"""Station import and export pages (urls_io), mounted under /stations/."""

from django.urls import path

from gonghui.stations.views import io

urlpatterns = [
    path("manage/import/", io.import_page, name="io_import"),
    path("manage/import/confirm/", io.import_confirm, name="io_import_confirm"),
    path("manage/import/template.<str:file_format>", io.import_template, name="io_import_template"),
    path("manage/export/", io.export_page, name="io_export"),
    path("manage/export/download/", io.export_download, name="io_export_download"),
]
