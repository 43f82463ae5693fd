from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "gonghui.stations"
    label = "stations"
    verbose_name = _("Outdoor-worker stations")

    def ready(self):
        from gonghui.stations import checks  # noqa: F401  (registers the settings checks)
