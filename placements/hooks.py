"""What placements adds to the shell: navigation, dashboards, page sections, report, demo."""

from django.db.models import Case, Count, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from college_portal.accounts.models import Role
from college_portal.registry import (
    NavItem,
    register_attachments,
    register_demo_step,
    register_nav,
    register_personal_data,
    register_report_section,
    register_section,
)

from . import demo, notifications, personal_data
from .models import (
    FILLED,
    UNDECIDED,
    Application,
    Booking,
    BookingStatus,
    Offer,
    OfferStatus,
    StudentProfile,
)
from .report import placements_section
from .selectors import (
    confirmed_bookings_count,
    dashboard_offers_for,
    school_applications,
    students_awaiting_confirmation,
)


def _open_offers(**filters):
    return list(
        Offer.objects.open_for_application()
        .filter(**filters)
        .select_related("organisation")
        .distinct()
        .order_by("-published_at")[:10]
    )


def student_dashboard(request):
    user = request.user
    if user.role != Role.STUDENT:
        return None
    profile = StudentProfile.objects.filter(user=user).select_related("programme", "school").first()
    applications = list(
        Application.objects.filter(student=user)
        .select_related("offer__organisation")
        .order_by("-submitted_at")
    )
    bookings = list(
        Booking.objects.filter(
            booked_by=user, status=BookingStatus.CONFIRMED, slot__starts_at__gte=timezone.now()
        ).select_related("slot__offer__organisation")
    )
    matching = []
    if profile and (profile.programme_id or profile.municipality):
        matching = dashboard_offers_for(profile)
    return "placements/dashboard_student.html", {
        "profile": profile,
        "applications": applications,
        "bookings": bookings,
        "matching": matching,
    }


DASHBOARD_OFFERS = 25

# Published first, then drafts being prepared, then closed ones.
STATUS_ORDER = Case(
    When(status=OfferStatus.PUBLISHED, then=Value(0)),
    When(status=OfferStatus.DRAFT, then=Value(1)),
    default=Value(2),
)


def representative_dashboard(request):
    user = request.user
    if user.role != Role.COMPANY_REP:
        return None
    mine = Offer.objects.managed_by(user)
    offers = list(
        mine.select_related("organisation")
        .annotate(
            undecided=Count("applications", filter=Q(applications__status__in=UNDECIDED)),
            filled=Count("applications", filter=Q(applications__status__in=FILLED)),
            total=Count("applications"),
            bookings=confirmed_bookings_count(),
        )
        .order_by("-undecided", STATUS_ORDER, "-created_at")[:DASHBOARD_OFFERS]
    )
    total = len(offers) if len(offers) < DASHBOARD_OFFERS else mine.count()
    return "placements/dashboard_representative.html", {"offers": offers, "total": total}


# Rows of a school dashboard list; the rest are counted.
DASHBOARD_ROWS = 50


def school_dashboard(request):
    user = request.user
    if user.role != Role.SCHOOL_STAFF:
        return None
    bookings = list(
        Booking.objects.filter(booked_by=user)
        .select_related("slot__offer__organisation")
        .order_by("-slot__starts_at")
    )
    applications = list(school_applications(user)[:DASHBOARD_ROWS])
    awaiting = students_awaiting_confirmation(user)
    waiting = list(awaiting[:DASHBOARD_ROWS])
    return "placements/dashboard_school.html", {
        "bookings": bookings,
        "applications": applications,
        "waiting": waiting,
        "waiting_total": len(waiting) if len(waiting) < DASHBOARD_ROWS else awaiting.count(),
    }


def programme_offers(request, programme):
    offers = _open_offers(programmes=programme)
    return "placements/offers_section.html", {
        "offers": offers,
        "title": _("Internships and study visits"),
    }


def partner_offers(request, organisation):
    offers = _open_offers(organisation=organisation)
    if not offers:
        return None
    return "placements/offers_section.html", {"offers": offers, "title": _("Open offers")}


def home_offers(request):
    return "placements/home_section.html", {"offers": _open_offers()[:4]}


def register():
    """Called once from the app's AppConfig.ready()."""
    register_nav(NavItem(_("Internships and study visits"), "placements:offer_list", order=25))
    register_section("dashboard", student_dashboard, order=10)
    register_section("dashboard", representative_dashboard, order=10)
    register_section("dashboard", school_dashboard, order=10)
    register_section("programme_detail", programme_offers, order=10)
    register_section("partner_detail", partner_offers, order=10)
    register_section("home", home_offers, order=15)
    register_report_section(placements_section, order=30)
    register_demo_step(demo.load, order=40)
    register_personal_data(personal_data.export, personal_data.erase, order=40)
    register_attachments("booking_confirmed", notifications.booking_ics)
    register_attachments("study_visit_reminder", notifications.booking_ics)
