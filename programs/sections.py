"""The panels and the report section programs adds to shared pages, built on its selectors."""

from django.utils.translation import gettext as _

from college_portal.reports import Section, Table

from . import selectors
from .models import CompetenceRequirement
from .services import requirement_setters_for


def home_programmes(request):
    return "programs/home_section.html", selectors.home_programmes()


def dashboard_requirements(request):
    user = request.user
    if not (user.is_company_rep or user.is_staff):
        return None
    can_propose = requirement_setters_for(user).exists()
    requirements = selectors.requirements_followed_by(user)
    if not (can_propose or requirements):
        return None
    return "programs/dashboard_section.html", {
        "requirements": requirements,
        "can_propose": can_propose,
    }


def partner_requirements(request, organisation):
    requirements = selectors.accepted_requirements_of(organisation)
    if not requirements:
        return None
    return "programs/partner_section.html", {"requirements": requirements}


def requirements_report():
    by_status = selectors.requirements_by_status()
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
                [
                    [p.name, p.accepted, p.covered, p.accepted - p.covered]
                    for p in selectors.coverage_per_programme()
                ],
            ),
        ],
    )
