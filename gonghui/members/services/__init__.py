"""Writes to members, enrolments, transfers and dues. Split by sub-domain; import from the
submodules (``gonghui.members.services.members`` …)."""
