"""What the yearly report adds to the shell: its place in the project leads' menu and its
part of a person's data."""

from django.utils.translation import gettext_lazy as _

from college_portal.registry import NavItem, register_nav, register_personal_data

from . import personal_data


def register():
    register_nav(NavItem(_("Yearly report"), "yearly:list", staff_only=True, order=93))
    register_personal_data(personal_data.export, personal_data.erase, order=60)
