"""Account pages (stub: to be written)."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("todo")


login = logout = password_change = tokens = _todo
