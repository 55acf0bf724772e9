"""What the programs app adds to the shell: navigation, sections, report, demo data."""

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from college_portal.registry import (
    NavItem,
    register_demo_step,
    register_nav,
    register_report_section,
    register_section,
)
from college_portal.reports import Section, Table

from . import demo
from .models import CompetenceRequirement, Programme
from .services import requirement_setters_for


def home_programmes(request):
    programmes = list(Programme.objects.published().select_related("provider").order_by("name")[:6])
    return "programs/home_section.html", {
        "programmes": programmes,
        "count": Programme.objects.published().count(),
    }


def dashboard_requirements(request):
    user = request.user
    if not (user.is_company_rep or user.is_staff):
        return None
    can_propose = requirement_setters_for(user).exists()
    requirements = list(
        CompetenceRequirement.objects.filter(organisation__memberships__user=user)
        .select_related("organisation")
        .prefetch_related("programmes", "coverage__course")
        .distinct()
        .order_by("status", "-created_at")[:20]
    )
    if not (can_propose or requirements):
        return None
    return "programs/dashboard_section.html", {
        "requirements": requirements,
        "can_propose": can_propose,
    }


def partner_requirements(request, organisation):
    requirements = list(
        CompetenceRequirement.objects.accepted()
        .filter(organisation=organisation)
        .prefetch_related("programmes")
    )
    if not requirements:
        return None
    return "programs/partner_section.html", {"requirements": requirements}


def requirements_report():
    by_status = dict(CompetenceRequirement.objects.values_list("status").annotate(n=Count("pk")))
    programmes = Programme.objects.annotate(
        accepted=Count("requirements", filter=Q(requirements__status="accepted"), distinct=True),
        covered=Count(
            "requirements",
            filter=Q(
                requirements__status="accepted",
                requirements__coverage__course__in_plans__programme=F("pk"),
            ),
            distinct=True,
        ),
    ).order_by("name")
    return Section(
        key="requirements",
        title=_("Competence requirements"),
        tables=[
            Table(
                _("Requirements by status"),
                [_("Status"), _("Requirements")],
                [
                    [label, by_status.get(value, 0)]
                    for value, label in CompetenceRequirement.Status.choices
                ],
                chart=True,
            ),
            Table(
                _("Coverage per programme"),
                [_("Programme"), _("Accepted requirements"), _("Covered"), _("Gaps")],
                [[p.name, p.accepted, p.covered, p.accepted - p.covered] for p in programmes],
            ),
        ],
    )


def register():
    """Called once from the app's AppConfig.ready()."""
    register_nav(NavItem(_lazy("Programmes"), "programs:list", order=20))
    register_section("home", home_programmes, order=10)
    register_section("dashboard", dashboard_requirements, order=40)
    register_section("partner_detail", partner_requirements, order=20)
    register_report_section(requirements_report, order=20)
    register_demo_step(demo.load, order=30)
