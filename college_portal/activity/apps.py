from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivityConfig(AppConfig):
    name = "college_portal.activity"
    label = "activity"
    verbose_name = _("Activity log")

    def ready(self):
        from . import admin_log, hooks

        hooks.register()

        admin_log.install()
