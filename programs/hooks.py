"""What the programs app adds to the shell; it only registers (reads live in selectors.py,
the panels and report section in sections.py)."""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from college_portal.pagecache import register_public_content
from college_portal.registry import (
    NavItem,
    register_demo_step,
    register_nav,
    register_report_section,
    register_section,
    register_yearly_evidence,
)

from . import demo, gap_hooks, inventory_demo
from .inventory_selectors import inventory_evidence
from .inventory_views import dashboard_section as dashboard_inventory
from .sections import (
    dashboard_requirements,
    home_programmes,
    partner_requirements,
    requirements_report,
)


def register():
    """Called once from the app's AppConfig.ready()."""
    # What the cached public pages (home, catalogue, offer and partner lists) show.
    register_public_content(*apps.get_app_config("programs").get_models())
    register_nav(NavItem(_("Programmes"), "programs:list", order=20))
    register_section("home", home_programmes, order=10)
    register_section("dashboard", dashboard_inventory, order=35)
    register_section("dashboard", dashboard_requirements, order=40)
    register_section("partner_detail", partner_requirements, order=20)
    register_report_section(requirements_report, order=20)
    register_demo_step(demo.load, order=30)
    register_demo_step(inventory_demo.load, order=31)
    # Criterion 4, Industrins kompetensbehov: the needs inventory rounds and the stated need.
    register_yearly_evidence(4, inventory_evidence, order=10)
    gap_hooks.register()
