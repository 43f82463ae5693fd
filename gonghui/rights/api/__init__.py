"""The rights app's HTTP API (mounted at /api/v1/): requests, wage-arrears cases, legal aid and
practical needs, one module each, under one router tagged "rights"."""

from gonghui.core.api import package_router
from gonghui.rights.api import legal_aid, needs, requests, wage_arrears

router = package_router("rights", requests, wage_arrears, legal_aid, needs)
