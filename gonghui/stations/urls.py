"""Pages of the stations app, mounted at /stations/. Each part lives in its own module."""

from gonghui.stations import urls_io, urls_pages, urls_reports

app_name = "stations"

urlpatterns = [*urls_reports.urlpatterns, *urls_io.urlpatterns, *urls_pages.urlpatterns]
