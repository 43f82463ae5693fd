"""Officer pages for members (stub: to be written)."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("todo")


dashboard = member_list = member_detail = member_create = member_edit = enrolment_queue = transfer_queue = _todo
