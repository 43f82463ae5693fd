"""Pages for bulk member import."""

from django.urls import path

from gonghui.members.views import imports

urlpatterns = [
    path("members/imports/", imports.import_list, name="import_list"),
    path(
        "members/imports/template.xlsx",
        imports.import_template_download,
        {"file_format": "xlsx"},
        name="import_template_xlsx",
    ),
    path(
        "members/imports/template.csv",
        imports.import_template_download,
        {"file_format": "csv"},
        name="import_template_csv",
    ),
    path("members/imports/<uuid:batch_id>/", imports.import_detail, name="import_detail"),
    path("members/imports/<uuid:batch_id>/commit/", imports.import_commit, name="import_commit"),
    path("members/imports/<uuid:batch_id>/undo/", imports.import_undo, name="import_undo"),
    path("members/imports/<uuid:batch_id>/resume/", imports.import_resume, name="import_resume"),
    path("members/imports/<uuid:batch_id>/rollback/", imports.import_rollback, name="import_rollback"),
]
