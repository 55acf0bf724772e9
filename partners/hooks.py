"""What the partners app adds to the shared shell: navigation, home and dashboard sections, demo data."""

from django.utils.translation import gettext_lazy as _

from college_portal.registry import (
    NavItem,
    register_demo_step,
    register_nav,
    register_personal_data,
    register_report_section,
    register_section,
)

from . import demo, personal_data
from .models import Organisation, OrganisationKind
from .report import partners_section


def home_partners(request):
    organisations = list(Organisation.objects.active().only("name", "slug", "kind"))
    companies = sum(1 for o in organisations if o.kind == OrganisationKind.COMPANY)
    municipalities = sum(1 for o in organisations if o.kind == OrganisationKind.MUNICIPALITY)
    return "partners/home_section.html", {
        "organisations": organisations,
        "numbers": [
            (len(organisations), _("partners")),
            (companies, _("companies")),
            (municipalities, _("municipalities")),
        ],
    }


def dashboard_organisations(request):
    if request.user.is_student:
        return None
    memberships = list(
        request.user.memberships.select_related("organisation").prefetch_related(
            "organisation__roles"
        )
    )
    return "partners/dashboard_section.html", {"memberships": memberships}


def register():
    """Called once from the app's AppConfig.ready()."""
    register_nav(NavItem(_("Partners"), "partners:list", order=30))
    register_section("home", home_partners, order=20)
    register_section("dashboard", dashboard_organisations, order=20)
    register_demo_step(demo.load, order=20)
    register_demo_step(demo.load_agreements, order=21)
    register_demo_step(demo.load_steering_groups, order=22)
    register_report_section(partners_section, order=10)
    register_personal_data(personal_data.export, personal_data.erase, order=20)
