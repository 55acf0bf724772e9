"""State changes of the programs app: requirements proposed, edited and decided; coverage."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from college_portal.activity import actions
from college_portal.activity.services import log
from college_portal.notifications.services import notify
from partners.models import Organisation, PartnerRoleKind

from .models import CompetenceRequirement


def requirement_setters_for(user):
    """Organisations in which `user` may state requirements (kravställare role, member)."""
    return Organisation.objects.acted_for_by(user, partner_role=PartnerRoleKind.REQUIREMENT_SETTER)


@transaction.atomic
def propose_requirement(
    *, user, organisation, title, description, importance, programmes, areas=()
):
    if not requirement_setters_for(user).filter(pk=organisation.pk).exists():
        raise PermissionDenied
    requirement = CompetenceRequirement.objects.create(
        organisation=organisation,
        title=title,
        description=description,
        importance=importance,
        proposed_by=user,
    )
    requirement.programmes.set(programmes)
    requirement.areas.set(areas)
    return requirement


@transaction.atomic
def update_requirement(
    *, user, requirement_id, title, description, importance, programmes, areas=None
):
    """Edit a proposed requirement; accepted or rejected ones are locked. `areas` None: the
    competence areas stay as they are."""
    requirement = (
        CompetenceRequirement.objects.editable_by(user)
        .select_for_update()
        .filter(pk=requirement_id)
        .first()
    )
    if requirement is None:
        raise PermissionDenied
    requirement.title = title
    requirement.description = description
    requirement.importance = importance
    requirement.save()
    requirement.programmes.set(programmes)
    if areas is not None:
        requirement.areas.set(areas)
    return requirement


@transaction.atomic
def decide_requirement(*, requirement_id, decided_by, accept, reason=""):
    """A project lead accepts or rejects (with a reason); the proposer hears of it once."""
    if not decided_by.is_staff:
        raise PermissionDenied
    requirement = (
        # Lock the requirement only: `proposed_by` is nullable (an outer join), and PostgreSQL
        # refuses FOR UPDATE on the nullable side of an outer join.
        CompetenceRequirement.objects.select_for_update(of=("self",))
        .select_related("organisation", "proposed_by")
        .get(pk=requirement_id)
    )
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationError(_("Give a reason when rejecting a requirement."))
    new_status = (
        CompetenceRequirement.Status.ACCEPTED if accept else CompetenceRequirement.Status.REJECTED
    )
    if requirement.status == new_status:
        return requirement
    old_status = requirement.status
    requirement.status = new_status
    requirement.rejection_reason = "" if accept else reason
    requirement.decided_by = decided_by
    requirement.decided_at = timezone.now()
    requirement.save()
    log(
        actor=decided_by,
        action=actions.REQUIREMENT_ACCEPTED if accept else actions.REQUIREMENT_REJECTED,
        obj=requirement,
        organisation=requirement.organisation_id,
        data={"status": [old_status, new_status], **({} if accept else {"reason": reason})},
    )
    proposer = requirement.proposed_by
    if proposer is not None:
        with translation.override(proposer.language):
            path = reverse("programs:requirement_edit", args=[requirement.pk])
        notify(
            kind="requirement_decided",
            event_key=f"requirement-decided:{requirement.pk}:{requirement.decided_at.isoformat()}",
            email=proposer.email,
            recipient=proposer,
            context={
                "title": requirement.title,
                "organisation": requirement.organisation.name,
                "accepted": accept,
                "reason": requirement.rejection_reason,
                "path": path,
            },
        )
    return requirement


def coverage_for(programme, requirements, plan):
    """Each requirement with the programme's courses that cover it; gaps have none.

    `requirements` must prefetch `coverage`; `plan` is the programme's ProgrammeCourse list.
    """
    courses_in_programme = {item.course_id: item.course for item in plan}
    rows = []
    for requirement in requirements:
        covering = [
            courses_in_programme[c.course_id]
            for c in requirement.coverage.all()
            if c.course_id in courses_in_programme
        ]
        rows.append({"requirement": requirement, "courses": covering, "gap": not covering})
    return rows


def coverage_matrix(programme):
    """Requirements × courses of one programme: (courses, rows of (requirement, [bool…]))."""
    plan = list(programme.plan.select_related("course").order_by("order"))
    requirements = list(
        programme.requirements.accepted()
        .select_related("organisation")
        .prefetch_related("coverage")
    )
    courses = [item.course for item in plan]
    rows = []
    for requirement in requirements:
        covered = {c.course_id for c in requirement.coverage.all()}
        rows.append((requirement, [course.pk in covered for course in courses]))
    return courses, rows
