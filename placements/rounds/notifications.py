"""Who hears about what in allocation rounds; every event has one key, so it is sent once."""

from django.urls import reverse
from django.utils import timezone, translation

from college_portal.accounts.models import User
from college_portal.notifications.services import notify, notify_many

REMIND_DAYS_BEFORE = 3


def _path(user, name, *args):
    with translation.override(user.language):
        return reverse(name, args=args)


def _members(organisation_id):
    return User.objects.filter(memberships__organisation_id=organisation_id, is_active=True)


def capacity_requested(round_, offers):
    """Each offer's organisation is asked to confirm its places for the round."""
    for offer in offers:
        for rep in _members(offer.organisation_id):
            notify(
                kind="round_capacity_requested",
                event_key=f"round-capacity:{round_.pk}:{offer.pk}:{rep.pk}",
                email=rep.email,
                recipient=rep,
                context={
                    "round": round_.title,
                    "school": round_.school.name,
                    "offer": offer.title,
                    "deadline": round_.confirmation_deadline.isoformat(),
                    "path": _path(rep, "rounds:company_places"),
                },
            )


def _to_students(round_, kind, event, round_students):
    return notify_many(
        {
            "kind": kind,
            "event_key": f"{event}:{rs.pk}",
            "email": rs.student.email,
            "recipient": rs.student,
            "context": {
                "round": round_.title,
                "deadline": round_.choices_deadline.isoformat(),
                "path": _path(rs.student, "rounds:choose", rs.pk),
            },
        }
        for rs in round_students
    )


def choices_open(round_):
    return _to_students(
        round_, "round_choices_open", "round-open", round_.students.select_related("student")
    )


def allocated(round_):
    return _to_students(
        round_, "round_result", "round-result", round_.students.select_related("student")
    )


def remind_students(*, today=None):
    """Students of open rounds who have not chosen, within REMIND_DAYS_BEFORE days of the
    last day: reminded once each."""
    from .models import RoundStatus, RoundStudent

    today = today or timezone.localdate()
    waiting = RoundStudent.objects.filter(
        round__status=RoundStatus.OPEN,
        round__choices_deadline__gte=today,
        round__choices_deadline__lte=today + timezone.timedelta(days=REMIND_DAYS_BEFORE),
        reminded_at__isnull=True,
        choices__isnull=True,
    ).select_related("student", "round")
    count = 0
    for rs in waiting:
        count += _to_students(rs.round, "round_choice_reminder", "round-reminder", [rs])
        RoundStudent.objects.filter(pk=rs.pk).update(reminded_at=timezone.now())
    return count


def placement_confirmed(allocation):
    """The company gets the student's start information and the school's contact; the
    school's staff get the workplace's contact."""
    round_ = allocation.round_student.round
    student = allocation.round_student.student
    offer = allocation.place.offer
    contact = round_.created_by
    facts = {
        "round": round_.title,
        "offer": offer.title,
        "company": offer.organisation.name,
        "school": round_.school.name,
        "student": student.get_full_name(),
        "student_email": student.email,
        "start": round_.period_start.isoformat(),
        "end": round_.period_end.isoformat(),
        "school_contact": contact.get_full_name() if contact else "",
        "school_email": contact.email if contact else "",
        "workplace_contact": offer.contact_name,
        "workplace_email": offer.contact_email,
        "workplace_phone": offer.contact_phone,
        "workplace_address": offer.address,
    }
    for rep in _members(offer.organisation_id):
        notify(
            kind="round_start_company",
            event_key=f"round-start-company:{allocation.pk}:{rep.pk}",
            email=rep.email,
            recipient=rep,
            context=facts,
        )
    for staff in _members(round_.school_id):
        notify(
            kind="round_start_school",
            event_key=f"round-start-school:{allocation.pk}:{staff.pk}",
            email=staff.email,
            recipient=staff,
            context=facts,
        )
