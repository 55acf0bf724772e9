"""The panels placements adds to shared pages (dashboards, home, programme and partner pages),
each built on its selectors."""

from django.utils.translation import gettext_lazy as _

from college_portal.accounts.models import Role

from . import selectors


def student_dashboard(request):
    if request.user.role != Role.STUDENT:
        return None
    return "placements/dashboard_student.html", selectors.student_overview(request.user)


def representative_dashboard(request):
    if request.user.role != Role.COMPANY_REP:
        return None
    return "placements/dashboard_representative.html", selectors.representative_offers(request.user)


def school_dashboard(request):
    if request.user.role != Role.SCHOOL_STAFF:
        return None
    return "placements/dashboard_school.html", selectors.school_overview(request.user)


def programme_offers(request, programme):
    return "placements/offers_section.html", {
        "offers": selectors.open_offers(programmes=programme),
        "title": _("Internships and study visits"),
    }


def partner_offers(request, organisation):
    offers = selectors.open_offers(organisation=organisation)
    if not offers:
        return None
    return "placements/offers_section.html", {"offers": offers, "title": _("Open offers")}


def home_offers(request):
    return "placements/home_section.html", {"offers": selectors.open_offers(limit=4)}
