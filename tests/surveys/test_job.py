"""The daily job: after a completed placement the student, the company's contact person and
the confirmed school's staff are invited; after a study visit each booker, the host's contact
person and the confirmed school's staff of a student who booked. Once each, however
often it runs; nothing for events that have not ended."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from college_portal.notifications.models import Notification
from college_portal.surveys.models import SurveyInvitation
from college_portal.surveys.services import send_survey_invitations
from placements.models import ApplicationStatus, PlacementAgreement
from tests.factories import (
    BookingFactory,
    OfferFactory,
    SlotFactory,
    StudentProfileFactory,
)
from tests.helpers import link_path


def survey_mails():
    return Notification.objects.filter(kind="survey_invitation")


@pytest.fixture
def completed(world, student, school, teacher):
    """Elsa's placement at LK, completed yesterday (her school link is confirmed)."""
    application = world["application"]
    application.status = ApplicationStatus.COMPLETED
    application.completed_at = timezone.now() - timedelta(days=1)
    application.save()
    return application


@pytest.mark.django_db
def test_a_completed_placement_invites_student_supervisor_and_school_staff_once(
    completed, student, teacher, commit
):
    with commit():
        first = send_survey_invitations()
    with commit():
        second = send_survey_invitations()

    assert first == 3 and second == 0
    invited = {(i.respondent_kind, i.email) for i in SurveyInvitation.objects.all()}
    assert invited == {
        ("student", student.email),
        ("supervisor", completed.offer.contact_email),
        ("school_staff", teacher.email),
    }
    assert survey_mails().count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e for _k, e in invited)


@pytest.mark.django_db
def test_the_mail_links_to_the_form_in_the_recipients_language(completed, student, client, commit):
    student.language = "en"
    student.save()
    with commit():
        send_survey_invitations()

    [message] = [m for m in mail.outbox if m.to == [student.email]]
    assert "survey" in message.subject.lower()
    path = link_path(message)
    assert path.startswith("/en/")
    response = client.get(path)
    assert response.status_code == 200
    assert "The placement met my expectations." in response.content.decode()


@pytest.mark.django_db
def test_no_invitation_before_the_event_has_ended(world, company, student, student2):
    world["application"].status = ApplicationStatus.ACCEPTED  # not completed
    world["application"].save()
    future = SlotFactory(offer=OfferFactory(organisation=company, study_visit=True))
    BookingFactory(slot=future, booked_by=student2)

    assert send_survey_invitations() == 0
    assert not survey_mails().exists()


@pytest.mark.django_db
def test_an_unconfirmed_school_link_invites_no_staff(completed, world, teacher):
    world["profile"].school_confirmed_at = None
    world["profile"].save()

    send_survey_invitations()

    assert not SurveyInvitation.objects.filter(email=teacher.email).exists()


@pytest.mark.django_db
def test_a_study_visit_that_ended_invites_each_booker_and_the_host_once(company, student2, teacher):
    ended = (timezone.localtime() - timedelta(days=1)).replace(hour=11, minute=0)
    slot = SlotFactory(
        offer=OfferFactory(organisation=company, study_visit=True),
        starts_at=ended - timedelta(hours=2),
        ends_at=ended,
    )
    StudentProfileFactory(user=student2)
    BookingFactory(slot=slot, booked_by=student2)
    BookingFactory(slot=slot, booked_by=teacher, group_size=12)
    BookingFactory(slot=slot, status="cancelled")

    assert send_survey_invitations() == 3
    assert send_survey_invitations() == 0

    # The bookers, and the host's contact person once for the visit (two bookings, one row).
    kinds = dict(SurveyInvitation.objects.values_list("email", "respondent_kind"))
    assert kinds == {
        student2.email: "student",
        teacher.email: "school_staff",
        slot.offer.contact_email: "supervisor",
    }
    assert survey_mails().count() == 3
    assert {i.event_kind for i in SurveyInvitation.objects.all()} == {"study_visit"}


@pytest.mark.django_db
def test_the_supervisor_named_in_the_apl_agreement_is_asked_instead_of_the_contact(completed):
    PlacementAgreement.objects.create(
        application=completed,
        supervisor_name="Anders Berg",
        supervisor_email="anders@lkprecision.example",
    )

    send_survey_invitations()

    supervisors = SurveyInvitation.objects.filter(respondent_kind="supervisor")
    assert [i.email for i in supervisors] == ["anders@lkprecision.example"]


@pytest.mark.django_db
def test_a_students_study_visit_also_asks_her_confirmed_schools_staff(world, student, teacher):
    ended = (timezone.localtime() - timedelta(days=1)).replace(hour=11, minute=0)
    slot = SlotFactory(
        offer=OfferFactory(organisation=world["company"], study_visit=True),
        starts_at=ended - timedelta(hours=2),
        ends_at=ended,
    )
    BookingFactory(slot=slot, booked_by=student)  # Elsa: her school has confirmed her

    send_survey_invitations()

    kinds = dict(
        SurveyInvitation.objects.filter(event_kind="study_visit").values_list(
            "email", "respondent_kind"
        )
    )
    assert kinds[student.email] == "student"
    assert kinds[teacher.email] == "school_staff"
