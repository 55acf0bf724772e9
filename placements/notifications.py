"""Who hears about what in placements; every event has one key, so it is sent once."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone, translation

from college_portal.accounts.models import User
from college_portal.notifications.services import notify, notify_many

from .models import Booking, BookingStatus
from .selectors import WeeksOffers, booking_place, booking_with_school

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _path(user, name, *args):
    with translation.override(user.language):
        return reverse(name, args=args)


def _representatives(organisation_id):
    return User.objects.filter(memberships__organisation_id=organisation_id, is_active=True)


def _notify_representatives(offer, *, kind, event, url_name, url_arg, **context):
    """One notification per active representative of the offer's organisation and event;
    returns how many representatives there are."""
    reps = list(_representatives(offer.organisation_id))
    for rep in reps:
        notify(
            kind=kind,
            event_key=f"{event}:{rep.pk}",
            email=rep.email,
            recipient=rep,
            context={"offer": offer.title, "path": _path(rep, url_name, url_arg), **context},
        )
    return len(reps)


def application_received(application):
    _notify_representatives(
        application.offer,
        kind="application_received",
        event=f"application-received:{application.pk}",
        url_name="placements:application_detail",
        url_arg=application.pk,
        student=application.student.get_full_name(),
    )


def application_withdrawn(application, was_accepted):
    _notify_representatives(
        application.offer,
        kind="application_withdrawn",
        event=f"application-withdrawn:{application.pk}",
        url_name="placements:applicants",
        url_arg=application.offer_id,
        student=application.student.get_full_name(),
        was_accepted=was_accepted,
    )


def decision(application, change):
    student = application.student
    notify(
        kind="application_decision",
        event_key=f"application-decision:{change.pk}",
        email=student.email,
        recipient=student,
        context={
            "offer": application.offer.title,
            "organisation": application.offer.organisation.name,
            "status": application.status,
            "message": application.decision_message,
            "path": _path(student, "placements:application_detail", application.pk),
        },
    )


def _booking_context(booking, user):
    slot = booking.slot
    return {
        "booking_id": booking.pk,
        "offer_kind": slot.offer.kind,
        "place": booking_place(booking),
        "offer": slot.offer.title,
        "organisation": slot.offer.organisation.name,
        "address": slot.offer.address,
        "municipality": slot.offer.municipality,
        # For reading, in Stockholm time: "2026-12-02 09:00" (the database's time is UTC).
        "starts_at": slot.starts_at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M"),
        "group_size": booking.group_size,
        "class_name": booking.class_name,
        "path": _path(user, "placements:booking_detail", booking.pk),
    }


def booking_confirmed(booking):
    user = booking.booked_by
    notify(
        kind="booking_confirmed",
        event_key=f"booking-confirmed:{booking.pk}",
        email=user.email,
        recipient=user,
        context=_booking_context(booking, user),
    )


def _booking_for_host(booking):
    """What the host reads about a booking: when, who, from which school, how many."""
    booking = booking_with_school(booking.pk)
    return booking, {
        "offer_kind": booking.slot.offer.kind,
        "starts_at": booking.slot.starts_at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M"),
        "booker": booking.booked_by.get_full_name(),
        "school": booking.school_name or "",
        "class_name": booking.class_name,
        "group_size": booking.group_size,
        "contact": booking.teacher_contact,
    }


def _tell_host(booking, kind):
    """Each representative of the host hears of the booking event `kind` once."""
    booking, context = _booking_for_host(booking)
    _notify_representatives(
        booking.slot.offer,
        kind=kind,
        event=f"{kind.replace('_', '-')}:{booking.pk}",
        url_name="placements:offer_bookings",
        url_arg=booking.slot.offer_id,
        **context,
    )


def booking_received(booking):
    _tell_host(booking, "booking_received")


def booking_cancelled(booking):
    """A booker cancelled: the places are free for others again."""
    _tell_host(booking, "booking_cancelled")


def slot_cancelled(booking):
    """The host cancelled the time: its booker hears once, with the host's message."""
    user = booking.booked_by
    notify(
        kind="slot_cancelled",
        event_key=f"slot-cancelled:{booking.slot_id}:{booking.pk}",
        email=user.email,
        recipient=user,
        context={
            **_booking_context(booking, user),
            "message": booking.slot.cancellation_message,
        },
    )


def remind_study_visits(*, now=None):
    """The day before a booked time (a study visit, guest lecture or teacher placement),
    remind each booker once."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    bookings = Booking.objects.filter(
        status=BookingStatus.CONFIRMED, slot__starts_at__date=tomorrow
    ).select_related("slot__offer__organisation", "booked_by")
    count = 0
    for booking in bookings:
        user = booking.booked_by
        notify(
            kind="study_visit_reminder",
            event_key=f"study-visit-reminder:{booking.pk}:{booking.slot.starts_at.date()}",
            email=user.email,
            recipient=user,
            context=_booking_context(booking, user),
        )
        count += 1
    return count


def booking_ics(notification):
    """The .ics of the booking a notification is about (made at send time, in Europe/Stockholm)."""
    from .calendar import booking_calendar

    booking = (
        Booking.objects.select_related("slot__offer__organisation")
        .filter(pk=notification.context.get("booking_id"))
        .first()
    )
    if booking is None:
        return []
    with translation.override(notification.language):
        content = booking_calendar(booking, base_url=notification.context.get("base_url"))
        return [(f"{booking.slot.offer.kind.replace('_', '-')}.ics", content, "text/calendar")]


def report_passed_deadlines(*, today=None):
    """The day after an offer's deadline, tell its representatives about undecided applicants."""
    from .models import UNDECIDED, Offer, OfferStatus

    today = today or timezone.localdate()
    offers = (
        Offer.objects.filter(
            status=OfferStatus.PUBLISHED,
            application_deadline__lt=today,
            applications__status__in=UNDECIDED,
        )
        .distinct()
        .select_related("organisation")
    )
    count = 0
    for offer in offers:
        count += _notify_representatives(
            offer,
            kind="deadline_passed",
            event=f"deadline-passed:{offer.pk}:{offer.application_deadline}",
            url_name="placements:applicants",
            url_arg=offer.pk,
            undecided=offer.applications.filter(status__in=UNDECIDED).count(),
            deadline=offer.application_deadline.isoformat(),
        )
    return count


def send_weekly_digests(*, now=None):
    """Each subscribed student gets at most one digest a week, only with matching new offers.

    This week's offers are read once and matched in memory (`WeeksOffers`); the outbox rows
    are written in batches (`notify_many`): the cost grows with students, not students ×
    offers."""
    from .models import StudentProfile

    now = now or timezone.now()
    year, week, _day = timezone.localdate(now).isocalendar()
    weeks = WeeksOffers(since=now - timedelta(days=7))
    if not weeks.offers:
        return 0
    paths = {}  # (language, offer id) → path: one reverse per offer and language

    def path(user, offer):
        key = (user.language, offer.pk)
        if key not in paths:
            paths[key] = _path(user, "placements:offer_detail", offer.pk)
        return paths[key]

    digests = []
    profiles = (
        StudentProfile.objects.filter(digest=True, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    for profile in profiles.iterator(chunk_size=2000):
        offers = weeks.for_profile(profile)
        if not offers:
            continue
        user = profile.user
        digests.append(
            {
                "kind": "offer_digest",
                "event_key": f"offer-digest:{user.pk}:{year}-W{week:02d}",
                "email": user.email,
                "recipient": user,
                "context": {
                    "offers": [
                        {
                            "title": o.title,
                            "organisation": o.organisation.name,
                            "kind": o.kind,
                            "municipality": o.municipality,
                            "path": path(user, o),
                        }
                        for o in offers
                    ],
                    "unsubscribe_path": _path(
                        user, "placements:unsubscribe", profile.unsubscribe_token
                    ),
                },
            }
        )
    notify_many(digests)
    return len(digests)
