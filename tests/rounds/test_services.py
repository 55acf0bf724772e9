"""Allocation rounds through their services: preparing, choosing, allocating, confirming."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from college_portal.notifications.models import Notification
from placements.models import Application, ApplicationStatus
from placements.rounds import services
from placements.rounds.models import Allocation, AllocationStatus, Round, RoundStatus
from placements.rounds.notifications import remind_students
from tests.factories import MembershipFactory, OfferFactory, OrganisationFactory, UserFactory

from .helpers import confirmed_student, make_round, open_round, rank

pytestmark = pytest.mark.django_db


@pytest.fixture
def klass(school, teacher):
    return [
        confirmed_student(school, teacher, full_name=f"Elev {n}", email=f"elev{n}@example.org")
        for n in range(1, 5)
    ]


@pytest.fixture
def offers(company, company2, rep, rep2):
    return [
        OfferFactory(organisation=company, title="CNC hos LK", places=2),
        OfferFactory(organisation=company2, title="Fräsning i Huddinge", places=1),
    ]


def test_only_confirmed_students_of_the_school_join(school, teacher, klass):
    round_ = make_round(school, teacher)
    unconfirmed = UserFactory(role="student")
    from tests.factories import StudentProfileFactory

    StudentProfileFactory(user=unconfirmed, school=school)
    with pytest.raises(ValidationError):
        services.add_students(user=teacher, round_id=round_.pk, student_ids=[unconfirmed.pk])
    assert (
        services.add_students(user=teacher, round_id=round_.pk, student_ids=[s.pk for s in klass])
        == 4
    )
    assert set(services.eligible_students(round_)) == set()


def test_other_schools_staff_cannot_touch_the_round(school, teacher, klass):
    round_ = make_round(school, teacher)
    other_school = OrganisationFactory(kind="school")
    other = MembershipFactory(organisation=other_school, user__role="school_staff").user
    with pytest.raises(PermissionDenied):
        services.add_students(user=other, round_id=round_.pk, student_ids=[klass[0].pk])
    with pytest.raises(PermissionDenied):
        services.create_round(
            user=other,
            school=school,
            title="x",
            period_start=round_.period_start,
            period_end=round_.period_end,
            choices_deadline=round_.choices_deadline,
            confirmation_deadline=round_.confirmation_deadline,
        )


def test_offers_join_by_period_and_programme(school, teacher, company, rep):
    round_ = make_round(school, teacher)
    inside = OfferFactory(organisation=company, title="Inom perioden")
    OfferFactory(
        organisation=company,
        title="Långt senare",
        period_start=round_.period_end + timedelta(days=10),
        period_end=round_.period_end + timedelta(days=40),
    )
    OfferFactory(organisation=company, study_visit=True)
    assert list(services.eligible_offers(round_)) == [inside]
    assert services.add_offers(user=teacher, round_id=round_.pk) == 1
    # LK's members are asked to confirm their places.
    assert Notification.objects.filter(kind="round_capacity_requested", email=rep.email).exists()


def test_company_confirms_or_lowers_but_never_raises_capacity(school, teacher, offers, rep, rep2):
    round_ = make_round(school, teacher)
    services.add_offers(user=teacher, round_id=round_.pk)
    lk = round_.places.get(offer=offers[0])
    with pytest.raises(ValidationError):
        services.confirm_capacity(user=rep, place_id=lk.pk, capacity=3)
    with pytest.raises(PermissionDenied):  # another company's place
        services.confirm_capacity(user=rep2, place_id=lk.pk, capacity=1)
    assert services.confirm_capacity(user=rep, place_id=lk.pk, capacity=1).capacity == 1


def test_choices_are_validated(school, teacher, klass, offers):
    round_ = open_round(school, teacher, klass, offers)
    rs = round_.students.get(student=klass[0])
    a, b = (p.pk for p in round_.places.order_by("pk"))
    with pytest.raises(ValidationError):
        services.save_choices(
            student=klass[0], round_student_id=rs.pk, ranking={a: (1, ""), b: (1, "")}
        )
    with pytest.raises(PermissionDenied):  # another student's list
        services.save_choices(student=klass[1], round_student_id=rs.pk, ranking={a: (1, "")})
    Round.objects.filter(pk=round_.pk).update(choices_allowed=1)
    with pytest.raises(ValidationError):
        services.save_choices(
            student=klass[0], round_student_id=rs.pk, ranking={a: (1, ""), b: (2, "")}
        )
    Round.objects.filter(pk=round_.pk).update(choices_allowed=5)
    services.save_choices(
        student=klass[0], round_student_id=rs.pk, ranking={b: (1, "x"), a: (2, "")}
    )
    assert list(rs.choices.values_list("place", "rank")) == [(b, 1), (a, 2)]
    Round.objects.filter(pk=round_.pk).update(
        choices_deadline=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(ValidationError):  # after the deadline
        services.save_choices(student=klass[0], round_student_id=rs.pk, ranking={a: (1, "")})


def test_reminders_go_once_to_those_who_have_not_chosen(school, teacher, klass, offers):
    round_ = open_round(school, teacher, klass, offers)
    Round.objects.filter(pk=round_.pk).update(
        choices_deadline=timezone.localdate() + timedelta(days=2)
    )
    rank(klass[0], round_, offers[0])
    assert remind_students() == 3
    assert remind_students() == 0
    reminded = set(
        Notification.objects.filter(kind="round_choice_reminder").values_list("email", flat=True)
    )
    assert reminded == {s.email for s in klass[1:]}


def placed(round_):
    """An allocation with a place (who gets one depends on the round's random seed)."""
    return Allocation.objects.filter(round_student__round=round_, place__isnull=False).first()


def allocated(school, teacher, klass, offers):
    round_ = open_round(school, teacher, klass, offers)
    rank(klass[0], round_, offers[1], offers[0])
    rank(klass[1], round_, offers[1], offers[0])
    rank(klass[2], round_, offers[1], offers[0])
    rank(klass[3], round_, offers[1])
    return services.run_allocation(round_id=round_.pk, user=teacher)


def test_allocation_is_stored_reproducible_and_explained(
    school, teacher, klass, offers, tmp_path, capsys
):
    round_ = allocated(school, teacher, klass, offers)
    results = {
        a.round_student.student: a
        for a in round_.students.all().select_related("allocation", "student")
        for a in [a.allocation]
    }
    # Fräsning (1 seat) goes to one of the four; LK (2 seats) to two of the other three who
    # ranked it; the fourth, who ranked only Fräsning, is unplaced.
    holders = [s for s, a in results.items() if a.place and a.place.offer == offers[1]]
    assert len(holders) == 1
    assert sum(1 for a in results.values() if a.place and a.place.offer == offers[0]) == 2
    assert len(services.unplaced(round_)) == 1
    for student, allocation in results.items():
        if student not in holders:
            why = allocation.explanation[0]
            assert why["reason"] == "full" and why["place"] == round_.places.get(offer=offers[1]).pk
    assert round_.algorithm_version and round_.seed is not None
    # The stored input file re-run by the command gives the stored matching.
    path = tmp_path / "round.json"
    path.write_text(json.dumps(round_.inputs))
    call_command("allocate", "--input", str(path))
    printed = json.loads(capsys.readouterr().out)["matching"]
    stored = {
        sid: next((p for p, pk in round_.pseudonyms["places"].items() if a.place_id == pk), None)
        for sid, rs_pk in round_.pseudonyms["students"].items()
        for a in [round_.students.get(pk=rs_pk).allocation]
    }
    assert printed == stored
    assert set(round_.inputs["students"]) == {"s1", "s2", "s3", "s4"}


def test_scheduled_job_allocates_only_after_the_deadline(school, teacher, klass, offers):
    round_ = open_round(school, teacher, klass, offers)
    assert services.allocate_due_rounds() == 0
    # The job's own call refuses a round whose last day has not passed, whoever lists it.
    assert services.run_allocation(round_id=round_.pk) is None
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.OPEN
    Round.objects.filter(pk=round_.pk).update(
        choices_deadline=timezone.localdate() - timedelta(days=1)
    )
    assert services.allocate_due_rounds() == 1
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.ALLOCATED


def test_confirm_makes_an_accepted_placement_and_tells_both_sides(
    school, teacher, klass, offers, rep, rep2
):
    round_ = allocated(school, teacher, klass, offers)
    allocation = placed(round_)
    member = rep if allocation.place.offer == offers[0] else rep2
    stranger = rep2 if member == rep else rep
    with pytest.raises(PermissionDenied):
        services.confirm_student(user=stranger, allocation_id=allocation.pk)
    services.confirm_student(user=member, allocation_id=allocation.pk)
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.CONFIRMED
    assert allocation.application.status == ApplicationStatus.ACCEPTED
    assert allocation.application.student == allocation.round_student.student
    company_mail = Notification.objects.get(kind="round_start_company", email=member.email)
    assert company_mail.context["school_email"] == teacher.email
    school_mail = Notification.objects.get(kind="round_start_school", email=teacher.email)
    assert school_mail.context["workplace_email"] == allocation.place.offer.contact_email
    with pytest.raises(ValidationError):  # twice
        services.confirm_student(user=member, allocation_id=allocation.pk)
    # The placement takes its APL agreement like any accepted application.
    from placements.agreements import save_agreement

    agreement = save_agreement(
        user=member,
        application_id=allocation.application_id,
        values={"supervisor_name": "Karin Berg", "supervisor_email": "karin@example.org"},
        objectives=[],
    )
    assert agreement.student == allocation.round_student.student


def test_decline_frees_the_seat_for_a_placement_by_hand(school, teacher, klass, offers, rep, rep2):
    round_ = allocated(school, teacher, klass, offers)
    lk = round_.places.get(offer=offers[0])
    taken = lk.allocations.first()
    services.decline_student(user=rep, allocation_id=taken.pk, reason="Ingen handledare")
    lonely = services.unplaced(round_).exclude(pk=taken.pk).get()
    with pytest.raises(ValidationError):  # a reason is needed
        services.place_by_hand(
            user=teacher, round_id=round_.pk, allocation_id=lonely.pk, place_id=lk.pk, reason=" "
        )
    services.place_by_hand(
        user=teacher, round_id=round_.pk, allocation_id=lonely.pk, place_id=lk.pk, reason="Bor nära"
    )
    lonely.refresh_from_db()
    assert lonely.place == lk and lonely.manual
    assert lonely.history.get().reason == "Bor nära"
    # LK's seats are full again: nobody else fits.
    with pytest.raises(ValidationError):
        services.place_by_hand(
            user=teacher, round_id=round_.pk, allocation_id=taken.pk, place_id=lk.pk, reason="x"
        )


def test_confirming_refuses_an_overlapping_placement(school, teacher, klass, offers, rep, rep2):
    round_ = allocated(school, teacher, klass, offers)
    allocation = placed(round_)
    other = OfferFactory(organisation=offers[0].organisation, title="Annan praktik")
    Application.objects.create(
        offer=other,
        student=allocation.round_student.student,
        motivation="m",
        status=ApplicationStatus.ACCEPTED,
    )
    member = rep if allocation.place.offer == offers[0] else rep2
    with pytest.raises(ValidationError):
        services.confirm_student(user=member, allocation_id=allocation.pk)


def test_every_round_e_mail_renders_in_both_languages(school, teacher, klass, offers, rep, rep2):
    from college_portal.notifications.services import render_message

    round_ = open_round(school, teacher, klass, offers)
    Round.objects.filter(pk=round_.pk).update(
        choices_deadline=timezone.localdate() + timedelta(days=1)
    )
    rank(klass[0], round_, offers[0])
    remind_students()
    round_ = services.run_allocation(round_id=round_.pk, user=teacher)
    allocation = placed(round_)
    member = rep if allocation.place.offer == offers[0] else rep2
    services.confirm_student(user=member, allocation_id=allocation.pk)
    kinds = {
        "round_capacity_requested": "Bekräfta era platser",
        "round_choices_open": "Välj dina arbetsplatser",
        "round_choice_reminder": "Påminnelse",
        "round_result": "Ditt resultat",
        "round_start_company": "Startinformation",
        "round_start_school": "har bekräftat",
    }
    for kind, swedish in kinds.items():
        notification = Notification.objects.filter(kind=kind).first()
        assert notification is not None, kind
        message = render_message(notification)
        assert swedish in message.subject, kind
        named = "offer" if kind.startswith("round_start") else "round"
        assert notification.context[named] in message.body, kind
        notification.language = "en"
        assert "{{" not in render_message(notification).body
    start = render_message(Notification.objects.filter(kind="round_start_company").first())
    assert allocation.round_student.student.email in start.body and teacher.email in start.body


def test_a_company_ranking_replaces_the_lottery_and_is_explained(
    school, teacher, klass, offers, rep, rep2, tmp_path, capsys
):
    round_ = open_round(school, teacher, klass, offers)
    for student in klass:
        rank(student, round_, offers[1])  # all want Huddinge's one place
    huddinge = round_.places.get(offer=offers[1])
    favourite = huddinge.choices.get(round_student__student=klass[3])
    with pytest.raises(PermissionDenied):  # not LK's to rank
        services.rank_applicants(user=rep, place_id=huddinge.pk, ranking={favourite.pk: 1})
    with pytest.raises(ValidationError):
        services.rank_applicants(
            user=rep2,
            place_id=huddinge.pk,
            ranking={c.pk: 1 for c in huddinge.choices.all()[:2]},
        )
    services.rank_applicants(user=rep2, place_id=huddinge.pk, ranking={favourite.pk: 1})
    round_ = services.run_allocation(round_id=round_.pk, user=teacher)
    assert Allocation.objects.get(place=huddinge).round_student.student == klass[3]
    others = Allocation.objects.filter(round_student__round=round_).exclude(place=huddinge)
    assert all(a.explanation[0]["company_ranked"] for a in others)
    # The input file carries the company's order, so the command gives the same matching.
    path = tmp_path / "round.json"
    path.write_text(json.dumps(round_.inputs))
    call_command("allocate", "--input", str(path))
    matching = json.loads(capsys.readouterr().out)["matching"]
    winner = {pk: sid for sid, pk in round_.pseudonyms["students"].items()}[
        round_.students.get(student=klass[3]).pk
    ]
    assert (
        matching[winner]
        == {pk: pid for pid, pk in round_.pseudonyms["places"].items()}[huddinge.pk]
    )
