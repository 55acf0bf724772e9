"""Rounds as the tests need them: built through the services, as staff and companies would."""

from datetime import timedelta

from django.utils import timezone

from placements.models import StudentProfile
from placements.rounds import services
from placements.rounds.models import Round, RoundStatus
from tests.factories import OfferFactory, StudentProfileFactory, UserFactory


def confirmed_student(school, teacher, **user):
    student = UserFactory(role="student", **user)
    StudentProfileFactory(
        user=student, school=school, school_confirmed_at=timezone.now(), school_confirmed_by=teacher
    )
    return student


def make_round(school, teacher, *, title="APL vt TE23A", **fields):
    today = timezone.localdate()
    values = {
        "title": title,
        "period_start": today + timedelta(days=30),
        "period_end": today + timedelta(days=60),
        "choices_deadline": today + timedelta(days=7),
        "confirmation_deadline": today + timedelta(days=3),
        **fields,
    }
    return services.create_round(user=teacher, school=school, **values)


def open_round(school, teacher, students, offers, capacities=None):
    """A round open for choices: `students` on the class list, `offers` confirmed by their
    first member with the given capacities (each offer's places by default)."""
    round_ = make_round(school, teacher)
    services.add_students(user=teacher, round_id=round_.pk, student_ids=[s.pk for s in students])
    services.add_offers(user=teacher, round_id=round_.pk, offer_ids=[o.pk for o in offers])
    for n, place in enumerate(round_.places.select_related("offer__organisation")):
        member = place.offer.organisation.memberships.first().user
        capacity = capacities[n] if capacities else place.offer.places
        services.confirm_capacity(user=member, place_id=place.pk, capacity=capacity)
    services.open_round(user=teacher, round_id=round_.pk)
    round_.refresh_from_db()
    return round_


def round_offer(company, **fields):
    return OfferFactory(organisation=company, **fields)


def rank(student, round_, *offers):
    """`student` ranks the round's places of `offers` in that order."""
    rs = round_.students.get(student=student)
    places = {p.offer_id: p.pk for p in round_.places.all()}
    ranking = {places[o.pk]: (n, f"Jag vill till {o.title}.") for n, o in enumerate(offers, 1)}
    return services.save_choices(student=student, round_student_id=rs.pk, ranking=ranking)


def allocated_round(world):
    """For the access table: a round of the teacher's school with Elsa (the student) on its
    list, LK's open internship as a place (1 seat), Elsa's choice and the allocation done."""
    people = world["people"]
    offer = world["open_offer"]
    school = StudentProfile.objects.get(user=people["student"]).school
    round_ = open_round(school, people["teacher"], [people["student"]], [offer], [1])
    rank(people["student"], round_, offer)
    services.run_allocation(round_id=round_.pk, user=people["teacher"])
    round_.refresh_from_db()
    assert round_.status == RoundStatus.ALLOCATED
    return round_


def draft_round(world):
    people = world["people"]
    school = StudentProfile.objects.get(user=people["student"]).school
    round_ = make_round(school, people["teacher"])
    services.add_students(
        user=people["teacher"], round_id=round_.pk, student_ids=[people["student"].pk]
    )
    services.add_offers(
        user=people["teacher"], round_id=round_.pk, offer_ids=[world["open_offer"].pk]
    )
    return Round.objects.get(pk=round_.pk)


def round_target(world, kind):
    """The access table's arguments for a round kind ("rounds.<what>"); what the actions need
    is kept in world["round"] (the round), world["round_place"] and world["round_allocation"]."""
    people = world["people"]
    teacher = people["teacher"]
    what = kind.removeprefix("rounds.")
    if what in ("draft", "draft_place"):
        round_ = draft_round(world)
        # Omar becomes a confirmed student of the school, so the teacher can add him.
        StudentProfileFactory(
            user=people["student2"],
            school=round_.school,
            school_confirmed_at=timezone.now(),
            school_confirmed_by=teacher,
        )
        world["round"] = round_
        if what == "draft_place":
            world["round_place"] = round_.places.get()
            return (world["round_place"].pk,)
        round_.places.all().delete()
        return (round_.pk,)
    if what == "ready":
        round_ = draft_round(world)
        place = round_.places.get()
        services.confirm_capacity(user=people["rep"], place_id=place.pk, capacity=1)
        return (round_.pk,)
    if what in ("open", "open_student", "open_place"):
        offer = world["open_offer"]
        school = StudentProfile.objects.get(user=people["student"]).school
        round_ = open_round(school, teacher, [people["student"]], [offer], [1])
        rank(people["student"], round_, offer)
        world["round"] = round_
        if what == "open_student":
            return (round_.students.get().pk,)
        if what == "open_place":
            world["round_choice"] = round_.students.get().choices.get()
            return (world["round_choice"].place_id,)
        return (round_.pk,)
    round_ = allocated_round(world)
    world["round"] = round_
    allocation = round_.students.get().allocation
    world["round_allocation"] = allocation
    world["round_place"] = allocation.place
    if what == "declined":
        services.decline_student(user=people["rep"], allocation_id=allocation.pk)
    if what == "allocation":
        return (allocation.pk,)
    if what == "student":
        return (allocation.round_student_id,)
    return (round_.pk,)
