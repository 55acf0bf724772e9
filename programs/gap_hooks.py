"""What supply and demand add to the shell: the public page in everyone's menu, the full
page in the project leads' menu, dashboard panels for school staff (their programmes'
figures) and steering-group members (the page), and evidence for the yearly report."""

from django.utils.translation import gettext_lazy as _

from college_portal.registry import (
    NavItem,
    register_demo_step,
    register_nav,
    register_section,
    register_yearly_evidence,
)

from . import supply_demo
from .gap import may_see_gap
from .gap_evidence import gap_evidence, supply_evidence
from .supply import supply_programmes_for


def dashboard_supply(request):
    user = request.user
    if not user.is_school_staff:
        return None
    programmes = list(supply_programmes_for(user).order_by("name"))
    if not programmes:
        return None
    return "programs/gap/dashboard_supply.html", {"programmes": programmes}


def dashboard_gap(request):
    # Project leads find the page in their menu.
    if request.user.is_staff or not may_see_gap(request.user):
        return None
    return "programs/gap/dashboard_gap.html", {}


def register():
    register_nav(NavItem(_("Where the jobs are"), "programs:jobs", order=26))
    register_nav(NavItem(_("Demand and supply"), "programs:gap", staff_only=True, order=91))
    register_section("dashboard", dashboard_supply, order=45)
    register_section("dashboard", dashboard_gap, order=46)
    register_demo_step(supply_demo.load, order=32)
    # Criterion 4, Industrins kompetensbehov: the stated need against the education's supply.
    register_yearly_evidence(4, gap_evidence, order=20)
    # Criterion 5, Utbildningar och dimensionering: each programme's seats, admitted, completed.
    register_yearly_evidence(5, supply_evidence, order=20)
