"""What the activity log adds to the shared shell: the project leads' link to it."""

from django.utils.translation import gettext_lazy as _

from college_portal.registry import NavItem, register_nav


def register():
    """Called once from the app's AppConfig.ready()."""
    register_nav(NavItem(_("Activity"), "activity:list", staff_only=True, order=93))
