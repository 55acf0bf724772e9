"""Who is asked after which event (the daily job), the link's token, and answering once."""

import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from college_portal.notifications.services import notify
from partners.models import Membership, hash_token

from .models import EventKind, RespondentKind, SurveyAnswer, SurveyInvitation

# How long a survey link works.
SURVEY_VALIDITY = timedelta(days=60)
# Events that ended longer ago are not surveyed (a first run does not ask about old years).
LOOKBACK = timedelta(days=30)


class SurveyClosed(Exception):
    """The link cannot take an answer (answered or expired); the message is for its holder."""

    def __init__(self, status):
        super().__init__(status)
        self.status = status  # "answered" or "expired"


def find_invitation(token):
    """The invitation of `token`, or None for an unknown or altered link."""
    if not token or len(token) > 100:
        return None
    return SurveyInvitation.objects.filter(token_hash=hash_token(token)).first()


def check_open(invitation):
    if invitation.answered_at is not None:
        raise SurveyClosed("answered")
    if invitation.is_expired:
        raise SurveyClosed("expired")


def submit_answer(*, invitation_id, scores, comment):
    """Store the one answer of an invitation. The invitation row is locked, so a second
    submission (a double click, two tabs) waits and then finds it answered; the one-to-one
    answer → invitation is the database's guarantee. Raises SurveyClosed."""
    try:
        with transaction.atomic():
            invitation = SurveyInvitation.objects.select_for_update().get(pk=invitation_id)
            check_open(invitation)
            answer = SurveyAnswer.objects.create(
                invitation=invitation,
                event_kind=invitation.event_kind,
                respondent_kind=invitation.respondent_kind,
                programme_id=invitation.programme_id,
                organisation_id=invitation.organisation_id,
                event_date=invitation.event_date,
                comment=comment,
                **scores,
            )
            invitation.answered_at = timezone.now()
            invitation.save(update_fields=["answered_at"])
    except IntegrityError as error:  # answered meanwhile
        raise SurveyClosed("answered") from error
    return answer


# --- the daily job ---------------------------------------------------------------------------


def send_survey_invitations(now=None):
    """Invite everyone concerned by events that ended within LOOKBACK: completed placements
    (the student, the offer's contact person, the student's confirmed school's staff) and study
    visits whose time has ended (each confirmed booker, the host's contact person, and the
    confirmed school's staff of a student who booked). Each person and event gets one
    invitation and one mail, however often this runs. Returns how many were created."""
    from placements.models import (
        Application,
        ApplicationStatus,
        Booking,
        BookingStatus,
        OfferKind,
        StudentProfile,
    )

    now = now or timezone.now()
    since = now - LOOKBACK
    created = 0
    applications = Application.objects.filter(
        status=ApplicationStatus.COMPLETED, completed_at__lte=now, completed_at__gt=since
    ).select_related("offer__organisation", "student")
    for application in applications:
        profile = (
            StudentProfile.objects.filter(user=application.student_id)
            .select_related("programme")
            .first()
        )
        programme = (profile.programme if profile else None) or (
            application.offer.programmes.order_by("pk").first()
        )
        event = {
            "event_kind": EventKind.PLACEMENT,
            "event_key": f"placement:{application.pk}",
            "organisation": application.offer.organisation,
            "programme": programme,
            "event_date": timezone.localdate(application.completed_at),
        }
        people = [(RespondentKind.STUDENT, application.student, application.student.email)]
        people.append((RespondentKind.SUPERVISOR, None, _supervisor_email(application)))
        people += _school_staff(profile)
        created += _invite_all(event, people, now)
    bookings = Booking.objects.filter(
        status=BookingStatus.CONFIRMED,
        slot__offer__kind=OfferKind.STUDY_VISIT,
        slot__cancelled_at__isnull=True,
        slot__ends_at__lte=now,
        slot__ends_at__gt=since,
    ).select_related("slot__offer__organisation", "booked_by")
    for booking in bookings:
        booker = booking.booked_by
        profile = StudentProfile.objects.filter(user=booker).select_related("programme").first()
        programme = (profile.programme if profile else None) or (
            booking.slot.offer.programmes.order_by("pk").first()
        )
        kind = RespondentKind.SCHOOL_STAFF if booker.is_school_staff else RespondentKind.STUDENT
        # The host's contact person once per visit (the event is the time, not the booking).
        people = [(kind, booker, booker.email)]
        people.append((RespondentKind.SUPERVISOR, None, booking.slot.offer.contact_email))
        if kind == RespondentKind.STUDENT:
            people += _school_staff(profile)
        event = {
            "event_kind": EventKind.STUDY_VISIT,
            "event_key": f"study_visit:{booking.slot_id}",
            "organisation": booking.slot.offer.organisation,
            "programme": programme,
            "event_date": timezone.localdate(booking.slot.ends_at),
        }
        created += _invite_all(event, people, now)
    return created


def _school_staff(profile):
    """The staff of the student's school, once the school has confirmed the student."""
    if not (profile and profile.school_id and profile.school_confirmed_at):
        return []
    staff = Membership.objects.filter(
        organisation_id=profile.school_id, organisation__active=True, user__is_active=True
    ).select_related("user")
    return [(RespondentKind.SCHOOL_STAFF, m.user, m.user.email) for m in staff]


def _supervisor_email(application):
    """The supervisor the placement's APL agreement names; without an agreement, the offer's
    contact person stands in."""
    from placements.models import PlacementAgreement

    agreement = PlacementAgreement.objects.filter(application=application).first()
    return agreement.supervisor_email if agreement else application.offer.contact_email


def _invite_all(event, people, now):
    created = 0
    for respondent_kind, user, email in people:
        if user is not None and not user.is_active:
            continue
        if not email:
            continue
        created += _invite(event, respondent_kind, user, email, now)
    return created


def _invite(event, respondent_kind, user, email, now):
    person_key = f"user:{user.pk}" if user else f"email:{email.lower()}"
    if SurveyInvitation.objects.filter(
        event_key=event["event_key"], person_key=person_key
    ).exists():
        return 0
    language = getattr(user, "language", None) or translation.get_language() or "sv"
    if user is None:
        from college_portal.accounts.models import User

        account = User.objects.filter(email__iexact=email, is_active=True).first()
        language = account.language if account else "sv"
    token = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():  # a savepoint: a job running twice at once makes one row
            invitation = SurveyInvitation.objects.create(
                **event,
                person_key=person_key,
                respondent_kind=respondent_kind,
                recipient=user,
                email=email,
                language=language,
                token_hash=hash_token(token),
                expires_at=now + SURVEY_VALIDITY,
            )
            with translation.override(language):
                path = reverse("surveys:answer", kwargs={"token": token})
            notify(
                kind="survey_invitation",
                event_key=f"survey-invitation:{invitation.pk}",
                email=email,
                recipient=user,
                language=language,
                context={
                    "company": event["organisation"].name,
                    "event_kind": event["event_kind"],
                    "event_date": event["event_date"].isoformat(),
                    "path": path,
                    "days": SURVEY_VALIDITY.days,
                },
            )
    except IntegrityError:
        return 0
    return 1
