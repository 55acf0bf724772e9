"""Scheduled e-mails of placements: the reminder the day before a study visit, the note to a
company when an offer's last day has passed with undecided applicants, and the weekly digest of
new matching offers with its unsubscribe link. Each is sent once however often the job runs."""

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from college_portal.notifications.models import Notification
from placements.models import StudentProfile
from placements.notifications import (
    remind_study_visits,
    report_passed_deadlines,
    send_weekly_digests,
)
from tests.factories import (
    ApplicationFactory,
    BookingFactory,
    OfferFactory,
    ProgrammeFactory,
    SlotFactory,
    StudentProfileFactory,
)
from tests.helpers import url

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TODAY = timezone.localdate()


def local(day, hour, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)


def to(address):
    return [m for m in mail.outbox if m.to == [address]]


# --- Reminder the day before a study visit -------------------------------------------------


@pytest.fixture
def tomorrows_visits(visit, student, student2, teacher):
    now = local(TODAY, 8)  # the job runs at 08:00
    tomorrow = TODAY + timedelta(days=1)

    def booking(starts, person, **fields):
        slot = SlotFactory(offer=visit, starts_at=starts, ends_at=starts + timedelta(hours=2))
        return BookingFactory(slot=slot, booked_by=person, **fields)

    return {
        "now": now,
        # Just after midnight, Stockholm time: still tomorrow (in UTC it is today).
        "early": booking(local(tomorrow, 0, 30), student),
        "class": booking(local(tomorrow, 13), teacher, group_size=18, class_name="TE22B"),
        "cancelled": booking(local(tomorrow, 9), student2, status="cancelled"),
        "later": booking(local(tomorrow + timedelta(days=1), 9), student2),
        # Late tonight, Stockholm time: today (in UTC too), not tomorrow.
        "tonight": booking(local(TODAY, 23, 30), student2),
    }


def test_reminder_once_for_tomorrows_bookings(commit, tomorrows_visits, student, student2, teacher):
    now = tomorrows_visits["now"]

    with commit():
        assert remind_study_visits(now=now) == 2
    with commit():
        remind_study_visits(now=now)
        remind_study_visits(now=now + timedelta(hours=6))

    assert len(mail.outbox) == 2
    [to_student] = to(student.email)
    [to_teacher] = to(teacher.email)
    assert to(student2.email) == []  # cancelled, day after tomorrow, tonight
    assert tomorrows_visits["early"].slot.offer.organisation.name in to_student.subject
    # The reminder brings the calendar file again.
    for message in (to_student, to_teacher):
        [(name, _content, mimetype)] = message.attachments
        assert (name.endswith(".ics"), mimetype) == (True, "text/calendar")
    assert url("placements:booking_detail", tomorrows_visits["class"].pk) in to_teacher.body


def test_the_next_day_reminds_the_next_visits(commit, tomorrows_visits, student2):
    with commit():
        remind_study_visits(now=tomorrows_visits["now"])
    mail.outbox.clear()

    with commit():
        assert remind_study_visits(now=tomorrows_visits["now"] + timedelta(days=1)) == 1

    [message] = mail.outbox
    assert message.to == [student2.email]


def test_no_reminder_for_a_booking_cancelled_before_the_job(commit, tomorrows_visits, client):
    early = tomorrows_visits["early"]
    client.force_login(early.booked_by)
    client.post(url("placements:booking_cancel", early.pk))

    with commit():
        remind_study_visits(now=tomorrows_visits["now"])

    assert to(early.booked_by.email) == []


# --- Last day passed with undecided applications ---------------------------------------------


@pytest.fixture
def deadlines(company, company2, rep, colleague, rep2):
    waiting = OfferFactory(organisation=company, application_deadline=TODAY - timedelta(days=1))
    ApplicationFactory.create_batch(2, offer=waiting)
    ApplicationFactory(offer=waiting, status="waitlisted")
    ApplicationFactory(offer=waiting, status="accepted")
    all_decided = OfferFactory(
        organisation=company2, application_deadline=TODAY - timedelta(days=1)
    )
    ApplicationFactory(offer=all_decided, status="declined")
    still_open = OfferFactory(organisation=company2, application_deadline=TODAY)
    ApplicationFactory(offer=still_open)
    return {"waiting": waiting, "still_open": still_open}


def test_deadline_passed_mail_once_per_offer_and_representative(
    commit, deadlines, rep, colleague, rep2
):
    with commit():
        report_passed_deadlines(today=TODAY)
    with commit():
        report_passed_deadlines(today=TODAY)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([rep.email, colleague.email])
    offer = deadlines["waiting"]
    for message in mail.outbox:
        assert offer.title in message.subject
        assert " 3 " in message.body  # two submitted, one wait-listed
        assert url("placements:applicants", offer.pk) in message.body
    # The other company's offer whose last day is today, and the one all decided: nothing yet.
    assert to(rep2.email) == []

    # Tomorrow: today's deadline has passed too; the first offer is not repeated.
    with commit():
        report_passed_deadlines(today=TODAY + timedelta(days=1))
        report_passed_deadlines(today=TODAY + timedelta(days=2))

    assert len(to(rep.email)) == len(to(colleague.email)) == 1
    [to_rep2] = to(rep2.email)
    assert deadlines["still_open"].title in to_rep2.subject


def test_a_new_deadline_is_a_new_event(commit, deadlines, rep, colleague):
    with commit():
        report_passed_deadlines(today=TODAY)
    offer = deadlines["waiting"]
    offer.application_deadline = TODAY + timedelta(days=3)
    offer.save()
    mail.outbox.clear()

    with commit():
        report_passed_deadlines(today=TODAY + timedelta(days=1))
    assert to(rep.email) == to(colleague.email) == []
    with commit():
        report_passed_deadlines(today=TODAY + timedelta(days=4))

    assert len(to(rep.email)) == len(to(colleague.email)) == 1


# --- Weekly digest ------------------------------------------------------------------------------


@pytest.fixture
def digest_world(company, company2, student, student2):
    now = timezone.now()
    svarv = ProgrammeFactory(name="Svarvare YH")
    other = ProgrammeFactory(name="Svetsare Komvux")
    StudentProfileFactory(
        user=student,
        programme=svarv,
        municipality="Södertälje",
        interest_kind="internship",
        digest=True,
    )

    def offer(title, days_ago=2, **fields):
        fields.setdefault("programmes", [svarv])
        return OfferFactory(
            organisation=company, title=title, published_at=now - timedelta(days=days_ago), **fields
        )

    offers = {
        "match": offer("Ny praktik svarv"),
        "match2": offer("Ny praktik svarv kväll", days_ago=6),
        "old": offer("Gammal praktik svarv", days_ago=8),
        "elsewhere": offer("Praktik i Huddinge", municipality="Huddinge"),
        "other_programme": offer("Praktik svets", programmes=[other]),
        "visit": offer("Studiebesök svarv", study_visit=True),
        "closed": offer("Stängd praktik", closed=True),
        "past_deadline": offer("Sen praktik", application_deadline=TODAY - timedelta(days=1)),
    }
    return {"now": now, "svarv": svarv, "offers": offers}


def test_digest_holds_only_new_matching_offers(commit, digest_world, student):
    with commit():
        assert send_weekly_digests(now=digest_world["now"]) == 1

    [message] = mail.outbox
    assert message.to == [student.email]
    offers = digest_world["offers"]
    for key in ("match", "match2"):
        assert offers[key].title in message.body
        assert url("placements:offer_detail", offers[key].pk) in message.body
    for key in ("old", "elsewhere", "other_programme", "visit", "closed", "past_deadline"):
        assert offers[key].title not in message.body, key


def test_one_digest_per_student_per_week(commit, digest_world, company, student):
    now = digest_world["now"]
    with commit():
        send_weekly_digests(now=now)
    OfferFactory(organisation=company, title="Ännu en praktik", programmes=[digest_world["svarv"]])

    with commit():
        send_weekly_digests(now=now)

    assert len(mail.outbox) == 1
    # Next week it comes again, with what is new by then.
    with commit():
        send_weekly_digests(now=now + timedelta(days=7))
    assert len(mail.outbox) == 2
    assert "Ännu en praktik" in mail.outbox[1].body
    assert f"{digest_world['offers']['match'].title} (" not in mail.outbox[1].body


def test_no_digest_when_nothing_matches(commit, digest_world, student, student2):
    StudentProfileFactory(user=student2, municipality="Nacka", digest=True)
    StudentProfile.objects.filter(user=student).update(interest_kind="study_visit")
    StudentProfile.objects.filter(user=student).update(municipality="Huddinge")

    with commit():
        assert send_weekly_digests(now=digest_world["now"]) == 0

    assert mail.outbox == []
    assert not Notification.objects.filter(kind="offer_digest").exists()


def test_no_digest_without_subscription(commit, digest_world, student):
    StudentProfile.objects.filter(user=student).update(digest=False)

    with commit():
        send_weekly_digests(now=digest_world["now"])

    assert mail.outbox == []


def test_no_digest_next_week_when_nothing_is_new(commit, digest_world):
    with commit():
        send_weekly_digests(now=digest_world["now"] + timedelta(days=9))

    assert mail.outbox == []


def test_student_without_preferences_gets_every_new_open_offer(commit, company, student2):
    StudentProfileFactory(user=student2, digest=True)
    new = OfferFactory(organisation=company, title="Ny för alla")
    visit = OfferFactory(organisation=company, study_visit=True, title="Nytt besök för alla")
    SlotFactory(offer=visit)
    past_visit = OfferFactory(organisation=company, study_visit=True, title="Besök som varit")
    SlotFactory(offer=past_visit, starts_at=timezone.now() - timedelta(days=1))

    with commit():
        send_weekly_digests(now=timezone.now())

    [message] = mail.outbox
    assert new.title in message.body and visit.title in message.body
    assert past_visit.title not in message.body  # all its times are in the past


# --- Unsubscribe ------------------------------------------------------------------------------


def unsubscribe_path(message):
    links = re.findall(r"https?://\S+", message.body)
    paths = [urlsplit(link).path for link in links]
    [path] = [p for p in paths if p.startswith(url("placements:unsubscribe", "x")[:-3])]
    return path


def test_unsubscribe_from_the_mail(client, commit, digest_world, student):
    with commit():
        send_weekly_digests(now=digest_world["now"])
    [message] = mail.outbox
    path = unsubscribe_path(message)
    assert message.body.count(settings.PORTAL_BASE_URL + path) == 1
    token = StudentProfile.objects.get(user=student).unsubscribe_token
    assert path == url("placements:unsubscribe", token)

    # Opening the link (a mail scanner may do that) changes nothing: it shows a button.
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<form method="post">' in html and 'type="submit"' in html
    assert StudentProfile.objects.get(user=student).digest is True

    done = client.post(path)

    assert done.status_code == 200
    assert '<form method="post">' not in done.content.decode()
    assert StudentProfile.objects.get(user=student).digest is False
    mail.outbox.clear()
    with commit():
        send_weekly_digests(now=digest_world["now"] + timedelta(days=7))
    assert mail.outbox == []


def test_a_wrong_token_is_not_found(client, digest_world, student):
    for method in (client.get, client.post):
        assert method(url("placements:unsubscribe", "not-a-token")).status_code == 404
    assert StudentProfile.objects.get(user=student).digest is True


def test_student_subscribes_on_the_interests_page(client, commit, company, student):
    programme = ProgrammeFactory()
    client.force_login(student)

    response = client.post(
        url("placements:student_profile"),
        {"programme": programme.pk, "municipality": "Södertälje", "digest": "on"},
    )

    assert response.status_code == 302
    profile = StudentProfile.objects.get(user=student)
    assert (profile.digest, profile.programme) == (True, programme)
    OfferFactory(organisation=company, title="Praktik för dig", programmes=[programme])
    with commit():
        send_weekly_digests(now=timezone.now())
    [message] = mail.outbox
    assert "Praktik för dig" in message.body


def test_plain_text_mail_shows_an_ampersand_as_typed(commit, company, rep, student):
    """Plain text is not HTML: "Svarv & fräs" must not arrive as "Svarv &amp; fräs"."""
    from placements import services

    offer = OfferFactory(organisation=company, title="Svarv & fräs")

    with commit():
        services.apply(student=student, offer_id=offer.pk, motivation="Jag vill lära mig svarva.")

    [message] = [m for m in mail.outbox if rep.email in m.to]
    assert "Svarv & fräs" in message.subject and "Svarv & fräs" in message.body
    assert "&amp;" not in message.body
    html = message.alternatives[0][0]
    assert "Svarv &amp; fräs" in html  # the HTML part still escapes
