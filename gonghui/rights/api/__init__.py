"""The rights app's HTTP API (mounted at /api/v1/): requests, wage-arrears cases, legal aid and
practical needs, one module each, under one router tagged "rights"."""

from ninja import Router

from gonghui.rights.api import legal_aid, needs, requests, wage_arrears

router = Router(tags=["rights"])
for part in (requests, wage_arrears, legal_aid, needs):
    # Operation ids stay those of the one rights/api.py module these endpoints grew out of
    # (gonghui_rights_api_<function>): clients generated from the document keep their names.
    for path_view in part.router.path_operations.values():
        for operation in path_view.operations:
            operation.operation_id = f"gonghui_rights_api_{operation.view_func.__name__}"
    router.add_router("", part.router)
