from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "college_portal.accounts"
    label = "accounts"
    verbose_name = _("Users and roles")

    def ready(self):
        from . import hooks, language, ratelimits  # noqa: F401

        hooks.register()
        ratelimits.install()
