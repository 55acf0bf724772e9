"""What the activity log adds to the shared shell: the project leads' link to it."""

from django.utils.translation import gettext_lazy as _

from college_portal.accounts.registry import NavItem, register_nav

register_nav(NavItem(_("Activity"), "activity:list", staff_only=True, order=93))
