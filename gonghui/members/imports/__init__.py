"""Bulk member import: one importer shared by the upload page, the API, the
``import_members`` command and the background task (SPEC §3.3, issue 3)."""
