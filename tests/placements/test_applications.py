"""Applying for an internship and the company's decisions: one application per student and
offer, only while the offer is open; the student withdraws while undecided; accept, decline,
wait-list, each told to the student in one e-mail in their language; never more accepted than
places; a freed place goes to the first on the waiting list; every change in the history."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from placements.models import Application, ApplicationStatus, StatusChange
from tests.factories import ApplicationFactory, OfferFactory
from tests.helpers import post, shown_messages, sv, url

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
MOTIVATION = "Jag har läst ritningsläsning och vill lära mig ställa in en CNC-svarv på riktigt."


def post_apply(client, offer):
    return post(client, url("placements:apply", offer.pk), {"motivation": MOTIVATION})


def decide(client, application, decision, message=""):
    return post(
        client, url("placements:decide", application.pk), {"decision": decision, "message": message}
    )


# --- Applying --------------------------------------------------------------------------------


def test_student_applies_once(client, student, offer, rep, colleague, commit):
    client.force_login(student)

    with commit():
        first = post_apply(client, offer)

    application = Application.objects.get()
    assert first["Location"] == url("placements:application_detail", application.pk)
    assert (application.student, application.status) == (student, ApplicationStatus.SUBMITTED)
    # Each of the company's representatives hears of it once.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([colleague.email, rep.email])
    assert all(offer.title in m.subject for m in mail.outbox)

    with commit():
        second = post_apply(client, offer)

    assert second["Location"] == url("placements:offer_detail", offer.pk)
    assert shown_messages(second) == [sv("You have already applied for this internship.")]
    assert Application.objects.count() == 1
    assert len(mail.outbox) == 2
    page = client.get(url("placements:offer_detail", offer.pk)).content.decode()
    assert url("placements:application_detail", application.pk) in page
    assert url("placements:apply", offer.pk) not in page  # no second form


def test_no_application_after_the_deadline(client, student, company):
    offer = OfferFactory(organisation=company, application_deadline=TODAY - timedelta(days=1))
    client.force_login(student)
    page = client.get(url("placements:offer_detail", offer.pk)).content.decode()
    assert url("placements:apply", offer.pk) not in page

    response = post_apply(client, offer)

    assert shown_messages(response) == [sv("This offer is not open for applications.")]
    assert not Application.objects.exists()


def test_the_last_day_is_still_open(client, student, company, commit):
    offer = OfferFactory(organisation=company, application_deadline=TODAY)
    client.force_login(student)

    with commit():
        post_apply(client, offer)

    assert Application.objects.filter(offer=offer).count() == 1


@pytest.mark.parametrize("trait", ["closed", "draft"])
def test_no_application_to_a_closed_or_draft_offer(client, student, company, trait):
    offer = OfferFactory(organisation=company, **{trait: True})
    client.force_login(student)

    response = post_apply(client, offer)

    assert response.status_code == 404
    assert not Application.objects.exists()


def test_only_students_apply(client, teacher, rep, offer):
    for person in (teacher, rep):
        client.force_login(person)
        assert post_apply(client, offer).status_code == 403
    assert not Application.objects.exists()


# --- Withdrawing -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["submitted", "waitlisted"])
def test_student_withdraws_while_undecided(client, student, offer, status, commit):
    application = ApplicationFactory(offer=offer, student=student, status=status)
    client.force_login(student)
    page = client.get(url("placements:application_detail", application.pk)).content.decode()
    assert url("placements:withdraw", application.pk) in page

    with commit():
        response = post(client, url("placements:withdraw", application.pk))

    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.withdrawn_at is not None
    assert shown_messages(response) == [sv("Your application has been withdrawn.")]
    page = client.get(url("placements:application_detail", application.pk)).content.decode()
    assert url("placements:withdraw", application.pk) not in page


@pytest.mark.parametrize("status", ["declined", "completed", "withdrawn"])
def test_a_decided_application_cannot_be_withdrawn(client, student, offer, status):
    application = ApplicationFactory(offer=offer, student=student, status=status)
    client.force_login(student)

    response = post(client, url("placements:withdraw", application.pk))

    assert shown_messages(response) == [sv("This application can no longer be withdrawn.")]
    application.refresh_from_db()
    assert application.status == status
    assert not StatusChange.objects.exists()


# --- Deciding --------------------------------------------------------------------------------

SUBJECTS = {
    "accept": "You got the internship: {offer}",
    "waitlist": "You are on the waiting list: {offer}",
    "decline": "Decision on your application: {offer}",
}
STATUS = {"accept": "accepted", "waitlist": "waitlisted", "decline": "declined"}


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("decision", ["accept", "waitlist", "decline"])
def test_each_decision_is_one_mail_to_the_student_in_their_language(
    client, student, rep, offer, decision, language, commit
):
    student.language = language
    student.save(update_fields=["language"])
    application = ApplicationFactory(offer=offer, student=student)
    client.force_login(rep)

    with commit():
        response = decide(client, application, decision, "Hör av dig till Karin före start.")

    application.refresh_from_db()
    assert application.status == STATUS[decision]
    assert application.decision_message == "Hör av dig till Karin före start."
    assert response["Location"] == url("placements:application_detail", application.pk)
    [message] = mail.outbox
    assert message.to == [student.email]
    with translation.override(language):
        subject = gettext(SUBJECTS[decision].replace("{offer}", "%(offer)s")) % {
            "offer": offer.title
        }
    assert message.subject == subject
    if language == "en":
        assert message.subject == SUBJECTS[decision].format(offer=offer.title)
    assert "Hör av dig till Karin före start." in message.body
    # The link takes the student to their application, in their language.
    link = url("placements:application_detail", application.pk, lang=language)
    assert link in message.body
    other = "en" if language == "sv" else "sv"
    assert url("placements:application_detail", application.pk, lang=other) not in message.body
    html = message.alternatives[0][0]
    assert link in html


def test_a_decision_is_shown_to_the_student(client, student, rep, offer, commit):
    application = ApplicationFactory(offer=offer, student=student)
    client.force_login(rep)
    with commit():
        decide(client, application, "accept", "Välkommen måndag 7.00!")

    client.force_login(student)
    page = client.get(url("placements:application_detail", application.pk, lang="en"))

    html = page.content.decode()
    assert "Accepted" in html
    assert "Välkommen måndag 7.00!" in html


def test_never_more_accepted_than_places(client, rep, colleague, company, commit):
    offer = OfferFactory(organisation=company, places=1)
    first, second = ApplicationFactory.create_batch(2, offer=offer)
    client.force_login(rep)
    with commit():
        decide(client, first, "accept")
    mail.outbox.clear()
    client.force_login(colleague)

    with commit():
        response = decide(client, second, "accept")

    assert shown_messages(response) == [
        sv("All places are taken. Wait-list the student or decline.")
    ]
    second.refresh_from_db()
    assert second.status == ApplicationStatus.SUBMITTED
    assert offer.applications.filter(status="accepted").count() == 1
    assert mail.outbox == []
    # Wait-listing is still possible.
    with commit():
        decide(client, second, "waitlist")
    second.refresh_from_db()
    assert second.status == ApplicationStatus.WAITLISTED


def test_a_declined_application_cannot_be_accepted(client, rep, offer):
    application = ApplicationFactory(offer=offer, status="declined")
    client.force_login(rep)

    response = decide(client, application, "accept")

    assert len(shown_messages(response)) == 1
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED


def test_accepted_student_withdraws_reps_hear_and_the_first_on_the_list_is_next(
    client, company, rep, colleague, commit
):
    offer = OfferFactory(organisation=company, places=1)
    accepted = ApplicationFactory(offer=offer, status="accepted", decided_at=timezone.now())
    later_applicant = ApplicationFactory(offer=offer)
    first_on_list = ApplicationFactory(offer=offer)
    client.force_login(rep)
    with commit():
        decide(client, first_on_list, "waitlist")
        decide(client, later_applicant, "waitlist")
    page = client.get(url("placements:applicants", offer.pk)).content.decode()
    assert url("placements:application_detail", first_on_list.pk) in page
    assert sv("Offer the place") not in page  # no place free yet
    mail.outbox.clear()

    client.force_login(accepted.student)
    with commit():
        post(client, url("placements:withdraw", accepted.pk))

    assert sorted(m.to[0] for m in mail.outbox) == sorted([colleague.email, rep.email])
    assert all(offer.title in m.subject for m in mail.outbox)
    client.force_login(rep)
    response = client.get(url("placements:applicants", offer.pk, lang="en"))
    assert response.context["next_waitlisted"] == first_on_list
    html = response.content.decode()
    assert f"First on the waiting list: {first_on_list.student}." in html
    assert "Offer the place" in html
    assert "1 place left." in html
    # The representative offers the place to the first on the list.
    with commit():
        decide(client, first_on_list, "accept")
    first_on_list.refresh_from_db()
    assert first_on_list.status == ApplicationStatus.ACCEPTED
    assert [m.to for m in mail.outbox[-1:]] == [[first_on_list.student.email]]


def test_withdrawn_mail_says_the_place_is_free(company, rep, client, commit):
    rep.language = "en"
    rep.save(update_fields=["language"])
    offer = OfferFactory(organisation=company)
    accepted = ApplicationFactory(offer=offer, status="accepted")
    client.force_login(accepted.student)

    with commit():
        post(client, url("placements:withdraw", accepted.pk))

    [message] = [m for m in mail.outbox if m.to == [rep.email]]
    assert "The place is free again" in message.body
    assert url("placements:applicants", offer.pk, lang="en") in message.body


# --- Completing -----------------------------------------------------------------------------


def test_complete_only_after_the_period(client, rep, company):
    offer = OfferFactory(
        organisation=company,
        application_deadline=TODAY - timedelta(days=30),
        period_start=TODAY - timedelta(days=20),
        period_end=TODAY + timedelta(days=1),
    )
    application = ApplicationFactory(offer=offer, status="accepted")
    client.force_login(rep)

    response = post(client, url("placements:complete", application.pk))

    assert shown_messages(response) == [sv("The placement period has not ended yet.")]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED

    offer.period_end = TODAY - timedelta(days=1)
    offer.save()
    response = post(client, url("placements:complete", application.pk))

    assert shown_messages(response) == [sv("The placement is marked as completed.")]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COMPLETED
    assert application.completed_at is not None


def test_only_an_accepted_placement_is_completed(client, rep, company):
    offer = OfferFactory(
        organisation=company,
        application_deadline=TODAY - timedelta(days=30),
        period_start=TODAY - timedelta(days=20),
        period_end=TODAY - timedelta(days=1),
    )
    application = ApplicationFactory(offer=offer)
    client.force_login(rep)

    post(client, url("placements:complete", application.pk))

    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


# --- History --------------------------------------------------------------------------------


def test_every_change_is_in_the_history_on_the_application_page(
    client, student, rep, colleague, company, commit
):
    offer = OfferFactory(
        organisation=company,
        places=1,
        application_deadline=TODAY,
        period_start=TODAY + timedelta(days=1),
        period_end=TODAY + timedelta(days=2),
    )
    client.force_login(student)
    with commit():
        post_apply(client, offer)
    application = Application.objects.get()
    client.force_login(rep)
    with commit():
        decide(client, application, "waitlist", "Du står först på listan.")
    client.force_login(colleague)
    with commit():
        decide(client, application, "accept", "Nu fick du platsen!")
    # The period ends; the colleague marks the placement completed.
    offer.period_end = TODAY - timedelta(days=1)
    offer.period_start = TODAY - timedelta(days=2)
    offer.application_deadline = TODAY - timedelta(days=3)
    offer.save()
    with commit():
        post(client, url("placements:complete", application.pk))

    expected = [
        (student, "", "submitted", ""),
        (rep, "submitted", "waitlisted", "Du står först på listan."),
        (colleague, "waitlisted", "accepted", "Nu fick du platsen!"),
        (colleague, "accepted", "completed", ""),
    ]
    assert [
        (c.actor, c.from_status, c.to_status, c.message) for c in application.history.all()
    ] == expected

    client.force_login(student)
    html = client.get(url("placements:application_detail", application.pk, lang="en")).content
    html = html.decode()
    history = html[html.index("<h2>History</h2>") :]
    history = history[: history.index("</ol>")]
    entries = history.split("<li>")[1:]
    assert len(entries) == 4
    for entry, (actor, from_label, to_label, message) in zip(
        entries,
        [
            ("Elsa Lindqvist", None, "Submitted", None),
            ("Karin Berg", "Submitted", "Wait-listed", "Du står först på listan."),
            (str(colleague), "Wait-listed", "Accepted", "Nu fick du platsen!"),
            (str(colleague), "Accepted", "Completed", None),
        ],
        strict=True,
    ):
        assert f"({actor})" in entry
        assert f"<strong>{to_label}</strong>" in entry
        if from_label:
            assert f"{from_label} → " in entry
        if message:
            assert message in entry
