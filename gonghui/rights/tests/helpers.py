"""A request to test with, shared by the rights tests."""

from gonghui.rights.models import Request
from gonghui.rights.services import requests as svc

# A call taken for 王强 about unpaid overtime at a work place in 雁塔区 (610113): routed to the
# 雁塔 joint union under 西安.
FILING = {
    "channel": "phone",
    "category": "complaint",
    "description": "加班费未发放",
    "work_division": "610113",
    "name": "王强",
    "phone": "13800001111",
}


def file_request(**overrides) -> Request:
    """:data:`FILING` with ``overrides``, filed by the system (``actor`` None) unless given."""
    return svc.request_file(**{"actor": None, **FILING, **overrides})
