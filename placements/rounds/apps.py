from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundsConfig(AppConfig):
    name = "placements.rounds"
    label = "rounds"
    verbose_name = _("Allocation rounds")

    def ready(self):
        from . import hooks

        hooks.register()
