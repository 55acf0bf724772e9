"""Who may open or change what, for every page of the portal's own apps: each named URL in the
URL configuration against every kind of person, and a test that fails when a URL has no row.

A refused request answers 403 (wrong role), 404 (not yours: as if it did not exist), 410 (a
link that cannot be used by this person) or sends an anonymous visitor to the login page. A
refused request, and a page shown, change nothing in the database (WRITES_WHEN_SHOWN names the
exception); an allowed action redirects and makes its change.

The people (tests/conftest.py's `world`): Elsa, the student who applied, booked and whose
school link the teacher confirmed; another student; LK Precision's organisation admin (the
owning company's representative) and a colleague of theirs (a plain representative); the other
company's admin; the teacher at Elsa's school; a project lead; an anonymous visitor.
"""

from fnmatch import fnmatch

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from college_portal.yearly.models import CriterionAssessment, FrozenReport
from placements.models import (
    Application,
    ApplicationStatus,
    Booking,
    BookingStatus,
    Offer,
    OfferStatus,
    PlacementAgreement,
    RiskItem,
    Slot,
    StudentProfile,
)
from placements.rounds.models import (
    Allocation,
    AllocationStatus,
    Choice,
    Round,
    RoundPlace,
    RoundStatus,
)
from tests.factories import CompetenceAreaFactory, CourseFactory, InventoryRoundFactory
from tests.helpers import database_state, url
from tests.rounds.helpers import round_target
from tests.surveys.helpers import make_survey_invitation

OK = 200  # the page is shown
DENY = 403  # not for this role
HIDE = 404  # not yours: as if it did not exist
GONE = 410  # a link this person cannot use
LOGIN = "login"  # an anonymous visitor is sent to the login page
DONE = "done"  # the action is carried out, then a redirect to a page that is not the login

PEOPLE = ["student", "student2", "rep", "colleague", "rep2", "teacher", "lead", "visitor"]


def row(*expected):
    """What each person gets, in the order of PEOPLE."""
    return dict(zip(PEOPLE, expected, strict=True))


EVERYONE = row(OK, OK, OK, OK, OK, OK, OK, OK)
SIGNED_IN = row(OK, OK, OK, OK, OK, OK, OK, LOGIN)
LEADS_ONLY = row(DENY, DENY, DENY, DENY, DENY, DENY, OK, LOGIN)

# URL name: (method, what it is about, expected per person). GET shows a page (forms too);
# POST is for actions, and carries ACTION_DATA. The people, in order:
#                   student, student2, rep, colleague, rep2, teacher, lead, visitor
ACCESS = {
    # The shell: public pages, one's own pages, the leads' pages and files.
    "home": ("get", None, EVERYONE),
    "about": ("get", None, EVERYONE),
    # For search engines, at the root (tests/test_sitemap.py).
    "sitemap": ("get", None, EVERYONE),
    "robots_txt": ("get", None, EVERYONE),
    # The legal pages: open to everyone, the feedback form too (tests/test_legal_pages.py).
    "privacy": ("get", None, EVERYONE),
    "accessibility": ("get", None, EVERYONE),
    "accessibility_feedback": ("get", None, EVERYONE),
    "contact": ("get", None, EVERYONE),
    "dashboard": ("get", None, SIGNED_IN),
    "profile": ("get", None, SIGNED_IN),
    "my_data": ("get", None, SIGNED_IN),
    "report": ("get", None, LEADS_ONLY),
    "activity:list": ("get", None, LEADS_ONLY),
    "public_media": ("get", "logo", EVERYONE),
    "staff_document": ("get", "agreement", LEADS_ONLY),
    # Partners: public pages; the organisation's own pages for its members (the profile and
    # invitations for leads too, inviting only for its admin; its log only for members).
    "partners:list": ("get", None, EVERYONE),
    "partners:detail": ("get", "company", EVERYONE),
    "partners:edit_profile": ("get", "company", row(HIDE, HIDE, OK, OK, HIDE, HIDE, OK, LOGIN)),
    "partners:invite": ("get", "company", row(HIDE, HIDE, OK, HIDE, HIDE, HIDE, OK, LOGIN)),
    "partners:activity": ("get", "company", row(HIDE, HIDE, OK, OK, HIDE, HIDE, HIDE, LOGIN)),
    # An agreement's document: the members of its parties and leads (tests/partners/test_intent*).
    "partners:agreement_document": ("get", "agreement_id", row(HIDE, HIDE, OK, OK, HIDE, HIDE, OK, LOGIN)),
    # An invitation link is for the invited address: anyone signed in is someone else.
    "partners:invitation": ("get", "token", row(GONE, GONE, GONE, GONE, GONE, GONE, GONE, OK)),
    # Programmes: public catalogue; the coverage matrix for leads; requirements for the
    # requirement setter's members (a proposed one is hidden from everyone else but leads).
    "programs:list": ("get", None, EVERYONE),
    "programs:detail": ("get", "programme", EVERYONE),
    "programs:matrix": ("get", "programme", LEADS_ONLY),
    "programs:requirement_new": ("get", None, row(DENY, DENY, OK, OK, DENY, DENY, DENY, LOGIN)),
    "programs:requirement_edit": ("get", "requirement", row(HIDE, HIDE, OK, OK, HIDE, HIDE, OK, HIDE)),
    # A needs inventory asking LK only: its members answer; another company's answers 404 (not
    # theirs); other roles, leads too (they use admin), 403.
    "programs:inventory": ("get", "inventory_round", row(DENY, DENY, OK, OK, HIDE, DENY, DENY, LOGIN)),
    "programs:inventory_answer": ("get", "inventory_answer", row(DENY, DENY, OK, OK, HIDE, DENY, DENY, LOGIN)),
    # Supply figures: the providing school's staff (the teacher's school gives the programme) and
    # leads; another school's staff 404 (tests/programs/test_supply.py). Demand and supply:
    # leads and steering-group members (none here; tests/programs/test_gap.py); the public
    # aggregate for everyone.
    "programs:supply": ("get", "programme", row(DENY, DENY, DENY, DENY, DENY, OK, OK, LOGIN)),
    "programs:gap": ("get", None, LEADS_ONLY),
    "programs:gap_area": ("get", "area", LEADS_ONLY),
    "programs:jobs": ("get", None, EVERYONE),
    # Offers: public list and page; the rest only for the offer's organisation.
    "placements:offer_list": ("get", None, EVERYONE),
    "placements:offer_detail": ("get", "offer", EVERYONE),
    # Feeds for calendar programs and feed readers, open to everyone (tests/placements/test_feeds.py).
    "placements:offer_feed": ("get", None, EVERYONE),
    "placements:visit_calendar": ("get", None, EVERYONE),
    "placements:visit_calendar_company": ("get", "company", EVERYONE),
    "placements:visit_calendar_municipality": ("get", "municipality", EVERYONE),
    "placements:offer_create": ("get", None, row(DENY, DENY, OK, OK, OK, DENY, DENY, LOGIN)),
    "placements:offer_edit": ("get", "offer", row(DENY, DENY, OK, OK, HIDE, DENY, DENY, LOGIN)),
    "placements:offer_publish": ("post", "draft", row(DENY, DENY, DONE, DONE, HIDE, DENY, DENY, LOGIN)),
    "placements:offer_close": ("post", "offer", row(DENY, DENY, DONE, DONE, HIDE, DENY, DENY, LOGIN)),
    "placements:offer_copy": ("post", "offer", row(DENY, DENY, DONE, DONE, HIDE, DENY, DENY, LOGIN)),
    # Applications: students apply; the applicant and the offer's organisation see one, the
    # applicant's school too (never the CV) and leads; only the organisation decides.
    "placements:apply": ("post", "open_offer", row(DONE, DONE, DENY, DENY, DENY, DENY, DENY, LOGIN)),
    "placements:applicants": ("get", "offer", row(DENY, DENY, OK, OK, HIDE, DENY, DENY, LOGIN)),
    "placements:application_detail": ("get", "application", row(OK, HIDE, OK, OK, HIDE, OK, OK, LOGIN)),
    "placements:application_cv": ("get", "application", row(OK, HIDE, OK, OK, HIDE, HIDE, HIDE, LOGIN)),
    "placements:decide": ("post", "application", row(DENY, DENY, DONE, DONE, HIDE, DENY, DENY, LOGIN)),
    "placements:complete": ("post", "accepted", row(DENY, DENY, DONE, DONE, HIDE, DENY, DENY, LOGIN)),
    "placements:withdraw": ("post", "application", row(DONE, HIDE, DENY, DENY, DENY, DENY, DENY, LOGIN)),
    # A placement's APL agreement: read like its application (the student, the company, the
    # student's confirmed school, leads); filled in and assessed by the company only; the
    # student's age stated by the school; started by the company or the school.
    "placements:agreement": ("get", "accepted", row(OK, HIDE, OK, OK, HIDE, OK, OK, LOGIN)),
    "placements:agreement_edit": ("get", "accepted", row(DENY, DENY, OK, OK, HIDE, DENY, DENY, LOGIN)),
    "placements:agreement_assess": ("get", "placement_agreement", row(DENY, DENY, OK, OK, HIDE, DENY, DENY, LOGIN)),
    "placements:agreement_age": ("post", "placement_agreement", row(DENY, DENY, DENY, DENY, DENY, DONE, DENY, LOGIN)),
    "placements:agreement_start": ("post", "placement_agreement", row(DENY, DENY, DONE, DONE, HIDE, DONE, DENY, LOGIN)),
    "placements:agreement_conversation": ("get", "placement_agreement", row(DENY, DENY, DENY, DENY, DENY, OK, DENY, LOGIN)),
    "placements:agreement_attendance": ("get", "placement_agreement", row(DENY, DENY, OK, OK, HIDE, DENY, DENY, LOGIN)),
    # Study visits: students and teachers book; the booker and the host see a booking; the
    # host's members see who is coming (leads too) and cancel a time.
    "placements:book": ("post", "visit", row(DONE, DONE, DENY, DENY, DENY, DONE, DENY, LOGIN)),
    "placements:offer_bookings": ("get", "visit", row(HIDE, HIDE, OK, OK, HIDE, HIDE, OK, LOGIN)),
    "placements:slot_cancel": ("post", "slot", row(HIDE, HIDE, DONE, DONE, HIDE, HIDE, HIDE, LOGIN)),
    "placements:booking_detail": ("get", "booking", row(OK, HIDE, OK, OK, HIDE, HIDE, OK, LOGIN)),
    "placements:booking_ics": ("get", "booking", row(OK, HIDE, OK, OK, HIDE, HIDE, OK, LOGIN)),
    "placements:booking_cancel": ("post", "booking", row(DONE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, LOGIN)),
    # A student's interests, the digest's unsubscribe link (its token is the key), and the
    # school link that only staff of that school confirm or reject.
    "placements:student_profile": ("get", None, row(OK, OK, DENY, DENY, DENY, DENY, DENY, LOGIN)),
    "placements:unsubscribe": ("get", "profile_token", EVERYONE),
    "placements:confirm_student": ("post", "unconfirmed", row(DENY, DENY, DENY, DENY, DENY, DONE, DENY, LOGIN)),
    "placements:reject_student": ("post", "profile", row(DENY, DENY, DENY, DENY, DENY, DONE, DENY, LOGIN)),
    # Class invitations: school staff invite; the link is for the invited address only (a
    # visitor is asked to sign in or sign up with it; anyone signed in is someone else).
    "placements:invite_class": ("get", None, row(DENY, DENY, DENY, DENY, DENY, OK, DENY, LOGIN)),
    "placements:class_invitation": ("get", "token", row(GONE, GONE, GONE, GONE, GONE, GONE, GONE, OK)),
    # Allocation rounds: the school's staff prepare and run them (another school's staff 404,
    # tests/rounds); the offer's members confirm its places and students (another company
    # 404); a student on the class list ranks places and reads the result (others 404).
    "rounds:list": ("get", None, row(DENY, DENY, DENY, DENY, DENY, OK, DENY, LOGIN)),
    "rounds:create": ("get", None, row(DENY, DENY, DENY, DENY, DENY, OK, DENY, LOGIN)),
    "rounds:detail": ("get", "rounds.allocated", row(DENY, DENY, DENY, DENY, DENY, OK, DENY, LOGIN)),
    "rounds:add_students": ("post", "rounds.draft", row(DENY, DENY, DENY, DENY, DENY, DONE, DENY, LOGIN)),
    "rounds:add_offers": ("post", "rounds.draft", row(DENY, DENY, DENY, DENY, DENY, DONE, DENY, LOGIN)),
    "rounds:open": ("post", "rounds.ready", row(DENY, DENY, DENY, DENY, DENY, DONE, DENY, LOGIN)),
    "rounds:allocate": ("post", "rounds.open", row(DENY, DENY, DENY, DENY, DENY, DONE, DENY, LOGIN)),
    "rounds:place": ("post", "rounds.declined", row(DENY, DENY, DENY, DENY, DENY, DONE, DENY, LOGIN)),
    "rounds:close": ("post", "rounds.allocated", row(DENY, DENY, DENY, DENY, DENY, DONE, DENY, LOGIN)),
    "rounds:follow_up": ("get", "rounds.declined", row(DENY, DENY, DENY, DENY, DENY, OK, DENY, LOGIN)),
    "rounds:inputs": ("get", "rounds.allocated", row(DENY, DENY, DENY, DENY, DENY, OK, DENY, LOGIN)),
    "rounds:export": ("get", "rounds.allocated", row(DENY, DENY, DENY, DENY, DENY, OK, DENY, LOGIN)),
    "rounds:export_xlsx": ("get", "rounds.allocated", row(DENY, DENY, DENY, DENY, DENY, OK, DENY, LOGIN)),
    "rounds:company_places": ("get", None, row(DENY, DENY, OK, OK, OK, DENY, DENY, LOGIN)),
    "rounds:confirm_capacity": ("post", "rounds.draft_place", row(DENY, DENY, DONE, DONE, HIDE, DENY, DENY, LOGIN)),
    "rounds:rank_applicants": ("post", "rounds.open_place", row(DENY, DENY, DONE, DONE, HIDE, DENY, DENY, LOGIN)),
    "rounds:confirm_student": ("post", "rounds.allocation", row(DENY, DENY, DONE, DONE, HIDE, DENY, DENY, LOGIN)),
    "rounds:decline_student": ("post", "rounds.allocation", row(DENY, DENY, DONE, DONE, HIDE, DENY, DENY, LOGIN)),
    "rounds:choose": ("get", "rounds.open_student", row(OK, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, LOGIN)),
    # The yearly report: project leads and steering-group members (none among these people;
    # tests/yearly/test_access.py has them); only leads freeze a year.
    "yearly:list": ("get", None, LEADS_ONLY),
    "yearly:detail": ("get", "year", LEADS_ONLY),
    "yearly:assess": ("post", "criterion", row(DENY, DENY, DENY, DENY, DENY, DENY, DONE, LOGIN)),
    "yearly:freeze": ("post", "year", row(DENY, DENY, DENY, DENY, DENY, DENY, DONE, LOGIN)),
    # Satisfaction surveys: the link is the key, no sign-in (tests/surveys/test_answer.py has
    # unknown, expired and answered links); the results are in the leads' report only.
    "surveys:answer": ("get", "survey_token", EVERYONE),
    "surveys:thanks": ("get", None, EVERYONE),
    # The open data API: public data for everyone, signed in or not (no session is read;
    # tests/api has what never comes out).
    "api_v1:openapi-json": ("get", None, EVERYONE),
    "api_v1:openapi-view": ("get", None, EVERYONE),
    "api_v1:programme_list": ("get", None, EVERYONE),
    "api_v1:programme_detail": ("get", "programme", EVERYONE),
    "api_v1:course_list": ("get", None, EVERYONE),
    "api_v1:offer_list": ("get", None, EVERYONE),
    "api_v1:offer_detail": ("get", "open_offer", EVERYONE),
    "api_v1:partner_list": ("get", None, EVERYONE),
    "api_v1:partner_detail": ("get", "company", EVERYONE),
    "api_v1:area_list": ("get", None, EVERYONE),
    "api_v1:demand_supply": ("get", None, EVERYONE),
}  # fmt: skip

ACTION_DATA = {
    "placements:apply": lambda w: {"motivation": "Jag vill lära mig svarva och fräsa i CNC."},
    "placements:book": lambda w: {
        "slot": w["free_slot"].pk,
        "group_size": 18,
        "class_name": "TE22B",
        "teacher_contact": "maria@example.org",
    },
    "placements:decide": lambda w: {"decision": "accept", "message": "Välkommen till oss!"},
    "placements:slot_cancel": lambda w: {"message": "Maskinen har gått sönder, tyvärr."},
    "placements:agreement_age": lambda w: {"under_18": "no"},
    "yearly:assess": lambda w: {"c2-text": "Samverkansavtal med alla kommuner i länet."},
    "rounds:add_students": lambda w: {"students": [w["people"]["student2"].pk]},
    "rounds:add_offers": lambda w: {"all": "1"},
    "rounds:allocate": lambda w: {"confirm": "1"},
    "rounds:close": lambda w: {"confirm": "1"},
    "rounds:place": lambda w: {
        "allocation": w["round_allocation"].pk,
        "place": w["round_place"].pk,
        "reason": "Företaget bytte handledare; eleven tar platsen igen.",
    },
    "rounds:confirm_capacity": lambda w: {f"p{w['round_place'].pk}-capacity": "1"},
    "rounds:decline_student": lambda w: {"reason": "Ingen handledare den veckan."},
    "rounds:rank_applicants": lambda w: {f"rank_{w['round_choice'].pk}": "1"},
    "yearly:freeze": lambda w: {"confirm": "on"},
}

# Pages that write when shown (every other shown or refused page changes nothing), and why.
WRITES_WHEN_SHOWN = {
    "placements:student_profile": "a student's first visit makes their empty profile",
}

# The URL names the table does not hold, each with the reason.
EXCLUDED = {
    "admin:*": "Django admin: staff only, behind admin_view; its pages are tested per app",
    "account_*": "allauth's sign-in, sign-up and password pages (tests/accounts)",
    "mfa_*": "allauth's two-factor pages (tests/accounts)",
    "healthz": "the load balancer's health check, open by design (tests/test_health.py)",
    "healthz_live": "liveness probe, no I/O, open by design (tests/test_health.py)",
    "healthz_ready": "readiness probe, alias of healthz, open by design (tests/test_health.py)",
    "set_language": "Django's language switch, open by design (tests/accounts/test_language.py)",
    "api_root": "/api/ redirects to the API's documentation, open by design (tests/api/test_http.py)",
    "api_v1:api-root": "/api/v1/ redirects to the API's documentation (tests/api/test_http.py)",
    "api_v1:unknown": "any other address under /api/v1/ answers a JSON 404 (tests/api/test_http.py)",
}
# Excluded by a wildcard only where the view is allauth's: a portal view named like one of
# them must still have a row.
FOREIGN = {"account_*": "allauth.", "mfa_*": "allauth."}

CASES = [(name, person) for name in ACCESS for person in PEOPLE]


def target(world, kind, request):
    """The URL's arguments for what the row is about (preparing the state it needs)."""
    if kind is None:
        return ()
    if kind.startswith("rounds."):
        return round_target(world, kind)
    if kind in ("logo", "agreement"):
        file = request.getfixturevalue(kind)
        return ((file.document if kind == "agreement" else file).name,)
    if kind == "agreement_id":
        return (request.getfixturevalue("agreement").pk,)
    if kind in ("inventory_round", "inventory_answer"):
        inventory_round = InventoryRoundFactory(title="Behovsinventering 2026")
        inventory_round.asked.set([world["company"]])
        CompetenceAreaFactory(name_sv="CNC-svarvning")
        slug = (world["company"].slug,) if kind == "inventory_answer" else ()
        return (inventory_round.pk, *slug)
    if kind == "accepted":
        Application.objects.filter(pk=world["application"].pk).update(
            status=ApplicationStatus.ACCEPTED, decided_at=timezone.now()
        )
        return (world["application"].pk,)
    if kind == "placement_agreement":  # accepted, agreement filled in, risk assessed
        application = world["application"]
        Application.objects.filter(pk=application.pk).update(
            status=ApplicationStatus.ACCEPTED, decided_at=timezone.now()
        )
        agreement = PlacementAgreement.objects.create(
            application=application,
            supervisor_name="Anders Berg",
            supervisor_email="anders@example.org",
            **{item.value: True for item in RiskItem},
            risk_assessed_at=timezone.now(),
        )
        agreement.objectives.set([CourseFactory(name="Svarvning 1")])
        return (application.pk,)
    if kind == "area":
        return (CompetenceAreaFactory(name_sv="CNC-fräsning").pk,)
    if kind == "criterion":  # the yearly report's criterion 2 of this year
        return (timezone.localdate().year, 2)
    if kind == "survey_token":
        make_survey_invitation(world["company"], token="survey-token")
        return ("survey-token",)
    if kind == "unconfirmed":
        StudentProfile.objects.filter(pk=world["profile"].pk).update(
            school_confirmed_at=None, school_confirmed_by=None
        )
        return (world["profile"].pk,)
    by_key = {
        "company": world["company"].slug,
        "programme": world["programme"].slug,
        "token": world["token"],
        "profile_token": world["profile"].unsubscribe_token,
        "slot": world["booking"].slot_id,
        "year": timezone.localdate().year,
        "municipality": "Södertälje",
    }
    return (by_key[kind],) if kind in by_key else (world[kind].pk,)


def application_status(world):
    return Application.objects.get(pk=world["application"].pk).status


def profile(world):
    return StudentProfile.objects.get(pk=world["profile"].pk)


# URL name: did the allowed action make its change? (world, person, database state before)
DONE_WHEN = {
    "placements:offer_publish": lambda w, p, before: (
        Offer.objects.get(pk=w["draft"].pk).status == OfferStatus.PUBLISHED
    ),
    "placements:offer_close": lambda w, p, before: (
        Offer.objects.get(pk=w["offer"].pk).status == OfferStatus.CLOSED
    ),
    "placements:offer_copy": lambda w, p, before: (
        Offer.objects.count() == len(before["placements.Offer"]) + 1
    ),
    "placements:apply": lambda w, p, before: Application.objects.filter(
        offer=w["open_offer"], student=p
    ).exists(),
    "placements:decide": lambda w, p, before: application_status(w) == ApplicationStatus.ACCEPTED,
    "placements:complete": lambda w, p, before: (
        application_status(w) == ApplicationStatus.COMPLETED
    ),
    "placements:withdraw": lambda w, p, before: (
        application_status(w) == ApplicationStatus.WITHDRAWN
    ),
    "placements:book": lambda w, p, before: Booking.objects.filter(
        slot=w["free_slot"], booked_by=p, status=BookingStatus.CONFIRMED
    ).exists(),
    "placements:slot_cancel": lambda w, p, before: (
        Slot.objects.get(pk=w["booking"].slot_id).cancelled_at is not None
    ),
    "placements:booking_cancel": lambda w, p, before: (
        Booking.objects.get(pk=w["booking"].pk).status == BookingStatus.CANCELLED
    ),
    "placements:confirm_student": lambda w, p, before: profile(w).school_confirmed_by == p,
    "placements:agreement_age": lambda w, p, before: (
        not PlacementAgreement.objects.get(application=w["application"]).student_under_18
    ),
    "placements:agreement_start": lambda w, p, before: (
        PlacementAgreement.objects.get(application=w["application"]).started_by == p
    ),
    "placements:reject_student": lambda w, p, before: profile(w).school_id is None,
    "yearly:assess": lambda w, p, before: CriterionAssessment.objects.filter(
        criterion=2, written_by=p
    ).exists(),
    "yearly:freeze": lambda w, p, before: FrozenReport.objects.filter(frozen_by=p).exists(),
    "rounds:add_students": lambda w, p, before: w["round"].students.filter(
        student=w["people"]["student2"]
    ).exists(),
    "rounds:add_offers": lambda w, p, before: w["round"].places.exists(),
    "rounds:open": lambda w, p, before: Round.objects.filter(status=RoundStatus.OPEN).exists(),
    "rounds:allocate": lambda w, p, before: (
        Round.objects.get(pk=w["round"].pk).status == RoundStatus.ALLOCATED
    ),
    "rounds:close": lambda w, p, before: (
        Round.objects.get(pk=w["round"].pk).status == RoundStatus.CLOSED
    ),
    "rounds:place": lambda w, p, before: Allocation.objects.get(
        pk=w["round_allocation"].pk
    ).manual,
    "rounds:confirm_capacity": lambda w, p, before: RoundPlace.objects.filter(
        pk=w["round_place"].pk, capacity=1, confirmed_by=p
    ).exists(),
    "rounds:confirm_student": lambda w, p, before: (
        Allocation.objects.get(pk=w["round_allocation"].pk).status == AllocationStatus.CONFIRMED
    ),
    "rounds:rank_applicants": lambda w, p, before: (
        Choice.objects.get(pk=w["round_choice"].pk).company_rank == 1
    ),
    "rounds:decline_student": lambda w, p, before: (
        Allocation.objects.get(pk=w["round_allocation"].pk).status == AllocationStatus.DECLINED
    ),
}


def content(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def page_shows(name, response, world):
    """An allowed page shows what it is about."""
    body = content(response)
    files = {
        "placements:application_cv": ("application/pdf", b"%PDF-"),
        "staff_document": ("application/pdf", b"%PDF-"),
        "partners:agreement_document": ("application/pdf", b"%PDF-"),
        "public_media": ("image/png", b"\x89PNG"),
        "placements:booking_ics": ("text/calendar", b"BEGIN:VCALENDAR"),
        "placements:visit_calendar": ("text/calendar", b"BEGIN:VCALENDAR"),
        "placements:visit_calendar_company": ("text/calendar", b"BEGIN:VCALENDAR"),
        "placements:visit_calendar_municipality": ("text/calendar", b"BEGIN:VCALENDAR"),
        "placements:offer_feed": ("application/atom+xml", b"<?xml"),
        "sitemap": ("application/xml", b"<?xml"),
        "robots_txt": ("text/plain", b"User-agent: *"),
        "rounds:export_xlsx": ("application/vnd.openxmlformats", b"PK"),
    }
    if name in files:
        content_type, start = files[name]
        assert response["Content-Type"].startswith(content_type)
        assert body.startswith(start)
        return
    html = body.decode()
    shown = {
        "partners:detail": world["company"].name,
        "partners:edit_profile": world["company"].name,
        "partners:invite": world["company"].name,
        "partners:activity": world["company"].name,
        "partners:invitation": world["company"].name,
        "placements:invite_class": "TE22A",
        "placements:class_invitation": "TE22A",
        "programs:detail": world["programme"].name,
        "programs:matrix": world["programme"].name,
        "programs:supply": world["programme"].name,
        "programs:gap_area": "CNC-fräsning",
        "programs:requirement_edit": world["requirement"].title,
        "programs:inventory": "CNC-svarvning",
        "programs:inventory_answer": "CNC-svarvning",
        "placements:offer_detail": world["offer"].title,
        "placements:offer_edit": world["offer"].title,
        "placements:applicants": "Elsa Lindqvist",
        "placements:application_detail": world["application"].motivation,
        "placements:agreement": world["offer"].title,
        "placements:agreement_edit": "Elsa Lindqvist",
        "placements:agreement_assess": "Svarvning 1",
        "placements:agreement_conversation": world["offer"].title,
        "placements:agreement_attendance": world["offer"].title,
        "placements:offer_bookings": world["visit"].title,
        "placements:booking_detail": world["visit"].title,
        "yearly:list": "Årsrapport",
        "yearly:detail": "Regional samverkan",
        "surveys:answer": world["company"].name,
        "api_v1:programme_detail": world["programme"].name,
        "api_v1:offer_detail": world["open_offer"].title,
        "api_v1:partner_detail": world["company"].name,
    }
    if name in shown:
        assert shown[name] in html


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "person"), CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_access(client, request, world, name, person):
    method, kind, expected_by_person = ACCESS[name]
    expected = expected_by_person[person]
    address = url(name, *target(world, kind, request))
    user = world["people"][person]
    if user is not None:
        client.force_login(user)
    data = ACTION_DATA.get(name, lambda w: {})(world) if method == "post" else {}
    before = database_state()

    response = getattr(client, method)(address, data)

    if expected == DONE:
        assert response.status_code == 302, response.content[:500]
        assert not response["Location"].startswith(url("account_login"))
        assert DONE_WHEN[name](world, user, before)
        return
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(url("account_login"))
    else:
        assert response.status_code == expected
    if expected == OK:
        page_shows(name, response, world)
    if not (expected == OK and name in WRITES_WHEN_SHOWN):
        assert database_state() == before


def test_every_row_states_every_person_and_every_action_its_change():
    assert all(set(expected) == set(PEOPLE) for _m, _k, expected in ACCESS.values())
    for name, (method, _kind, expected) in ACCESS.items():
        assert (DONE in expected.values()) == (method == "post") == (name in DONE_WHEN), name


# --- Every URL has a row ----------------------------------------------------------------------


def named_urls(patterns=None, namespace=""):
    """(name with namespace, the view's dotted path) of every named URL, i18n_patterns and
    included URL configurations walked through."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name, pattern.lookup_str


def exclusion(name):
    return next((pattern for pattern in EXCLUDED if fnmatch(name, pattern)), None)


def test_every_url_of_the_portal_has_a_row_in_the_access_table():
    urls = dict(named_urls())
    portal = {name for name in urls if exclusion(name) is None}

    assert sorted(portal - set(ACCESS)) == [], "URLs without a row in ACCESS"
    assert sorted(set(ACCESS) - portal) == [], "rows of ACCESS for no (or an excluded) URL"


def test_exclusions_are_used_and_hide_no_portal_view():
    urls = dict(named_urls())
    for pattern in EXCLUDED:
        assert any(fnmatch(name, pattern) for name in urls), f"{pattern} matches no URL"
    for pattern, package in FOREIGN.items():
        for name, view in urls.items():
            if fnmatch(name, pattern):
                assert view.startswith(package), f"{name} is {view}, not {package}"
