"""The application's URLs plus ``/bench/hello/``, the bare Django view the HTTP benchmark
compares against (same server, same settings, same middleware)."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns


def hello(request):
    return HttpResponse(b"hello", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello), *app_urlpatterns]
