"""What the partners app adds to the shared shell; it only registers (reads live in
selectors.py, the panels in sections.py)."""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from college_portal.pagecache import register_public_content
from college_portal.registry import (
    NavItem,
    register_demo_step,
    register_nav,
    register_personal_data,
    register_report_section,
    register_section,
    register_yearly_evidence,
)

from . import demo, personal_data
from .report import declarations_of_intent_evidence, partners_section
from .sections import dashboard_organisations, home_partners


def register():
    """Called once from the app's AppConfig.ready()."""
    # What the cached public pages (home, catalogue, offer and partner lists) show.
    register_public_content(*apps.get_app_config("partners").get_models())
    register_nav(NavItem(_("Partners"), "partners:list", order=30))
    register_section("home", home_partners, order=20)
    register_section("dashboard", dashboard_organisations, order=20)
    register_demo_step(demo.load, order=20)
    register_demo_step(demo.load_agreements, order=21)
    register_demo_step(demo.load_steering_groups, order=22)
    register_report_section(partners_section, order=10)
    # Criterion 2, Regional samverkan: after the yearly app's samverkansavtal (order 10).
    register_yearly_evidence(2, declarations_of_intent_evidence, order=20)
    register_personal_data(personal_data.export, personal_data.erase, order=20)
