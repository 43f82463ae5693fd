"""Writes of the members app, split by sub-domain; import from the submodules
(``gonghui.members.services.members`` …): ``members`` (records and 会籍), ``enrolment``,
``transfers``, ``dues``, ``cards``, ``imports`` and ``exports`` (started by officers),
``exporter`` (an export's file, written by the background task), ``retention`` and
``cleanup`` (deleting files with personal data nobody needs any more)."""
