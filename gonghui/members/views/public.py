"""Public and member self-service pages (stub: to be written)."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("todo")


join = join_status = join_lookup = me = card = card_verify = _todo
