"""What the yearly report adds to the shell: its place in the project leads' menu."""

from django.utils.translation import gettext_lazy as _

from college_portal.registry import NavItem, register_nav


def register():
    register_nav(NavItem(_("Yearly report"), "yearly:list", staff_only=True, order=93))
