"""Expiring partnership agreements: the responsible project lead gets one reminder per threshold
(60, 30 and 7 days before the end), however often the daily job runs."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from college_portal.celery import app as celery_app
from college_portal.notifications.models import Notification
from partners import tasks
from partners.models import Agreement, Organisation
from partners.services import remind_expiring_agreements
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def ending_in(days, organisation, responsible, title="Samverkansavtal"):
    return Agreement.objects.create(
        organisation=organisation,
        title=title,
        valid_from=TODAY - timedelta(days=300),
        valid_to=TODAY + timedelta(days=days),
        responsible=responsible,
    )


@pytest.fixture
def run(django_capture_on_commit_callbacks, mailoutbox):
    """Run the reminder job as of `day` and return the mails it sent."""

    def run_on(day):
        before = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            remind_expiring_agreements(today=day)
        return mailoutbox[before:]

    return run_on


def test_lead_is_reminded_once_of_an_agreement_ending_in_45_days(run, company, lead):
    agreement = ending_in(45, company, lead)

    (mail,) = run(TODAY)

    assert mail.to == [lead.email]
    assert "LK Precision AB" in mail.subject
    assert "45" in mail.subject
    with translation.override(lead.language):
        change_url = reverse("admin:partners_agreement_change", args=[agreement.pk])
    assert change_url in mail.body


def test_english_speaking_lead_gets_the_reminder_in_english(run, company):
    lead = UserFactory(email="lead-en@example.org", is_staff=True, language="en")
    ending_in(45, company, lead)

    (mail,) = run(TODAY)

    assert mail.subject == "Agreement with LK Precision AB ends in 45 days"
    assert "/en/admin/" in mail.body


def test_running_again_the_same_day_or_the_next_sends_nothing(run, company, lead):
    ending_in(45, company, lead)
    assert len(run(TODAY)) == 1

    assert run(TODAY) == []
    assert run(TODAY) == []
    assert run(TODAY + timedelta(days=1)) == []
    assert Notification.objects.filter(kind="agreement_expiring").count() == 1


def test_crossing_the_30_day_threshold_sends_a_new_reminder(run, company, lead):
    ending_in(45, company, lead)
    run(TODAY)

    assert run(TODAY + timedelta(days=14)) == []  # 31 days left: still the 60-day reminder
    (mail,) = run(TODAY + timedelta(days=15))  # 30 days left
    assert "30" in mail.subject
    assert run(TODAY + timedelta(days=16)) == []
    (last,) = run(TODAY + timedelta(days=38))  # 7 days left
    assert "7" in last.subject
    thresholds = [
        key.rsplit(":", 1)[1] for key in Notification.objects.values_list("event_key", flat=True)
    ]
    assert sorted(thresholds, key=int) == ["7", "30", "60"]


def test_nothing_for_agreements_far_from_their_end_or_already_ended(run, company, company2, lead):
    ending_in(90, company, lead)
    ending_in(61, company, lead, title="Nästan")
    ending_in(-1, company2, lead)

    assert run(TODAY) == []
    assert not Notification.objects.exists()


def test_each_agreement_is_reminded_to_its_own_lead(run, company, company2, lead):
    other_lead = UserFactory(email="other-lead@example.org", is_staff=True)
    ending_in(20, company, lead)
    ending_in(50, company2, other_lead)

    mails = run(TODAY)

    assert sorted(m.to[0] for m in mails) == sorted([lead.email, other_lead.email])


def test_no_reminder_without_a_responsible_lead_or_for_an_inactive_partner(
    run, company, company2, lead
):
    ending_in(45, company, None)
    ending_in(45, company2, lead)
    Organisation.objects.filter(pk=company2.pk).update(active=False)

    assert run(TODAY) == []


def test_an_extended_agreement_is_reminded_again_before_its_new_end(run, company, lead):
    agreement = ending_in(45, company, lead)
    run(TODAY)

    agreement.valid_to = TODAY + timedelta(days=400)
    agreement.save()
    assert run(TODAY + timedelta(days=1)) == []
    assert len(run(TODAY + timedelta(days=345))) == 1  # 55 days left of the new end


# --- Scheduled through Celery --------------------------------------------------------------


def test_celery_task_sends_the_reminders(
    company, lead, mailoutbox, django_capture_on_commit_callbacks
):
    ending_in(45, company, lead)

    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.remind_expiring_agreements.delay()

    assert result.get() == 1
    assert [m.to for m in mailoutbox] == [[lead.email]]

    with django_capture_on_commit_callbacks(execute=True):
        again = tasks.remind_expiring_agreements.delay()
    assert again.get() == 0
    assert len(mailoutbox) == 1


def test_beat_runs_the_reminder_every_day():
    scheduled = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }

    schedule = scheduled["partners.tasks.remind_expiring_agreements"]
    assert schedule.hour == {7} and schedule.minute == {0}
    assert schedule.day_of_week == set(range(7))
    assert "partners.tasks.remind_expiring_agreements" in celery_app.tasks
    assert celery_app.conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE
