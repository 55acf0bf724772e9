"""What allocation rounds add to the shell: a dashboard panel and the student's data."""

from college_portal.registry import register_personal_data, register_section

from . import personal_data
from .sections import dashboard


def register():
    register_section("dashboard", dashboard, order=12)
    register_personal_data(personal_data.export, personal_data.erase, order=45)
