"""The placements section of the partnership report (offers, places, applications over time),
and placements' evidence for the yearly report."""

from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from college_portal.reports import Section, Table

from .models import (
    FILLED,
    Application,
    ApplicationStatus,
    Booking,
    BookingStatus,
    Offer,
    OfferKind,
    OfferStatus,
    Slot,
)
from .selectors import booker_school


def placements_section():
    internships = Offer.objects.filter(kind=OfferKind.INTERNSHIP).exclude(status="draft")
    per_company = (
        internships.values("organisation__name")
        .annotate(
            offers=Count("pk", distinct=True),
            places=Sum("places"),
        )
        .order_by("organisation__name")
    )
    filled = dict(
        Application.objects.filter(status__in=FILLED)
        .values_list("offer__organisation__name")
        .annotate(n=Count("pk"))
    )
    completed = dict(
        Application.objects.filter(status=ApplicationStatus.COMPLETED)
        .values_list("offer__organisation__name")
        .annotate(n=Count("pk"))
    )
    per_municipality = (
        internships.values("municipality")
        .annotate(offers=Count("pk"), places=Sum("places"))
        .order_by("municipality")
    )
    filled_by_municipality = dict(
        Application.objects.filter(status__in=FILLED)
        .values_list("offer__municipality")
        .annotate(n=Count("pk"))
    )
    visits = (
        Slot.objects.filter(offer__kind=OfferKind.STUDY_VISIT)
        .exclude(offer__status="draft")
        .values("offer__organisation__name")
        .annotate(capacity=Sum("capacity"), taken=Sum("places_taken"))
        .order_by("offer__organisation__name")
    )
    months = (
        Application.objects.annotate(month=TruncMonth("submitted_at"))
        .values("month")
        .annotate(n=Count("pk"), accepted=Count("pk", filter=Q(status__in=FILLED)))
        .order_by("month")
    )
    return Section(
        key="placements",
        title=_("Internships and study visits"),
        tables=[
            Table(
                _("Internship places per company"),
                [_("Company"), _("Places offered"), _("Offers"), _("Filled"), pgettext("column", "Completed")],
                [
                    [
                        r["organisation__name"],
                        r["places"] or 0,
                        r["offers"],
                        filled.get(r["organisation__name"], 0),
                        completed.get(r["organisation__name"], 0),
                    ]
                    for r in per_company
                ],
                chart=True,
            ),
            Table(
                _("Internship places per municipality"),
                [_("Municipality"), _("Places offered"), _("Offers"), _("Filled")],
                [
                    [
                        r["municipality"],
                        r["places"] or 0,
                        r["offers"],
                        filled_by_municipality.get(r["municipality"], 0),
                    ]
                    for r in per_municipality
                ],
                chart=True,
            ),
            Table(
                _("Study visits per company"),
                [_("Company"), _("Places offered"), _("Places booked")],
                [
                    [r["offer__organisation__name"], r["capacity"] or 0, r["taken"] or 0]
                    for r in visits
                ],
                chart=True,
            ),
            Table(
                _("Applications over time"),
                [_("Month"), _("Applications"), pgettext("column", "Accepted")],
                [
                    [r["month"].strftime("%Y-%m") if r["month"] else "", r["n"], r["accepted"]]
                    for r in months
                ],
                chart=True,
            ),
        ],
    )


# --- the yearly report, criterion 8 (Arbetslivets medverkan i utbildningen) --------------------


def _times_held(kind, period):
    """The times of `kind` in `period` (Stockholm days) that someone had booked and the host did
    not cancel, earliest first, each with its confirmed bookings, people and schools. Two
    queries, however many times."""
    confirmed = Q(bookings__status=BookingStatus.CONFIRMED)
    slots = list(
        Slot.objects.filter(
            offer__kind=kind,
            cancelled_at__isnull=True,
            starts_at__date__gte=period.start,
            starts_at__date__lte=period.end,
        )
        .exclude(offer__status=OfferStatus.DRAFT)
        .annotate(
            booked=Count("bookings", filter=confirmed),
            people=Sum("bookings__group_size", filter=confirmed),
        )
        .filter(booked__gt=0)
        .select_related("offer__organisation")
        .order_by("starts_at", "pk")
    )
    schools = defaultdict(set)
    bookings = (
        Booking.objects.filter(slot__in=[s.pk for s in slots], status=BookingStatus.CONFIRMED)
        .annotate(school_name=booker_school())
        .values_list("slot_id", "school_name")
    )
    for slot_id, school in bookings:
        if school:
            schools[slot_id].add(school)
    return [
        [
            timezone.localtime(slot.starts_at).strftime("%Y-%m-%d %H:%M"),
            slot.offer.organisation.name,
            slot.offer.title,
            ", ".join(sorted(schools[slot.pk])),
            slot.booked,
            slot.people or 0,
        ]
        for slot in slots
    ]


def guest_lectures_and_teacher_placements(period):
    """Guest lectures and teacher placements held in `period`: each booked time with its host,
    the schools, bookings and people (students of the class; teachers), and the totals."""
    tables = []
    for kind, caption, people in (
        (
            OfferKind.GUEST_LECTURE,
            _("Guest lectures (gästföreläsningar) in %(year)s"),
            _("Students"),
        ),
        (
            OfferKind.TEACHER_PLACEMENT,
            _("Teacher placements (lärarpraktik) in %(year)s"),
            _("Teachers"),
        ),
    ):
        rows = _times_held(kind, period)
        total = [_("Total"), "", "", "", sum(r[4] for r in rows), sum(r[5] for r in rows)]
        tables.append(
            Table(
                caption % {"year": period.year},
                [_("Time"), _("Company"), _("Title"), _("Schools"), _("Bookings"), people],
                [*rows, total],
            )
        )
    return tables
