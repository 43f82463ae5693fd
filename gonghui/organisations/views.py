"""Organisation pages (stub: to be written)."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("todo")


tree = detail = audit_log = _todo
