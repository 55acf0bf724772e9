from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class YearlyConfig(AppConfig):
    name = "college_portal.yearly"
    label = "yearly"
    verbose_name = _("Yearly report")

    def ready(self):
        from . import evidence, hooks

        evidence.register()
        hooks.register()
