"""Reads that pages compose: what a person sees of offers, applications and bookings.

Views, sections and notifications ask these; the rules of state changes live in services.py.
"""

from collections import defaultdict

from django.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from college_portal.accounts.models import User
from partners.models import Membership, Organisation, OrganisationKind
from programs.models import Programme

from .models import (
    FILLED,
    MAX_APPLICATION_ATTEMPTS,
    UNDECIDED,
    Application,
    ApplicationStatus,
    Booking,
    BookingStatus,
    ClassInvitation,
    Offer,
    OfferStatus,
    StudentProfile,
)


def application_state(*, student, offer):
    """A student's standing on an internship: their latest application (or None), and whether
    they may apply now (open offer, no live application, a new try left after withdrawing)."""
    applications = list(
        Application.objects.filter(offer=offer, student=student).order_by("-attempt")
    )
    latest = applications[0] if applications else None
    can_apply = offer.takes_applications and (
        latest is None
        or (
            latest.status == ApplicationStatus.WITHDRAWN
            and len(applications) < MAX_APPLICATION_ATTEMPTS
        )
    )
    return {"application": latest, "can_apply": can_apply}


# --- offers recommended to a student ----------------------------------------------------------


def offers_taken_up_by(user_id):
    """A condition on offers: the student already has it — an application in any status but
    withdrawn (after withdrawing they may apply once more), or a confirmed booking on one of
    its times (a cancelled booking may be booked again)."""
    applied = Application.objects.filter(offer=OuterRef("pk"), student_id=user_id).exclude(
        status=ApplicationStatus.WITHDRAWN
    )
    booked = Booking.objects.filter(
        slot__offer=OuterRef("pk"), booked_by_id=user_id, status=BookingStatus.CONFIRMED
    )
    return Q(Exists(applied)) | Q(Exists(booked))


def matching_offers(profile):
    """Open offers that match what the student told (programme, municipality, kind of
    interest; each only when given) and that they have not already taken up; never what
    school staff alone book."""
    offers = Offer.objects.open_for_application().for_students()
    if profile.programme_id:
        offers = offers.filter(programmes=profile.programme_id)
    if profile.municipality:
        offers = offers.filter(municipality=profile.municipality)
    if profile.interest_kind:
        offers = offers.filter(kind=profile.interest_kind)
    return (
        offers.exclude(offers_taken_up_by(profile.user_id))
        .select_related("organisation")
        .distinct()
        .order_by("-published_at")
    )


DIGEST_OFFERS = 20


class WeeksOffers:
    """`matching_offers`' rule in memory, for the weekly digest of thousands of students: this
    week's new open offers are read once (with their programmes and who already has them), and
    each student is matched without a query. A test holds both to the same answers."""

    def __init__(self, since):
        self.offers = list(
            Offer.objects.open_for_application()
            .for_students()
            .filter(published_at__gte=since)
            .select_related("organisation")
            .prefetch_related(Prefetch("programmes", queryset=Programme.objects.only("pk")))
            .order_by("-published_at")
        )
        ids = [offer.pk for offer in self.offers]
        self.programmes = {o.pk: {p.pk for p in o.programmes.all()} for o in self.offers}
        self.taken = defaultdict(set)
        applied = (
            Application.objects.filter(offer_id__in=ids)
            .exclude(status=ApplicationStatus.WITHDRAWN)
            .values_list("student_id", "offer_id")
        )
        booked = Booking.objects.filter(
            slot__offer_id__in=ids, status=BookingStatus.CONFIRMED
        ).values_list("booked_by_id", "slot__offer_id")
        for user_id, offer_id in (*applied, *booked):
            self.taken[user_id].add(offer_id)

    def for_profile(self, profile):
        taken = self.taken.get(profile.user_id, ())
        return [
            offer
            for offer in self.offers
            if offer.pk not in taken
            and (not profile.programme_id or profile.programme_id in self.programmes[offer.pk])
            and (not profile.municipality or offer.municipality == profile.municipality)
            and (not profile.interest_kind or offer.kind == profile.interest_kind)
        ][:DIGEST_OFFERS]


def dashboard_offers_for(profile):
    """The student dashboard's "Offers for you"."""
    return list(matching_offers(profile)[:10])


# --- an internship's applicants ---------------------------------------------------------------

# Undecided first, then wait-listed, accepted, the rest.
_NEEDING_DECISION_FIRST = Case(
    When(status=ApplicationStatus.SUBMITTED, then=Value(0)),
    When(status=ApplicationStatus.WAITLISTED, then=Value(1)),
    When(status=ApplicationStatus.ACCEPTED, then=Value(2)),
    default=Value(3),
)


def applicants(offer):
    """An internship's applications for its organisation, needing a decision first, each with
    `placed_elsewhere`: the student holds a place elsewhere for an overlapping period."""
    rows = offer.applications.select_related("student")
    if offer.period_start and offer.period_end:
        elsewhere = Application.objects.filter(
            student=OuterRef("student"),
            status__in=FILLED,
            offer__period_start__lte=offer.period_end,
            offer__period_end__gte=offer.period_start,
        ).exclude(offer=offer)
        rows = rows.annotate(placed_elsewhere=Exists(elsewhere))
    else:
        rows = rows.annotate(placed_elsewhere=Value(False))
    return rows.order_by(_NEEDING_DECISION_FIRST, "submitted_at")


# --- a school and its students ----------------------------------------------------------------


def staff_schools(user):
    """The schools `user` works at: school organisations they are a member of, when their role
    is school staff. Only these schools' staff confirm students and see their applications."""
    if not (user.is_authenticated and user.is_school_staff):
        return Organisation.objects.none()
    return Organisation.objects.filter(kind=OrganisationKind.SCHOOL, memberships__user=user)


def school_students(user):
    """The students whose link to one of `user`'s schools a staff member has confirmed. A school
    chosen by the student alone shows nothing to the school: the one rule behind the school
    dashboard and `ApplicationQuerySet.visible_to`."""
    return User.objects.filter(
        student_profile__school__in=staff_schools(user),
        student_profile__school_confirmed_at__isnull=False,
    )


def school_applications(user):
    """The applications of `user`'s schools' confirmed students, newest first."""
    return (
        Application.objects.filter(student__in=school_students(user))
        .select_related("student", "offer__organisation")
        .order_by("-submitted_at")
    )


def students_awaiting_confirmation(user):
    """Profiles naming one of `user`'s schools that nobody there has confirmed yet."""
    return (
        StudentProfile.objects.filter(
            school__in=staff_schools(user), school_confirmed_at__isnull=True
        )
        .select_related("user", "programme", "school")
        .order_by("user__full_name", "user__email")
    )


def inviting_schools(user):
    """The schools `user` invites classes to: active school organisations they act for
    (`Organisation.acted_for_by`), when their role is school staff."""
    if not (user.is_authenticated and user.is_school_staff):
        return Organisation.objects.none()
    return Organisation.objects.acted_for_by(user).filter(kind=OrganisationKind.SCHOOL)


INVITATIONS_SHOWN = 50


def class_invitations_sent(user, limit=INVITATIONS_SHOWN):
    """The newest class invitations of `user`'s schools (bounded), and how many there are."""
    sent = ClassInvitation.objects.filter(school__in=inviting_schools(user))
    rows = list(sent.select_related("school", "accepted_by").order_by("-created_at", "-pk")[:limit])
    return rows, len(rows) if len(rows) < limit else sent.count()


# --- the bookings of an offer booked on times, for its host ---------------------------------------------------


def hosted_offers(user):
    """Offers whose bookings `user` may see: those of the organisations they act for, and
    every offer for project leads."""
    return Offer.objects.filter(
        organisation__in=Organisation.objects.acted_for_by(user, leads=True)
    )


def booker_school():
    """The school a booking comes from, as an annotation: a student's school from their
    profile, school staff's from their membership of a school organisation."""
    staff_school = (
        Membership.objects.filter(
            user=OuterRef("booked_by"), organisation__kind=OrganisationKind.SCHOOL
        )
        .order_by("pk")
        .values("organisation__name")[:1]
    )
    return Coalesce("booked_by__student_profile__school__name", Subquery(staff_school))


def booking_with_school(booking_id):
    """One booking with `school_name`, its time, offer and booker (for e-mail to the host)."""
    return (
        Booking.objects.select_related("slot__offer__organisation", "booked_by")
        .annotate(school_name=booker_school())
        .get(pk=booking_id)
    )


def booking_place(booking):
    """Where a booked time happens, when not at the offer's address: a guest lecture at the
    booker's school (its name, "" when unknown)."""
    if not booking.slot.offer.held_at_school:
        return ""
    return (
        Booking.objects.filter(pk=booking.pk)
        .annotate(school_name=booker_school())
        .values_list("school_name", flat=True)
        .first()
        or ""
    )


def bookings_by_slot(offer):
    """A booked offer's times, earliest first, each with `confirmed`: its confirmed bookings
    (booker, `school_name`, class, group size, contact, booked at) in booking order, and
    `cancelled_count`: how many were cancelled. Two queries, however many times and bookings."""
    slots = list(
        offer.slots.annotate(
            cancelled_count=Count("bookings", filter=Q(bookings__status=BookingStatus.CANCELLED))
        ).order_by("starts_at")
    )
    by_id = {slot.pk: slot for slot in slots}
    for slot in slots:
        slot.confirmed = []
    bookings = (
        Booking.objects.filter(slot__offer=offer, status=BookingStatus.CONFIRMED)
        .select_related("booked_by")
        .annotate(school_name=booker_school())
        .order_by("created_at", "pk")
    )
    for booking in bookings:
        by_id[booking.slot_id].confirmed.append(booking)
    return slots


# --- an internship's places ---------------------------------------------------------------------


def places_left(offer, filled=None):
    """Internship places not yet taken; `filled` when the caller has already counted them."""
    if filled is None:
        filled = offer.applications.filter(status__in=FILLED).count()
    return max(0, offer.places - filled)


def first_waitlisted(offer):
    return (
        offer.applications.filter(status=ApplicationStatus.WAITLISTED)
        .order_by("decided_at", "submitted_at")
        .first()
    )


def overlapping_placements(application):
    """The student's other places (accepted or completed) whose period overlaps this offer's."""
    offer = application.offer
    if not (offer.period_start and offer.period_end):
        return Application.objects.none()
    return (
        Application.objects.filter(
            student_id=application.student_id,
            status__in=FILLED,
            offer__period_start__lte=offer.period_end,
            offer__period_end__gte=offer.period_start,
        )
        .exclude(pk=application.pk)
        .select_related("offer__organisation")
    )


# --- dashboards and page sections ---------------------------------------------------------------

# Rows a dashboard list shows; the rest are counted.
DASHBOARD_ROWS = 50
DASHBOARD_OFFERS = 25

# Published first, then drafts being prepared, then closed ones.
_STATUS_ORDER = Case(
    When(status=OfferStatus.PUBLISHED, then=Value(0)),
    When(status=OfferStatus.DRAFT, then=Value(1)),
    default=Value(2),
)


def open_offers(limit=10, **filters):
    """Offers open now, newest first: the panels on the home, programme and partner pages."""
    return list(
        Offer.objects.open_for_application()
        .filter(**filters)
        .select_related("organisation")
        .distinct()
        .order_by("-published_at")[:limit]
    )


def student_overview(user):
    """A student's dashboard: profile, applications (latest first), coming bookings."""
    profile = StudentProfile.objects.filter(user=user).select_related("programme", "school").first()
    applications = list(
        Application.objects.filter(student=user)
        .select_related("offer__organisation")
        .order_by("-submitted_at")[:DASHBOARD_ROWS]
    )
    bookings = list(
        Booking.objects.filter(
            booked_by=user, status=BookingStatus.CONFIRMED, slot__starts_at__gte=timezone.now()
        ).select_related("slot__offer__organisation")[:DASHBOARD_ROWS]
    )
    matching = []
    if profile and (profile.programme_id or profile.municipality):
        matching = dashboard_offers_for(profile)
    return {
        "profile": profile,
        "applications": applications,
        "bookings": bookings,
        "matching": matching,
    }


def _count_per_offer(queryset):
    """A correlated COUNT for each offer row: uses the offer index, no GROUP BY of offers."""
    counted = queryset.filter(offer=OuterRef("pk")).order_by().values("offer")
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0)


def representative_offers(user):
    """The offers a representative's organisations run, those with the most applications to
    decide first, with their counts; and how many there are in all. Only the shown rows are
    counted in full, so the cost does not grow with the organisation's history."""
    mine = Offer.objects.managed_by(user)
    offers = list(
        mine.select_related("organisation")
        .annotate(
            undecided=_count_per_offer(Application.objects.filter(status__in=UNDECIDED)),
            # How many there are in all, in the same query (counted before the LIMIT): the
            # page runs as many queries for an organisation with 3 offers as with 3,000.
            in_all=Window(Count("pk")),
        )
        .order_by("-undecided", _STATUS_ORDER, "-created_at")[:DASHBOARD_OFFERS]
    )
    ids = [offer.pk for offer in offers]
    counts = {
        row["offer"]: row
        for row in Application.objects.filter(offer__in=ids)
        .values("offer")
        .annotate(filled=Count("pk", filter=Q(status__in=FILLED)), total=Count("pk"))
    }
    booked = dict(
        Booking.objects.filter(slot__offer__in=ids, status=BookingStatus.CONFIRMED)
        .values("slot__offer")
        .annotate(n=Count("pk"))
        .values_list("slot__offer", "n")
    )
    for offer in offers:
        row = counts.get(offer.pk, {})
        offer.filled, offer.total = row.get("filled", 0), row.get("total", 0)
        offer.bookings = booked.get(offer.pk, 0)
    return {"offers": offers, "total": offers[0].in_all if offers else 0}


def school_overview(user):
    """A school staff member's dashboard: their bookings, their confirmed students'
    applications, and the students waiting for the school's confirmation."""
    bookings = list(
        Booking.objects.filter(booked_by=user)
        .select_related("slot__offer__organisation")
        .order_by("-slot__starts_at")[:DASHBOARD_ROWS]
    )
    applications = list(school_applications(user)[:DASHBOARD_ROWS])
    awaiting = students_awaiting_confirmation(user)
    waiting = list(awaiting[:DASHBOARD_ROWS])
    return {
        "bookings": bookings,
        "applications": applications,
        "waiting": waiting,
        "waiting_total": len(waiting) if len(waiting) < DASHBOARD_ROWS else awaiting.count(),
    }
