"""The APL agreement of a placement (issue 14, item 6): who sees it, who changes it, and its
rules: the objectives come from the student's programme, an under-18 does not start without
the risk assessment, the final assessment comes once the period is over.

Each change is one transaction that locks the placement's application row, writes and logs.
"""

import math
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from college_portal.activity import actions
from college_portal.activity.services import changes, log
from college_portal.notifications.services import notify
from programs.models import Course, Level

from .models import (
    FILLED,
    Application,
    ApplicationStatus,
    AttendanceWeek,
    ObjectiveAssessment,
    PlacementAgreement,
    RiskItem,
)
from .selectors import school_students

# What the activity log keeps of an agreement's changes: no names or contact details (the
# supervisor's show as {"supervisor": "changed"}), no free text but the address.
LOGGED_FIELDS = ("supervisor_trained", "address", *(item.value for item in RiskItem))
SUPERVISOR_FIELDS = ("supervisor_name", "supervisor_email", "supervisor_phone")
# Days before the period's last day that the company is reminded of the final assessment.
ASSESSMENT_REMINDER_DAYS = 7


# --- who ------------------------------------------------------------------------------------


def placements_visible_to(user):
    """Accepted or completed placements `user` may read the agreement of: the student, the
    offer's organisation, the student's confirmed school's staff, project leads."""
    return Application.objects.visible_to(user).filter(status__in=FILLED)


def placements_managed_by(user):
    """Placements whose agreement `user` fills in: those of the organisations they act for."""
    return Application.objects.decidable_by(user).filter(status__in=FILLED)


def placements_of_school_staff(user):
    """Placements of the students whose link to `user`'s school is confirmed."""
    return Application.objects.filter(student__in=school_students(user), status__in=FILLED)


def _locked(queryset, application_id):
    application = (
        queryset.select_for_update(of=("self",))
        .select_related("offer", "student")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise PermissionDenied
    return application


# --- the objectives ---------------------------------------------------------------------------


def objective_choices(application):
    """The courses an agreement's objectives are picked from: the student's programme's, or,
    when the student has named none, the offer's programmes'."""
    profile = getattr(application.student, "student_profile", None)
    if profile is not None and profile.programme_id:
        programmes = [profile.programme_id]
    else:
        programmes = list(application.offer.programmes.values_list("pk", flat=True))
    return Course.objects.filter(in_plans__programme__in=programmes).distinct().order_by("name")


def initial_values(application):
    """A new agreement's defaults: the offer's address, its contact as the supervisor."""
    offer = application.offer
    return {
        "address": offer.address,
        "supervisor_name": offer.contact_name,
        "supervisor_email": offer.contact_email,
        "supervisor_phone": offer.contact_phone,
    }


# --- changes --------------------------------------------------------------------------------


@transaction.atomic
def save_agreement(*, user, application_id, values, objectives):
    """Create or change the agreement of one of the user's organisation's placements.
    `values`: the agreement's fields; `objectives`: courses, each among `objective_choices`."""
    application = _locked(placements_managed_by(user), application_id)
    allowed = set(objective_choices(application).values_list("pk", flat=True))
    objectives = list(objectives)
    if any(course.pk not in allowed for course in objectives):
        raise ValidationError(
            _("Learning objectives can only be courses of the student's programme."),
            code="objective_outside_programme",
        )
    agreement = PlacementAgreement.objects.filter(application=application).first()
    created = agreement is None
    before = None
    before_objectives = []
    if created:
        agreement = PlacementAgreement(application=application)
    else:
        before = PlacementAgreement.objects.get(pk=agreement.pk)
        before_objectives = sorted(agreement.objectives.values_list("pk", flat=True))
    for name, value in values.items():
        setattr(agreement, name, value)
    if agreement.risk_complete:
        agreement.risk_assessed_at = agreement.risk_assessed_at or timezone.now()
    else:
        agreement.risk_assessed_at = None
    agreement.save()
    agreement.objectives.set(objectives)
    data = changes(before, agreement, LOGGED_FIELDS)
    if any(getattr(before, name, None) != getattr(agreement, name) for name in SUPERVISOR_FIELDS):
        data["supervisor"] = "changed"
    after_objectives = sorted(course.pk for course in objectives)
    if after_objectives != before_objectives:
        data["objectives"] = [before_objectives, after_objectives]
    if created or data:
        log(
            actor=user,
            action=actions.PLACEMENT_AGREEMENT_CREATED
            if created
            else actions.PLACEMENT_AGREEMENT_CHANGED,
            obj=agreement,
            organisation=application.offer.organisation_id,
            data=data,
        )
    return agreement


@transaction.atomic
def set_student_age(*, user, application_id, under_18):
    """The student's school says whether the student is under 18 (the portal keeps no date of
    birth: this one answer is all the rule needs)."""
    application = _locked(placements_of_school_staff(user), application_id)
    agreement = PlacementAgreement.objects.filter(application=application).first()
    if agreement is None:
        raise ValidationError(_("The company has not filled in the agreement yet."))
    if agreement.student_under_18 != under_18 or agreement.age_confirmed_by_id is None:
        log(
            actor=user,
            action=actions.PLACEMENT_AGREEMENT_AGE_SET,
            obj=agreement,
            organisation=application.offer.organisation_id,
            data={"student_under_18": [agreement.student_under_18, under_18]},
        )
        agreement.student_under_18 = under_18
        agreement.age_confirmed_by = user
        agreement.save(update_fields=["student_under_18", "age_confirmed_by", "updated_at"])
    return agreement


@transaction.atomic
def start_placement(*, user, application_id):
    """The company or the student's school marks the placement started. Refused without an
    agreement, and for a student under 18 without the risk assessment."""
    managed = placements_managed_by(user).filter(pk=application_id)
    of_school = placements_of_school_staff(user).filter(pk=application_id)
    application = _locked(managed if managed.exists() else of_school, application_id)
    agreement = PlacementAgreement.objects.filter(application=application).first()
    if agreement is None:
        raise ValidationError(_("The placement cannot start before the agreement is filled in."))
    if application.status != ApplicationStatus.ACCEPTED or agreement.started_at:
        raise ValidationError(_("This placement has already started or is completed."))
    if agreement.needs_risk_assessment:
        raise ValidationError(
            _(
                "A student under 18 cannot start before the workplace's risk assessment is done: the company ticks every item of the checklist in the agreement first."
            ),
            code="risk_assessment_missing",
        )
    agreement.started_at = timezone.now()
    agreement.started_by = user
    agreement.save(update_fields=["started_at", "started_by", "updated_at"])
    log(
        actor=user,
        action=actions.PLACEMENT_STARTED,
        obj=agreement,
        organisation=application.offer.organisation_id,
    )
    return agreement


def can_be_assessed(application, today=None):
    """The final assessment is given once the period is over (its last day counts) or the
    placement is marked completed."""
    today = today or timezone.localdate()
    end = application.offer.period_end
    return application.status == ApplicationStatus.COMPLETED or (end is not None and end <= today)


@transaction.atomic
def save_assessment(*, user, application_id, levels):
    """The final assessment: `levels` maps each objective's course id to (level, comment)."""
    application = _locked(placements_managed_by(user), application_id)
    agreement = PlacementAgreement.objects.filter(application=application).first()
    if agreement is None:
        raise ValidationError(_("The company has not filled in the agreement yet."))
    if not can_be_assessed(application):
        raise ValidationError(
            _("The final assessment is given when the period ends or the placement is completed.")
        )
    objectives = {course.pk: course for course in agreement.objectives.all()}
    if not objectives:
        raise ValidationError(_("The agreement has no learning objectives to assess."))
    if set(levels) != set(objectives):
        raise ValidationError(_("Assess every learning objective."))
    for course_id, (level, comment) in levels.items():
        ObjectiveAssessment.objects.update_or_create(
            agreement=agreement,
            course_id=course_id,
            defaults={"level": level, "comment": comment},
        )
    agreement.assessments.exclude(course_id__in=objectives).delete()
    agreement.assessed_at = timezone.now()
    agreement.assessed_by = user
    agreement.save(update_fields=["assessed_at", "assessed_by", "updated_at"])
    log(
        actor=user,
        action=actions.PLACEMENT_ASSESSED,
        obj=agreement,
        organisation=application.offer.organisation_id,
        data={"objectives": len(objectives)},
    )
    return agreement


# --- the three-party conversation and attendance ----------------------------------------------


def _agreement_of(application):
    agreement = PlacementAgreement.objects.filter(application=application).first()
    if agreement is None:
        raise ValidationError(_("The company has not filled in the agreement yet."))
    return agreement


@transaction.atomic
def save_conversation(*, user, application_id, on, notes):
    """The student's teacher books the three-party conversation and records its notes."""
    application = _locked(placements_of_school_staff(user), application_id)
    agreement = _agreement_of(application)
    offer = application.offer
    if on is not None and offer.period_start and offer.period_end:
        if not offer.period_start <= on <= offer.period_end:
            raise ValidationError(
                _("The conversation is held during the placement period (%(start)s – %(end)s).")
                % {"start": offer.period_start, "end": offer.period_end},
                code="conversation_outside_period",
            )
    data = {}
    if agreement.conversation_on != on:
        data["conversation_on"] = [agreement.conversation_on, on]
    if agreement.conversation_notes != notes:
        data["notes"] = "changed"
    if data:
        agreement.conversation_on = on
        agreement.conversation_notes = notes
        agreement.conversation_booked_by = user
        agreement.save(
            update_fields=[
                "conversation_on",
                "conversation_notes",
                "conversation_booked_by",
                "updated_at",
            ]
        )
        log(
            actor=user,
            action=actions.PLACEMENT_CONVERSATION_SAVED,
            obj=agreement,
            organisation=offer.organisation_id,
            data=data,
        )
    return agreement


def period_weeks(offer):
    """The Mondays of the weeks the placement's period touches (none without a period)."""
    if not (offer.period_start and offer.period_end):
        return []
    week = offer.period_start - timedelta(days=offer.period_start.weekday())
    weeks = []
    while week <= offer.period_end:
        weeks.append(week)
        week += timedelta(days=7)
    return weeks


@transaction.atomic
def save_attendance(*, user, application_id, days):
    """The company records the days present per week: `days` maps a week's Monday to a count
    (None leaves the week unrecorded)."""
    application = _locked(placements_managed_by(user), application_id)
    agreement = _agreement_of(application)
    weeks = set(period_weeks(application.offer))
    if any(week not in weeks for week in days) or any(
        count is not None and not 0 <= count <= 5 for count in days.values()
    ):
        raise ValidationError(_("Attendance is 0 to 5 days for a week of the placement period."))
    recorded = 0
    for week, count in days.items():
        if count is None:
            AttendanceWeek.objects.filter(agreement=agreement, week=week).delete()
            continue
        AttendanceWeek.objects.update_or_create(
            agreement=agreement, week=week, defaults={"days_present": count}
        )
        recorded += 1
    log(
        actor=user,
        action=actions.PLACEMENT_ATTENDANCE_SAVED,
        obj=agreement,
        organisation=application.offer.organisation_id,
        data={"weeks": recorded},
    )
    return agreement


# --- APL weeks -------------------------------------------------------------------------------

# At least 15 weeks of APL over an upper-secondary vocational programme (gymnasieförordningen
# 4 kap. 12 §); at least 15 % of the time in adult vocational education (Komvux/yrkesvux), taken
# from the programme's length in weeks; LIA in higher vocational education (YH) has no such rule:
# each YH programme sets its own LIA length, which the portal does not hold.
UPPER_SECONDARY_APL_WEEKS = 15
ADULT_APL_PERCENT = 15


def _weeks(start, end):
    """Working weeks of a period: its weekdays, Monday to Friday, divided by five."""
    days = (end - start).days + 1
    full, rest = divmod(days, 7)
    weekdays = full * 5 + sum(
        1 for offset in range(rest) if (start.weekday() + full * 7 + offset) % 7 < 5
    )
    return weekdays / 5


def apl_weeks(student):
    """The student's APL (or, in YH, LIA) weeks across their placements, or None without a
    programme on the profile: {"level", "completed", "planned", "required", "length", "adult",
    "lia", "behind"}. Completed: the placements marked completed; planned: the accepted ones.
    Required: 15 weeks in upper secondary, ceil(15 % of the programme's length) in adult
    education (None when the length is missing), None in YH (LIA: the programme's own length
    applies). Behind: a requirement is known and completed and planned together fall short."""
    profile = getattr(student, "student_profile", None)
    if profile is None or profile.programme is None:
        return None
    programme = profile.programme
    placements = Application.objects.filter(
        student=student,
        status__in=FILLED,
        offer__period_start__isnull=False,
        offer__period_end__isnull=False,
    ).values_list("status", "offer__period_start", "offer__period_end")
    completed = planned = 0.0
    for status, start, end in placements:
        if status == ApplicationStatus.COMPLETED:
            completed += _weeks(start, end)
        else:
            planned += _weeks(start, end)
    required = None
    if programme.level == Level.UPPER_SECONDARY:
        required = UPPER_SECONDARY_APL_WEEKS
    elif programme.level == Level.ADULT and programme.length_weeks:
        required = math.ceil(programme.length_weeks * ADULT_APL_PERCENT / 100)
    return {
        "level": programme.level,
        "completed": round(completed, 1),
        "planned": round(planned, 1),
        "required": required,
        "length": programme.length_weeks or None,
        "adult": programme.level == Level.ADULT,
        "lia": programme.level == Level.HIGHER_VOCATIONAL,
        "behind": required is not None and completed + planned < required,
    }


# --- the reminder -----------------------------------------------------------------------------


def remind_final_assessments(*, today=None):
    """A week before a placement's period ends, remind each of the company's members once to
    give the final assessment (supervisors have no accounts yet: the members give it)."""
    from .notifications import _path, _representatives

    today = today or timezone.localdate()
    due = PlacementAgreement.objects.filter(
        assessed_at__isnull=True,
        application__status=ApplicationStatus.ACCEPTED,
        application__offer__period_end__gte=today,
        application__offer__period_end__lte=today + timedelta(days=ASSESSMENT_REMINDER_DAYS),
    ).select_related("application__offer__organisation", "application__student")
    count = 0
    for agreement in due:
        offer = agreement.application.offer
        for rep in _representatives(offer.organisation_id):
            notify(
                kind="placement_assessment_due",
                event_key=f"placement-assessment-due:{agreement.pk}:{rep.pk}",
                email=rep.email,
                recipient=rep,
                context={
                    "offer": offer.title,
                    "student": agreement.application.student.get_full_name(),
                    "period_end": offer.period_end.isoformat(),
                    "path": _path(rep, "placements:agreement", agreement.application_id),
                },
            )
            count += 1
    return count
