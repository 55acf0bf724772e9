"""The evidence the portal held before the yearly report, registered per criterion: agreements
(2), steering groups and their meetings (3), programmes, intakes, seats and requirement
coverage (5), internships and study visits (8). Each is computed for the period's dates:
what was valid, sat, started or happened then, never what is true today.

Registered from this app's AppConfig.ready() (the other apps register their own evidence
from their hooks); the queries per table are fixed, whatever the amount of data."""

from datetime import timedelta

from django.db.models import Count, Prefetch, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from college_portal.registry import register_yearly_evidence
from college_portal.reports import Table
from partners.models import (
    Agreement,
    Meeting,
    OrganisationKind,
    SteeringGroup,
    SteeringGroupMember,
)
from partners.report import yes_no
from placements.models import (
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
from programs.models import CompetenceRequirement, Intake, Programme
from programs.services import coverage_for


def iso(day):
    return day.isoformat() if day else ""


def until_further_notice(day):
    return iso(day) if day else _("Until further notice")


# --- 2 Regional samverkan -----------------------------------------------------------------------


def agreements(period):
    # Samverkansavtal only: declarations of intent are the partners app's own table.
    valid = list(
        Agreement.objects.collaborations()
        .filter(valid_from__lte=period.end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=period.start))
        .select_related("organisation")
        .order_by("organisation__name", "valid_from", "pk")
    )
    per_kind = {}
    for agreement in valid:
        kind = agreement.organisation.get_kind_display()
        per_kind.setdefault(kind, set()).add(agreement.organisation_id)
    return [
        Table(
            _("Partnership agreements (samverkansavtal) valid during %(year)s")
            % {"year": period.year},
            [
                _("Party"),
                _("Kind"),
                _("Municipality"),
                _("Agreement"),
                _("Signed"),
                _("Valid from"),
                _("Valid to"),
            ],
            [
                [
                    a.organisation.name,
                    a.organisation.get_kind_display(),
                    a.organisation.municipality,
                    a.title,
                    iso(a.signed_on),
                    iso(a.valid_from),
                    until_further_notice(a.valid_to),
                ]
                for a in valid
            ],
        ),
        Table(
            _("Parties with a valid agreement during %(year)s, by kind") % {"year": period.year},
            [_("Kind"), _("Parties")],
            [[kind, len(parties)] for kind, parties in sorted(per_kind.items())],
        ),
    ]


# --- 3 Organisation och styrning --------------------------------------------------------------


def _rule_days(members, period):
    """The days of the period on which a group's composition can change, from the first day
    it had a member: the rule holds all year if it holds on each of them."""
    sitting = [m for m in members if period.overlaps(m.from_date, m.to_date)]
    if not sitting:
        return []
    first = max(period.start, min(m.from_date for m in sitting))
    days = {first}
    for m in sitting:
        if first < m.from_date <= period.end:
            days.add(m.from_date)
        if m.to_date is not None and first <= m.to_date < period.end:
            days.add(m.to_date + timedelta(days=1))
    return sorted(days)


def steering_groups(period):
    groups = list(
        SteeringGroup.objects.prefetch_related(
            Prefetch(
                "members",
                queryset=SteeringGroupMember.objects.select_related("organisation").order_by(
                    "-is_chair", "person_name"
                ),
            )
        ).order_by("level", "name")
    )
    meetings = list(
        Meeting.objects.filter(**period.date_q("date"))
        .select_related("group")
        .order_by("date", "group__name")
    )
    held = {}
    for meeting in meetings:
        held[meeting.group_id] = held.get(meeting.group_id, 0) + 1
    group_rows, member_rows = [], []
    for group in groups:
        members = group.members.all()
        sitting = [m for m in members if period.overlaps(m.from_date, m.to_date)]
        if not sitting and not held.get(group.pk):
            continue
        compositions = [group.composition(day) for day in _rule_days(members, period)]
        majority = bool(compositions) and all(c["company_majority"] for c in compositions)
        chair = bool(compositions) and all(c["company_chair"] for c in compositions)
        group_rows.append(
            [
                group.name,
                group.get_level_display(),
                len(sitting),
                sum(1 for m in sitting if m.organisation.kind == OrganisationKind.COMPANY),
                yes_no(majority),
                yes_no(chair),
                held.get(group.pk, 0),
            ]
        )
        member_rows.extend(
            [
                m.person_name,
                group.name,
                m.organisation.name,
                m.organisation.get_kind_display(),
                _("Yes") if m.is_chair else "",
                iso(m.from_date),
                until_further_notice(m.to_date),
            ]
            for m in sitting
        )
    return [
        Table(
            _("Steering groups in %(year)s (the rules: held on every day of the year)")
            % {"year": period.year},
            [
                _("Steering group"),
                _("Level"),
                _("Members during the year"),
                _("Of them companies"),
                _("Companies in majority"),
                _("Company chair"),
                _("Meetings held"),
            ],
            group_rows,
        ),
        Table(
            _("Steering-group members during %(year)s") % {"year": period.year},
            [
                _("Person"),
                _("Steering group"),
                _("Represents"),
                _("Kind"),
                _("Chair"),
                _("From"),
                _("To"),
            ],
            member_rows,
        ),
        Table(
            _("Steering-group meetings held in %(year)s") % {"year": period.year},
            [_("Date"), _("Steering group"), _("Minutes")],
            [[iso(m.date), m.group.name, _("Yes") if m.minutes else _("No")] for m in meetings],
        ),
    ]


# --- 5 Utbildningar och dimensionering ------------------------------------------------------


def programmes(period):
    intakes = list(
        Intake.objects.filter(**period.date_q("start_date"))
        .select_related("programme__provider")
        .order_by("start_date", "programme__name")
    )
    per_programme = {}
    for intake in intakes:
        entry = per_programme.setdefault(intake.programme.name, [0, 0])
        entry[0] += intake.seats
        entry[1] += 1
    # Requirements accepted by the end of the year; courses as the plans hold them when
    # computed (the portal keeps no history of plans: freezing the year keeps them).
    accepted = CompetenceRequirement.objects.accepted().filter(
        Q(decided_at__lt=period.end_datetime)
        | Q(decided_at__isnull=True, created_at__lt=period.end_datetime)
    )
    existing = list(
        Programme.objects.filter(created_at__lt=period.end_datetime)
        .select_related("provider")
        .prefetch_related(
            "plan__course",
            Prefetch("requirements", queryset=accepted.prefetch_related("coverage")),
        )
        .order_by("name")
    )
    coverage_rows = []
    for programme in existing:
        rows = coverage_for(programme, programme.requirements.all(), programme.plan.all())
        if not rows:
            continue
        gaps = sum(1 for row in rows if row["gap"])
        coverage_rows.append([programme.name, len(rows), len(rows) - gaps, gaps])
    return [
        Table(
            _("Intakes starting in %(year)s") % {"year": period.year},
            [_("Programme"), _("Provider"), _("Municipality"), _("Level"), _("Start"), _("Seats")],
            [
                [
                    i.programme.name,
                    i.programme.provider.name,
                    i.programme.municipality,
                    i.programme.get_level_display(),
                    iso(i.start_date),
                    i.seats,
                ]
                for i in intakes
            ],
        ),
        Table(
            _("Seats per programme, intakes starting in %(year)s") % {"year": period.year},
            [_("Programme"), _("Seats"), _("Intakes")],
            [[name, seats, count] for name, (seats, count) in sorted(per_programme.items())],
            chart=True,
        ),
        Table(
            _(
                "Competence requirements accepted by the end of %(year)s and the courses covering "
                "them"
            )
            % {"year": period.year},
            [_("Programme"), _("Accepted requirements"), _("Covered"), _("Gaps")],
            coverage_rows,
        ),
    ]


# --- 8 Arbetslivets medverkan i utbildningen -------------------------------------------------


def internship_offers(period):
    """Internships published by the end of the period whose period of work meets it (one
    without dates: in the year it was published)."""
    published = Coalesce(TruncDate("published_at"), TruncDate("created_at"))
    return (
        Offer.objects.filter(kind=OfferKind.INTERNSHIP)
        .exclude(status=OfferStatus.DRAFT)
        .annotate(
            published_on=published,
            first_day=Coalesce("period_start", "period_end", published),
            last_day=Coalesce("period_end", "period_start", published),
        )
        .filter(
            published_on__lte=period.end,
            first_day__lte=period.end,
            last_day__gte=period.start,
        )
    )


def _totals(rows, label):
    if not rows:
        return rows
    return [*rows, [label, *(sum(r[i] for r in rows) for i in range(1, len(rows[0])))]]


def internships(period):
    offers = internship_offers(period)
    per_company = {
        r["organisation__name"]: [r["offers"], r["places"] or 0, 0, 0]
        for r in offers.values("organisation__name")
        .annotate(offers=Count("pk"), places=Sum("places"))
        .order_by()
    }
    filled = (
        Application.objects.filter(offer__in=offers.values("pk"), status__in=FILLED)
        .annotate(decided=Coalesce("decided_at", "submitted_at"))
        .filter(decided__lt=period.end_datetime)
        .values_list("offer__organisation__name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for name, n in filled:
        per_company.setdefault(name, [0, 0, 0, 0])[2] = n
    completed = (
        Application.objects.filter(
            offer__kind=OfferKind.INTERNSHIP,
            status=ApplicationStatus.COMPLETED,
            **period.datetime_q("completed_at"),
        )
        .values_list("offer__organisation__name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for name, n in completed:
        per_company.setdefault(name, [0, 0, 0, 0])[3] = n
    rows = [[name, *figures] for name, figures in sorted(per_company.items())]
    return [
        Table(
            _("Internships (praktikplatser) in %(year)s, per company") % {"year": period.year},
            [
                _("Company"),
                _("Offers"),
                _("Places offered"),
                _("Places filled"),
                pgettext("column", "Completed in the year"),
            ],
            _totals(rows, _("Total")),
        )
    ]


def study_visits(period):
    slots = Slot.objects.filter(
        offer__kind=OfferKind.STUDY_VISIT,
        cancelled_at__isnull=True,
        **period.datetime_q("starts_at"),
    ).exclude(offer__status=OfferStatus.DRAFT)
    per_company = {
        r["offer__organisation__name"]: [r["times"], r["capacity"] or 0, 0, 0]
        for r in slots.values("offer__organisation__name")
        .annotate(times=Count("pk"), capacity=Sum("capacity"))
        .order_by()
    }
    booked = (
        Booking.objects.filter(slot__in=slots.values("pk"), status=BookingStatus.CONFIRMED)
        .values_list("slot__offer__organisation__name")
        .annotate(visitors=Sum("group_size"), bookings=Count("pk"))
        .order_by()
    )
    for name, visitors, bookings in booked:
        entry = per_company.setdefault(name, [0, 0, 0, 0])
        entry[2], entry[3] = visitors or 0, bookings
    rows = [[name, *figures] for name, figures in sorted(per_company.items())]
    return [
        Table(
            _("Study visits (studiebesök) in %(year)s, per host") % {"year": period.year},
            [
                _("Host"),
                _("Times"),
                _("Places offered"),
                _("Visitors (places booked)"),
                _("Confirmed bookings"),
            ],
            _totals(rows, _("Total")),
        )
    ]


def register():
    register_yearly_evidence(2, agreements, order=10)
    register_yearly_evidence(3, steering_groups, order=10)
    register_yearly_evidence(5, programmes, order=10)
    register_yearly_evidence(8, internships, order=10)
    register_yearly_evidence(8, study_visits, order=20)
