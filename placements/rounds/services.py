"""State changes of allocation rounds, each in one transaction; notifications after commit.

Who may do what: the round's school's staff (`staff_rounds`) keep the class list, add places,
open the choices, allocate and place by hand; the members acting for an offer's organisation
confirm its capacity and each allocated student; a student on the class list ranks places.
Anything else raises PermissionDenied (the views answer 404: as if it did not exist).
"""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from college_portal.accounts.models import User
from college_portal.activity import actions
from college_portal.activity.services import log
from partners.models import Organisation
from placements import selectors as placement_selectors
from placements.allocation import ALGORITHM_VERSION, allocate, explain, lottery_priorities
from placements.models import (
    Application,
    ApplicationStatus,
    Offer,
    OfferKind,
    OfferStatus,
    StatusChange,
)
from placements.selectors import staff_schools

from . import notifications
from .models import (
    Allocation,
    AllocationChange,
    AllocationStatus,
    Choice,
    Round,
    RoundPlace,
    RoundStatus,
    RoundStudent,
)

# Allocations that hold a seat of their place (a declined one frees it).
HOLDING = (AllocationStatus.ALLOCATED, AllocationStatus.CONFIRMED)


# --- who sees what ------------------------------------------------------------------------------


def staff_rounds(user):
    """Rounds of the schools `user` works at (empty for anyone else)."""
    return Round.objects.filter(school__in=staff_schools(user))


def company_places(user):
    """Round places of the offers of the organisations `user` acts for."""
    return RoundPlace.objects.filter(offer__in=Offer.objects.managed_by(user))


def student_rounds(user):
    """The round memberships of `user` as a student (only rounds past their preparation)."""
    if not (user.is_authenticated and user.is_student):
        return RoundStudent.objects.none()
    return RoundStudent.objects.filter(student=user).exclude(round__status=RoundStatus.DRAFT)


def eligible_students(round_):
    """Confirmed students of the round's school not on its class list yet."""
    return (
        User.objects.filter(
            student_profile__school_id=round_.school_id,
            student_profile__school_confirmed_at__isnull=False,
            is_active=True,
        )
        .exclude(allocation_rounds__round=round_)
        .order_by("full_name", "email")
    )


def eligible_offers(round_):
    """Published internships whose period overlaps the round's, of the round's programme when
    it has one, not in the round yet."""
    offers = (
        Offer.objects.filter(
            kind=OfferKind.INTERNSHIP,
            status=OfferStatus.PUBLISHED,
            organisation__active=True,
            period_start__lte=round_.period_end,
            period_end__gte=round_.period_start,
        )
        .exclude(round_places__round=round_)
        .select_related("organisation")
        .order_by("organisation__name", "title")
    )
    if round_.programme_id:
        offers = offers.filter(programmes=round_.programme_id)
    return offers


def seats_taken(round_):
    """{place pk: allocations holding one of its seats}."""
    return dict(
        Allocation.objects.filter(place__round=round_, status__in=HOLDING)
        .values_list("place")
        .annotate(n=Count("pk"))
        .values_list("place", "n")
    )


def free_places(round_):
    """The round's places with seats left after the allocation, each with `free`."""
    taken = seats_taken(round_)
    places = []
    for place in round_.places.select_related("offer__organisation").filter(capacity__gt=0):
        place.free = place.capacity - taken.get(place.pk, 0)
        if place.free > 0:
            places.append(place)
    return places


# --- preparing a round ---------------------------------------------------------------------------


def _staff_round(user, round_id, *, lock=False):
    rounds = staff_rounds(user)
    if lock:
        rounds = rounds.select_for_update()
    round_ = rounds.filter(pk=round_id).first()
    if round_ is None:
        raise PermissionDenied
    return round_


def _require(round_, *statuses):
    if round_.status not in statuses:
        raise ValidationError(
            _("This cannot be done while the round is %(status)s.")
            % {"status": round_.get_status_display().lower()}
        )


@transaction.atomic
def create_round(*, user, school, **fields):
    if not staff_schools(user).filter(pk=school.pk).exists():
        raise PermissionDenied
    round_ = Round.objects.create(school=school, created_by=user, **fields)
    log(
        actor=user,
        action=actions.ROUND_CREATED,
        obj=round_,
        organisation=school,
        data={"title": round_.title},
    )
    return round_


@transaction.atomic
def add_students(*, user, round_id, student_ids):
    round_ = _staff_round(user, round_id, lock=True)
    _require(round_, RoundStatus.DRAFT, RoundStatus.OPEN)
    allowed = set(eligible_students(round_).filter(pk__in=student_ids).values_list("pk", flat=True))
    if set(student_ids) - allowed:
        raise ValidationError(_("Only confirmed students of the school can join its round."))
    RoundStudent.objects.bulk_create(
        [RoundStudent(round=round_, student_id=pk) for pk in sorted(allowed)],
        ignore_conflicts=True,
    )
    return len(allowed)


@transaction.atomic
def remove_student(*, user, round_id, round_student_id):
    round_ = _staff_round(user, round_id, lock=True)
    _require(round_, RoundStatus.DRAFT, RoundStatus.OPEN)
    deleted, _rows = RoundStudent.objects.filter(round=round_, pk=round_student_id).delete()
    if not deleted:
        raise PermissionDenied


@transaction.atomic
def add_offers(*, user, round_id, offer_ids=None):
    """Add the chosen eligible offers to the round (all of them when `offer_ids` is None)."""
    round_ = _staff_round(user, round_id, lock=True)
    _require(round_, RoundStatus.DRAFT)
    offers = eligible_offers(round_)
    if offer_ids is not None:
        offers = offers.filter(pk__in=offer_ids)
        if len(offers) != len(set(offer_ids)):
            raise ValidationError(
                _("Only published internships for the round's period and programme can join.")
            )
    offers = list(offers)
    RoundPlace.objects.bulk_create(
        [RoundPlace(round=round_, offer=offer) for offer in offers], ignore_conflicts=True
    )
    notifications.capacity_requested(round_, offers)
    return len(offers)


@transaction.atomic
def confirm_capacity(*, user, place_id, capacity):
    place = (
        company_places(user)
        .select_for_update()
        .select_related("offer", "round")
        .filter(pk=place_id)
        .first()
    )
    if place is None:
        raise PermissionDenied
    _require(place.round, RoundStatus.DRAFT)
    if not place.round.confirmation_open:
        raise ValidationError(
            _(
                "The last day for confirming places was %(date)s: the places can no longer "
                "be changed. Contact the school if they need to."
            )
            % {"date": date_format(place.round.confirmation_deadline)}
        )
    if not 0 <= capacity <= place.offer.places:
        raise ValidationError(
            _("Confirm between 0 and %(places)s places (the offer's places).")
            % {"places": place.offer.places}
        )
    log(
        actor=user,
        action=actions.ROUND_CAPACITY_CONFIRMED,
        obj=place,
        organisation=place.offer.organisation_id,
        data={"capacity": [place.capacity, capacity]},
    )
    place.capacity = capacity
    place.confirmed_by = user
    place.confirmed_at = timezone.now()
    place.save(update_fields=["capacity", "confirmed_by", "confirmed_at"])
    return place


@transaction.atomic
def open_round(*, user, round_id):
    round_ = _staff_round(user, round_id, lock=True)
    _require(round_, RoundStatus.DRAFT)
    if not round_.students.exists():
        raise ValidationError(_("Add students to the class list before opening the choices."))
    if not round_.places.filter(capacity__gt=0).exists():
        raise ValidationError(
            _("No company has confirmed places yet: the choices cannot open without places.")
        )
    if round_.choices_deadline < timezone.localdate():
        raise ValidationError(_("The last day for choices has passed: change it first."))
    round_.status = RoundStatus.OPEN
    round_.save(update_fields=["status"])
    log(
        actor=user,
        action=actions.ROUND_OPENED,
        obj=round_,
        organisation=round_.school_id,
        data={"status": [RoundStatus.DRAFT, RoundStatus.OPEN]},
    )
    notifications.choices_open(round_)
    return round_


# --- students' choices ---------------------------------------------------------------------------


def choosable_places(round_):
    """The places students can rank: confirmed with at least one seat."""
    return round_.places.filter(capacity__gt=0).select_related("offer__organisation")


@transaction.atomic
def save_choices(*, student, round_student_id, ranking):
    """Replace the student's ranking: `ranking` is {place pk: (rank, motivation)} for the
    places given a rank. Ranks must be distinct, from 1 to the round's number of choices."""
    round_student = (
        student_rounds(student).select_related("round").filter(pk=round_student_id).first()
    )
    if round_student is None:
        raise PermissionDenied
    round_ = Round.objects.select_for_update().get(pk=round_student.round_id)
    if not round_.choices_open:
        raise ValidationError(_("The choices of this round are closed."))
    ranks = [rank for rank, _motivation in ranking.values()]
    if len(ranks) > round_.choices_allowed:
        raise ValidationError(
            ngettext(
                "Choose at most %(n)s place.",
                "Choose at most %(n)s places.",
                round_.choices_allowed,
            )
            % {"n": round_.choices_allowed}
        )
    if len(set(ranks)) != len(ranks):
        raise ValidationError(_("Give each place its own rank: two places have the same."))
    if any(not 1 <= rank <= round_.choices_allowed for rank in ranks):
        raise ValidationError(_("A rank is outside the allowed numbers."))
    valid = set(choosable_places(round_).filter(pk__in=ranking).values_list("pk", flat=True))
    if valid != set(ranking):
        raise PermissionDenied
    round_student.choices.all().delete()
    Choice.objects.bulk_create(
        Choice(round_student=round_student, place_id=place, rank=rank, motivation=motivation)
        for place, (rank, motivation) in sorted(ranking.items(), key=lambda item: item[1][0])
    )
    return round_student


@transaction.atomic
def rank_applicants(*, user, place_id, ranking):
    """The company ranks the place's applicants instead of the lottery: `ranking` is
    {choice pk: rank or None}; ranks distinct, from 1. Possible while the choices are open."""
    place = company_places(user).select_related("round").filter(pk=place_id).first()
    if place is None:
        raise PermissionDenied
    Round.objects.select_for_update().get(pk=place.round_id)
    _require(place.round, RoundStatus.OPEN)
    ranks = [rank for rank in ranking.values() if rank is not None]
    if len(set(ranks)) != len(ranks) or any(rank < 1 for rank in ranks):
        raise ValidationError(_("Give each applicant their own rank: 1, 2, 3 …"))
    choices = {c.pk: c for c in place.choices.filter(pk__in=ranking)}
    if set(choices) != set(ranking):
        raise PermissionDenied
    for pk, rank in ranking.items():
        choices[pk].company_rank = rank
    Choice.objects.bulk_update(choices.values(), ["company_rank"])
    return place


# --- allocation ---------------------------------------------------------------------------------


def build_inputs(round_):
    """The allocation file of the round and its pseudonyms: students s1… and places p1… in the
    order of their rows; each student's choices by rank; each place's priority the seeded
    lottery (`lottery_priorities`), except that a company's ranked applicants come first in
    its order. Places without a confirmed seat are left out."""
    student_pks = list(round_.students.order_by("pk").values_list("pk", flat=True))
    place_rows = list(
        round_.places.filter(capacity__gt=0).order_by("pk").values_list("pk", "capacity")
    )
    s_id = {pk: f"s{n}" for n, pk in enumerate(student_pks, start=1)}
    p_id = {pk: f"p{n}" for n, pk in enumerate((pk for pk, _c in place_rows), start=1)}
    students = {sid: [] for sid in s_id.values()}
    company_rank = {}
    for round_student, place, by_company in (
        Choice.objects.filter(round_student__round=round_, place_id__in=p_id)
        .order_by("round_student", "rank")
        .values_list("round_student", "place", "company_rank")
        .iterator(chunk_size=10000)
    ):
        students[s_id[round_student]].append(p_id[place])
        if by_company is not None:
            company_rank[(s_id[round_student], p_id[place])] = by_company
    capacity = {p_id[pk]: cap for pk, cap in place_rows}
    lottery = lottery_priorities(students, capacity, round_.seed)
    ranked_places = {place for _student, place in company_rank}
    for place in ranked_places:
        # The company's ranked applicants first, in its order; the rest keep the lottery's.
        lottery[place].sort(
            key=lambda s, p=place: (company_rank.get((s, p)) is None, company_rank.get((s, p), 0))
        )
    places = {p: {"capacity": capacity[p], "priority": lottery[p]} for p in capacity}
    pseudonyms = {
        "students": {sid: pk for pk, sid in s_id.items()},
        "places": {pid: pk for pk, pid in p_id.items()},
        "ranked_by_company": sorted(ranked_places),
    }
    return {"students": students, "places": places}, pseudonyms


@transaction.atomic
def run_allocation(*, round_id, user=None):
    """Allocate the round: by its staff (`user`) at any time while it is open, or by the
    scheduled job (`user` None) once the last day for choices has passed. Stores the input
    file, seed, algorithm version and every student's result with its explanation."""
    if user is None:
        round_ = Round.objects.select_for_update().filter(pk=round_id).first()
        if round_ is None or round_.choices_deadline >= timezone.localdate():
            return None
    else:
        round_ = _staff_round(user, round_id, lock=True)
    _require(round_, RoundStatus.OPEN)
    round_.seed = secrets.randbelow(2**62)
    inputs, pseudonyms = build_inputs(round_)
    students, places = inputs["students"], inputs["places"]
    matching = allocate(students, places)["matching"]
    reasons = explain(students, places, matching)
    place_pk = pseudonyms["places"]
    ranked = set(pseudonyms["ranked_by_company"])
    Allocation.objects.filter(round_student__round=round_).delete()
    Allocation.objects.bulk_create(
        [
            Allocation(
                round_student_id=pk,
                place_id=place_pk[matching[sid]] if matching[sid] else None,
                explanation=[
                    {
                        **reason,
                        "place": place_pk[reason["place"]],
                        "company_ranked": reason["place"] in ranked,
                    }
                    for reason in reasons[sid]
                ],
            )
            for sid, pk in pseudonyms["students"].items()
        ],
        batch_size=2000,
    )
    round_.inputs = inputs
    round_.pseudonyms = pseudonyms
    round_.algorithm_version = ALGORITHM_VERSION
    round_.allocated_at = timezone.now()
    round_.status = RoundStatus.ALLOCATED
    round_.save(
        update_fields=[
            "seed",
            "inputs",
            "pseudonyms",
            "algorithm_version",
            "allocated_at",
            "status",
        ]
    )
    log(
        actor=user,
        action=actions.ROUND_ALLOCATED,
        obj=round_,
        organisation=round_.school_id,
        data={
            "seed": round_.seed,
            "algorithm_version": round_.algorithm_version,
            "automatic": user is None,
        },
    )
    notifications.allocated(round_)
    return round_


def allocate_due_rounds():
    """The scheduled job: allocate every open round whose last day for choices has passed."""
    due = Round.objects.filter(
        status=RoundStatus.OPEN, choices_deadline__lt=timezone.localdate()
    ).values_list("pk", flat=True)
    return sum(run_allocation(round_id=pk) is not None for pk in list(due))


@transaction.atomic
def place_by_hand(*, user, round_id, allocation_id, place_id, reason):
    round_ = _staff_round(user, round_id, lock=True)
    _require(round_, RoundStatus.ALLOCATED)
    allocation = (
        Allocation.objects.select_for_update()
        .filter(round_student__round=round_, pk=allocation_id)
        .first()
    )
    if allocation is None:
        raise PermissionDenied
    if allocation.place_id and allocation.status in HOLDING:
        raise ValidationError(_("The student already has a place in this round."))
    if not reason.strip():
        raise ValidationError(_("Say why the student is placed by hand."))
    if round_.follow_ups.exists():
        raise ValidationError(
            _("The unplaced students are in the follow-up round now: place them there.")
        )
    place = RoundPlace.objects.select_for_update().filter(round=round_, pk=place_id).first()
    if place is None:
        raise PermissionDenied
    if (place.capacity or 0) - seats_taken(round_).get(place.pk, 0) <= 0:
        raise ValidationError(_("That place has no free seat left."))
    allocation.place = place
    allocation.status = AllocationStatus.ALLOCATED
    allocation.manual = True
    allocation.reason = reason
    allocation.decided_by = user
    allocation.save(update_fields=["place", "status", "manual", "reason", "decided_by"])
    AllocationChange.objects.create(
        allocation=allocation, action="placed_by_hand", place=place, reason=reason, actor=user
    )
    log(
        actor=user,
        action=actions.ROUND_PLACED_BY_HAND,
        obj=round_,
        organisation=round_.school_id,
        data={"place": place.pk, "reason": reason},
    )
    return allocation


# --- the company confirms ------------------------------------------------------------------------


def company_allocations(user):
    return Allocation.objects.filter(
        place__offer__organisation__in=Organisation.objects.acted_for_by(user),
        round_student__round__status=RoundStatus.ALLOCATED,
    )


def _company_allocation(user, allocation_id):
    allocation = (
        company_allocations(user)
        .select_for_update()
        .filter(pk=allocation_id)
        .select_related("place__offer__organisation", "round_student__round__school")
        .first()
    )
    if allocation is None:
        raise PermissionDenied
    if allocation.status != AllocationStatus.ALLOCATED:
        raise ValidationError(_("This student has already been confirmed or declined."))
    return allocation


@transaction.atomic
def confirm_student(*, user, allocation_id):
    """The company takes the student: the placement is an accepted application of the offer
    (with the same guard as accepting one: the student row locked, no overlapping placement)."""
    allocation = _company_allocation(user, allocation_id)
    offer = allocation.place.offer
    student = User.objects.select_for_update().get(pk=allocation.round_student.student_id)
    choice = allocation.round_student.choices.filter(place=allocation.place).first()
    application = Application(
        offer=offer,
        student=student,
        motivation=(choice.motivation if choice else "") or allocation.round_student.round.title,
        status=ApplicationStatus.ACCEPTED,
        decided_at=timezone.now(),
    )
    clash = placement_selectors.overlapping_placements(application).first()
    if clash is not None:
        raise ValidationError(
            _("The student already has a place for an overlapping period (%(start)s – %(end)s).")
            % {"start": clash.offer.period_start, "end": clash.offer.period_end}
        )
    if (
        Application.objects.filter(offer=offer, student=student)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .exists()
    ):
        raise ValidationError(_("The student already has an application for this offer."))
    earlier = Application.objects.filter(offer=offer, student=student).count()
    application.attempt = earlier + 1
    application.save()
    StatusChange.objects.create(
        application=application,
        actor=user,
        action="application.accepted",
        to_status=ApplicationStatus.ACCEPTED,
        message=allocation.round_student.round.title,
    )
    allocation.status = AllocationStatus.CONFIRMED
    allocation.application = application
    allocation.save(update_fields=["status", "application"])
    AllocationChange.objects.create(
        allocation=allocation, action="confirmed", place=allocation.place, actor=user
    )
    log(
        actor=user,
        action=actions.ROUND_STUDENT_CONFIRMED,
        obj=allocation,
        organisation=offer.organisation_id,
        data={"place": allocation.place_id},
    )
    notifications.placement_confirmed(allocation)
    return allocation


@transaction.atomic
def decline_student(*, user, allocation_id, reason=""):
    """The company does not take the student: the seat is free again (for a second round or a
    placement by hand) and the student is listed as unplaced."""
    allocation = _company_allocation(user, allocation_id)
    allocation.status = AllocationStatus.DECLINED
    allocation.save(update_fields=["status"])
    AllocationChange.objects.create(
        allocation=allocation,
        action="declined",
        place=allocation.place,
        reason=reason,
        actor=user,
    )
    log(
        actor=user,
        action=actions.ROUND_STUDENT_DECLINED,
        obj=allocation,
        organisation=allocation.place.offer.organisation_id,
        data={"place": allocation.place_id, "reason": reason},
    )
    return allocation


@transaction.atomic
def start_follow_up(*, user, round_id, title, choices_deadline, confirmation_deadline):
    """A second, smaller round after an allocation: same school, programme, period and number
    of choices; its class list the students still without a place (none found, or declined),
    its places the old places' free seats (each confirmed with capacity = free seats)."""
    parent = _staff_round(user, round_id, lock=True)
    _require(parent, RoundStatus.ALLOCATED, RoundStatus.CLOSED)
    students = list(
        User.objects.filter(
            pk__in=unplaced(parent).values("round_student__student"),
            student_profile__school_id=parent.school_id,
            student_profile__school_confirmed_at__isnull=False,
            is_active=True,
        ).values_list("pk", flat=True)
    )
    free = free_places(parent)
    if not students:
        raise ValidationError(_("Every student of the round has a place: no follow-up needed."))
    if not free:
        raise ValidationError(_("No place of the round has a free seat for a follow-up round."))
    round_ = Round.objects.create(
        school=parent.school,
        programme=parent.programme,
        period_start=parent.period_start,
        period_end=parent.period_end,
        choices_allowed=parent.choices_allowed,
        title=title,
        choices_deadline=choices_deadline,
        confirmation_deadline=confirmation_deadline,
        parent=parent,
        created_by=user,
    )
    RoundStudent.objects.bulk_create([RoundStudent(round=round_, student_id=pk) for pk in students])
    now = timezone.now()
    RoundPlace.objects.bulk_create(
        [
            RoundPlace(
                round=round_,
                offer_id=place.offer_id,
                capacity=place.free,
                confirmed_by_id=place.confirmed_by_id,
                confirmed_at=now,
            )
            for place in free
        ]
    )
    log(
        actor=user,
        action=actions.ROUND_CREATED,
        obj=round_,
        organisation=round_.school_id,
        data={"title": round_.title, "parent": parent.pk},
    )
    return round_


@transaction.atomic
def close_round(*, user, round_id):
    """Staff close an allocated round: no more placements by hand, confirmations or declines;
    its pages are read-only."""
    round_ = _staff_round(user, round_id, lock=True)
    _require(round_, RoundStatus.ALLOCATED)
    round_.status = RoundStatus.CLOSED
    round_.save(update_fields=["status"])
    log(
        actor=user,
        action=actions.ROUND_CLOSED,
        obj=round_,
        organisation=round_.school_id,
        data={"status": [RoundStatus.ALLOCATED, RoundStatus.CLOSED]},
    )
    return round_


def unplaced(round_):
    """Allocations of students without a seat: none found, or declined by the company."""
    return (
        Allocation.objects.filter(round_student__round=round_)
        .filter(Q(place__isnull=True) | Q(status=AllocationStatus.DECLINED))
        .select_related("round_student__student")
    )
