"""Hardship assistance over HTTP (mounted at /api/v1/assistance), one module per concern under
one router tagged "assistance": the assessment and the 低保 table (``assessment``), files and
their workflow (``households``), their documents (``documents``) and 防止返困 (``monitoring``)."""

from ninja import Router

from gonghui.assistance.api import assessment, documents, households, monitoring

router = Router(tags=["assistance"])
for part in (assessment, households, documents, monitoring):
    # Operation ids stay those of the one assistance/api.py module these endpoints grew out of
    # (gonghui_assistance_api_<function>): clients generated from the document keep their names.
    for path_view in part.router.path_operations.values():
        for operation in path_view.operations:
            operation.operation_id = f"gonghui_assistance_api_{operation.view_func.__name__}"
    router.add_router("", part.router)
