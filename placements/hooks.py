"""What placements adds to the shell; it only registers (reads live in selectors.py, the
panels in sections.py)."""

from django.utils.translation import gettext_lazy as _

from college_portal.pagecache import register_public_content
from college_portal.registry import (
    NavItem,
    register_attachments,
    register_demo_step,
    register_nav,
    register_personal_data,
    register_report_section,
    register_section,
    register_yearly_evidence,
)

from . import demo, notifications, personal_data
from .models import Application, Booking, Offer, Slot
from .report import guest_lectures_and_teacher_placements, placements_section
from .sections import (
    home_offers,
    partner_offers,
    programme_offers,
    representative_dashboard,
    school_dashboard,
    student_dashboard,
)


def register():
    """Called once from the app's AppConfig.ready()."""
    # What the cached public pages (home, catalogue, offer lists and pages, partner pages) and
    # the feeds show; a booking changes a time's free places (its UPDATE of the slot sends no
    # signal), an application decided or withdrawn an internship's places left.
    register_public_content(Offer, Slot, Booking, Application)
    register_nav(NavItem(_("Internships and study visits"), "placements:offer_list", order=25))
    register_section("dashboard", student_dashboard, order=10)
    register_section("dashboard", representative_dashboard, order=10)
    register_section("dashboard", school_dashboard, order=10)
    register_section("programme_detail", programme_offers, order=10)
    register_section("partner_detail", partner_offers, order=10)
    register_section("home", home_offers, order=15)
    register_report_section(placements_section, order=30)
    # Criterion 8, after the yearly app's internships (10) and study visits (20).
    register_yearly_evidence(8, guest_lectures_and_teacher_placements, order=30)
    register_demo_step(demo.load, order=40)
    register_personal_data(personal_data.export, personal_data.erase, order=40)
    register_attachments("booking_confirmed", notifications.booking_ics)
    register_attachments("study_visit_reminder", notifications.booking_ics)
