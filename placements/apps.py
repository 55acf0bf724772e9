from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = _("Internships and study visits")

    def ready(self):
        from . import hooks, signals  # noqa: F401

        hooks.register()
