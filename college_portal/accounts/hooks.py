"""The shell's own navigation and dashboard section, and the demo accounts."""

from django.utils.translation import gettext_lazy as _

from ..registry import (
    NavItem,
    register_demo_step,
    register_nav,
    register_personal_data,
    register_section,
)
from . import demo, personal_data_hooks
from .models import Role

ALL_ROLES = tuple(Role.values)


def dashboard_profile(request):
    return "accounts/dashboard_profile.html", {"profile_user": request.user}


def register():
    """Called once from the app's AppConfig.ready()."""
    register_nav(NavItem(_("Home"), "home", order=0))
    register_nav(NavItem(_("About"), "about", order=90))
    register_nav(NavItem(_("My page"), "dashboard", roles=ALL_ROLES, order=10))
    register_nav(NavItem(_("Report"), "report", staff_only=True, order=92))
    register_nav(NavItem(_("Administration"), "admin:index", staff_only=True, order=95))
    register_section("dashboard", dashboard_profile, order=0)
    register_demo_step(demo.load, order=10)
    register_personal_data(
        personal_data_hooks.export_notifications, personal_data_hooks.erase_notifications, order=10
    )
