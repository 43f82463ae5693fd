"""Pages for bulk import and export (the importer's and exporter's own URL lists)."""

from gonghui.members import urls_exports, urls_imports

urlpatterns = urls_imports.urlpatterns + urls_exports.urlpatterns
