"""Bulk member import: one importer shared by the upload page, the API, the
``import_members`` command and the background task (docs/product.md §3.3.7, issue 3)."""
