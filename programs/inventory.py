"""The needs inventory (Teknikcollege criterion 4, *Industrins kompetensbehov*): project leads
open and close rounds; the asked companies' members state, per competence area, how many people
they expect to recruit within 1, 3 and 5 years; the ones that have not answered are reminded.
State changes only; the pages' reads are in inventory_selectors.py."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from college_portal.activity import actions
from college_portal.activity.services import log
from college_portal.notifications.services import notify_many
from partners.models import Membership, Organisation, OrganisationKind, PartnerRole, PartnerRoleKind

from .models import CompetenceArea, InventoryRound, NeedAnswer

# Who is asked when a project lead names nobody: the companies stating requirements or hosting
# interns, the ones that recruit what the programmes train.
ASKED_ROLES = (PartnerRoleKind.REQUIREMENT_SETTER, PartnerRoleKind.INTERNSHIP_HOST)
HORIZONS = ("within_1_year", "within_3_years", "within_5_years")
MAX_NEED = 100_000
# Reminder stage: days before the deadline from which it is due (sent once, on the first run).
REMINDER_STAGES = {"week": 7, "deadline": 0}


def default_asked():
    """Every active company with the requirement-setter or internship-host role."""
    return Organisation.objects.filter(
        active=True,
        kind=OrganisationKind.COMPANY,
        pk__in=PartnerRole.objects.filter(role__in=ASKED_ROLES).values("organisation"),
    )


def asked_organisations_for(user, inventory_round):
    """The organisations `user` answers for in `inventory_round`: asked ones they act for."""
    return Organisation.objects.acted_for_by(user).filter(
        pk__in=InventoryRound.asked.through.objects.filter(inventoryround=inventory_round).values(
            "organisation"
        )
    )


def _described(inventory_round):
    return str(inventory_round)  # title and year: names no person


@transaction.atomic
def open_round(*, title, year, deadline, opened_by, asked=None):
    """A project lead opens a round; `asked` empty or None asks `default_asked()`."""
    if not opened_by.is_staff:
        raise PermissionDenied
    inventory_round = InventoryRound(title=title, year=year, deadline=deadline, opened_by=opened_by)
    inventory_round.full_clean()
    inventory_round.save()
    organisations = list(asked) if asked else list(default_asked())
    inventory_round.asked.set(organisations)
    log(
        actor=opened_by,
        action=actions.INVENTORY_OPENED,
        obj=inventory_round,
        object_repr=_described(inventory_round),
        data={"answer_by": deadline, "asked": len(organisations)},
    )
    return inventory_round


@transaction.atomic
def ask_default_if_none(*, round_id):
    """A round saved in admin with nobody asked asks `default_asked()`; True if it did."""
    inventory_round = InventoryRound.objects.select_for_update().get(pk=round_id)
    if inventory_round.asked.exists():
        return False
    inventory_round.asked.set(default_asked())
    return True


@transaction.atomic
def close_round(*, round_id, closed_by):
    """A project lead closes a round before (or after) its deadline; True if it was open."""
    if not closed_by.is_staff:
        raise PermissionDenied
    inventory_round = InventoryRound.objects.select_for_update().get(pk=round_id)
    if inventory_round.closed_at is not None:
        return False
    inventory_round.closed_at = timezone.now()
    inventory_round.save(update_fields=["closed_at"])
    log(
        actor=closed_by,
        action=actions.INVENTORY_CLOSED,
        obj=inventory_round,
        object_repr=_described(inventory_round),
        data={"closed_at": inventory_round.closed_at},
    )
    return True


def closed_message(inventory_round):
    if inventory_round.closed_at is not None:
        return _("This inventory has been closed: the answers can no longer be changed.")
    return _("The last day to answer was %(deadline)s: the answers can no longer be changed.") % {
        "deadline": formats.date_format(inventory_round.deadline, "j F Y")
    }


def check_need(within_1_year, within_3_years, within_5_years):
    """The rule of the figures ({field: message} of what breaks it): whole numbers from 0 to
    MAX_NEED that never shrink with the horizon, as each counts from today."""
    problems = {}
    for name, value in zip(HORIZONS, (within_1_year, within_3_years, within_5_years), strict=True):
        if not isinstance(value, int) or not 0 <= value <= MAX_NEED:
            problems[name] = _("Give a whole number from 0 to %(max)s.") % {"max": MAX_NEED}
    if problems:
        return problems
    if within_3_years < within_1_year:
        problems["within_3_years"] = _(
            "The need within 3 years includes the first year: it cannot be smaller than the "
            "need within 1 year (%(value)s)."
        ) % {"value": within_1_year}
    if within_5_years < within_3_years:
        problems["within_5_years"] = _(
            "The need within 5 years includes the first three: it cannot be smaller than the "
            "need within 3 years (%(value)s)."
        ) % {"value": within_3_years}
    return problems


def _figures(answer):
    return [*(getattr(answer, name) for name in HORIZONS), answer.comment]


@transaction.atomic
def save_answers(*, user, round_id, organisation_id, answers):
    """Save one organisation's stated need in a round: `answers` maps an active competence
    area's id to {within_1_year, within_3_years, within_5_years, comment}.

    An area whose figures and comment differ from its current answer (or that has none) gets a
    new current row; the previous one becomes history. Areas unchanged are not rewritten.
    Returns the ids of the areas written.
    """
    # Lock the round first: saves of one round queue here, so two colleagues saving at once
    # each read the current rows after the other's commit and never write two current rows;
    # closing the round (same lock) cannot slip between the check and the write.
    inventory_round = InventoryRound.objects.select_for_update(no_key=True).get(pk=round_id)
    organisation = asked_organisations_for(user, inventory_round).filter(pk=organisation_id).first()
    if organisation is None:
        raise PermissionDenied
    if not inventory_round.is_open:
        raise ValidationError(closed_message(inventory_round))
    areas = set(
        CompetenceArea.objects.filter(active=True, pk__in=list(answers)).values_list(
            "pk", flat=True
        )
    )
    if areas != set(answers):
        raise ValidationError(
            _(
                "A competence area of the form is no longer asked about: reload the page and "
                "answer again."
            )
        )
    for figures in answers.values():
        problems = check_need(*(figures[name] for name in HORIZONS))
        if problems:
            raise ValidationError(list(problems.values()))
    current = {
        answer.area_id: answer
        for answer in NeedAnswer.objects.filter(
            round=inventory_round, organisation=organisation, current=True
        )
    }
    now = timezone.now()
    new_rows, replaced, changed = [], [], {}
    for area_id, figures in sorted(answers.items()):
        given = [*(figures[name] for name in HORIZONS), (figures.get("comment") or "").strip()]
        before = current.get(area_id)
        if before is not None and _figures(before) == given:
            continue
        if before is not None:
            replaced.append(before.pk)
        new_rows.append(
            NeedAnswer(
                round=inventory_round,
                organisation=organisation,
                area_id=area_id,
                within_1_year=given[0],
                within_3_years=given[1],
                within_5_years=given[2],
                comment=given[3],
                answered_by=user,
                answered_at=now,
            )
        )
        changed[area_id] = [
            "/".join(map(str, _figures(before)[:3])) if before else None,
            "/".join(map(str, given[:3])),
        ]
    if not new_rows:
        return []
    # History first: the partial unique constraint allows one current row per area.
    NeedAnswer.objects.filter(pk__in=replaced).update(current=False)
    NeedAnswer.objects.bulk_create(new_rows)
    names = dict(CompetenceArea.objects.filter(pk__in=changed).values_list("pk", "name_sv"))
    log(
        actor=user,
        action=actions.INVENTORY_ANSWERED,
        obj=inventory_round,
        object_repr=_described(inventory_round),
        organisation=organisation,
        data={names[area_id]: change for area_id, change in changed.items()},
    )
    return sorted(changed)


# --- Reminders -------------------------------------------------------------------------------


def due_stage(inventory_round, today):
    """The reminder due for an open round on `today`: "deadline" on its last day, "week" in
    the week before it, None otherwise."""
    days_left = (inventory_round.deadline - today).days
    if days_left == REMINDER_STAGES["deadline"]:
        return "deadline"
    if 0 < days_left <= REMINDER_STAGES["week"]:
        return "week"
    return None


def remind_unanswered(*, today=None):
    """Remind the members of asked organisations that have not answered, a week before the
    deadline and on it. One notification per round, organisation, person and stage (the event
    key): a job run twice, or a day missed and caught up, sends nothing twice. Returns how
    many notifications were new."""
    today = today or timezone.localdate()
    rounds = InventoryRound.objects.filter(
        closed_at__isnull=True,
        deadline__gte=today,
        deadline__lte=today + timedelta(days=REMINDER_STAGES["week"]),
    ).order_by("pk")
    items = []
    for inventory_round in rounds:
        stage = due_stage(inventory_round, today)
        answered = NeedAnswer.objects.filter(round=inventory_round, current=True).values(
            "organisation"
        )
        members = (
            Membership.objects.filter(
                organisation__in=inventory_round.asked.filter(active=True).exclude(pk__in=answered),
                user__is_active=True,
            )
            .select_related("user", "organisation")
            .order_by("organisation__name", "user__email")
        )
        for membership in members:
            person, organisation = membership.user, membership.organisation
            with translation.override(person.language):
                path = reverse(
                    "programs:inventory_answer", args=[inventory_round.pk, organisation.slug]
                )
            items.append(
                {
                    "kind": "inventory_reminder",
                    "event_key": (
                        f"inventory-reminder:{inventory_round.pk}:{organisation.pk}:"
                        f"{person.pk}:{stage}"
                    ),
                    "email": person.email,
                    "recipient": person,
                    "context": {
                        "title": inventory_round.title,
                        "year": inventory_round.year,
                        "organisation": organisation.name,
                        "deadline": inventory_round.deadline.isoformat(),
                        "stage": stage,
                        "path": path,
                    },
                }
            )
    with transaction.atomic():
        return notify_many(items)
