"""Hardship assistance over HTTP (mounted at /api/v1/assistance), one module per concern under
one router tagged "assistance": the assessment and the 低保 table (``assessment``), files and
their workflow (``households``), their documents (``documents``) and 防止返困 (``monitoring``)."""

from gonghui.assistance.api import assessment, documents, households, monitoring
from gonghui.core.api import package_router

router = package_router("assistance", assessment, households, documents, monitoring)
