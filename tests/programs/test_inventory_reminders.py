"""Reminders of an open needs inventory, through the outbox: the members of asked companies that
have not answered hear of it a week before the deadline and on the deadline, once each however
often the daily job runs, in their own language, with a link to their answer page. Companies
that answered, or were not asked, hear nothing."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import formats, timezone, translation

from college_portal.celery import app as celery_app
from college_portal.notifications.models import Notification
from programs import tasks
from programs.inventory import remind_unanswered
from tests.factories import MembershipFactory, OrganisationFactory, PartnerRoleFactory
from tests.helpers import link_path, url

from .inventory_data import answer, make_areas, make_round

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DEADLINE = TODAY + timedelta(days=20)
WEEK_BEFORE = DEADLINE - timedelta(days=7)


@pytest.fixture
def areas(db):
    return make_areas(2)


@pytest.fixture
def inventory_round(company, company2, areas):
    return make_round([company, company2], deadline=DEADLINE)


@pytest.fixture
def run(django_capture_on_commit_callbacks, mailoutbox):
    """Run the reminder job as of `day`; the mails it sent, by recipient."""

    def run_on(day):
        before = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            remind_unanswered(today=day)
        return sorted(mailoutbox[before:], key=lambda m: m.to)

    return run_on


def recipients(mails):
    return [m.to[0] for m in mails]


def on_pages(day, lang):
    with translation.override(lang):
        return formats.date_format(day, "j F Y")


def test_a_week_before_the_deadline_each_member_of_a_company_not_answered_is_reminded_once(
    run, inventory_round, company, company2, rep, colleague, rep2, areas
):
    answer(inventory_round, company2, areas[0])  # Huddinge Fräs has answered

    mails = run(WEEK_BEFORE)

    assert recipients(mails) == [rep.email, colleague.email]
    assert mails[0].subject == f"Behovsinventering 2026: svara senast {on_pages(DEADLINE, 'sv')}"
    assert "LK Precision AB" in mails[0].body
    assert link_path(mails[0]) == url("programs:inventory_answer", inventory_round.pk, company.slug)
    keys = sorted(Notification.objects.values_list("event_key", flat=True))
    assert keys == sorted(
        f"inventory-reminder:{inventory_round.pk}:{company.pk}:{person.pk}:week"
        for person in (rep, colleague)
    )
    assert set(Notification.objects.values_list("kind", flat=True)) == {"inventory_reminder"}


def test_the_job_run_again_sends_nothing_twice_and_the_deadline_reminder_once(
    run, inventory_round, rep, colleague, rep2
):
    assert len(run(WEEK_BEFORE)) == 3
    assert run(WEEK_BEFORE) == []  # the same day again (a restart, two beats by mistake)
    for days in range(1, 7):
        assert run(WEEK_BEFORE + timedelta(days=days)) == []

    on_the_day = run(DEADLINE)
    assert recipients(on_the_day) == sorted([rep.email, colleague.email, rep2.email])
    assert on_the_day[0].subject.startswith("Sista dagen i dag: Behovsinventering 2026")
    assert run(DEADLINE) == []
    assert run(DEADLINE + timedelta(days=1)) == []  # after the deadline: nothing
    stages = sorted(
        key.rsplit(":", 1)[1] for key in Notification.objects.values_list("event_key", flat=True)
    )
    assert stages == ["deadline"] * 3 + ["week"] * 3


def test_a_company_that_answers_after_the_first_reminder_gets_no_second(
    run, inventory_round, company, rep, colleague, rep2, areas
):
    run(WEEK_BEFORE)
    answer(inventory_round, company, areas[1], (0, 0, 0))

    assert recipients(run(DEADLINE)) == [rep2.email]


def test_nothing_for_organisations_not_asked_or_no_longer_active(
    run, company, company2, rep, rep2, areas
):
    make_round([company], deadline=DEADLINE)
    other = OrganisationFactory(name="Scania CV AB")
    PartnerRoleFactory(organisation=other, role="requirement_setter")
    MembershipFactory(organisation=other, user__email="lars@example.org")
    company.active = False
    company.save()

    assert run(WEEK_BEFORE) == []  # LK is inactive; Huddinge Fräs and Scania were not asked
    assert not Notification.objects.exists()


def test_nothing_too_early_nor_for_a_closed_round(run, inventory_round, rep):
    assert run(WEEK_BEFORE - timedelta(days=1)) == []
    inventory_round.closed_at = timezone.now()
    inventory_round.save()
    assert run(WEEK_BEFORE) == []
    assert run(DEADLINE) == []


def test_a_missed_day_is_caught_up_with_one_week_reminder(
    run, inventory_round, rep, colleague, rep2
):
    """The job did not run a week before (the scheduler was down): the next run reminds."""
    assert len(run(WEEK_BEFORE + timedelta(days=3))) == 3
    assert run(WEEK_BEFORE + timedelta(days=4)) == []


def test_each_person_reads_the_reminder_in_their_own_language(
    run, client, inventory_round, company, company2, rep, colleague, areas
):
    answer(inventory_round, company2, areas[0])
    colleague.language = "en"
    colleague.save()

    swedish, english = sorted(run(DEADLINE), key=lambda m: m.to != [rep.email])

    assert swedish.subject == "Sista dagen i dag: Behovsinventering 2026"
    assert "I dag är sista dagen att svara" in swedish.body
    assert english.subject == "Last day today: Behovsinventering 2026"
    assert (
        "Today is the last day to answer, and we have no answer from LK Precision AB yet."
        in english.body
    )
    english_link = link_path(english)
    assert english_link == url(
        "programs:inventory_answer", inventory_round.pk, company.slug, lang="en"
    )
    assert '<html lang="en">' in english.alternatives[0][0]
    # The link opens the answer page for the person it was sent to.
    client.force_login(colleague)
    assert client.get(english_link).status_code == 200


def test_the_week_reminder_in_english_names_the_deadline_as_the_pages_do(
    run, inventory_round, company2, colleague, areas
):
    answer(inventory_round, company2, areas[0])
    colleague.language = "en"
    colleague.save()

    mail = next(m for m in run(WEEK_BEFORE) if m.to == [colleague.email])

    assert mail.subject == f"Behovsinventering 2026: please answer by {on_pages(DEADLINE, 'en')}"


def test_a_disabled_account_is_not_reminded(run, inventory_round, rep, colleague, rep2):
    colleague.is_active = False
    colleague.save()

    assert colleague.email not in recipients(run(WEEK_BEFORE))


# --- Scheduled through Celery --------------------------------------------------------------


def test_the_celery_task_reminds_and_counts_new_notifications(
    inventory_round, rep, colleague, rep2, mailoutbox, django_capture_on_commit_callbacks
):
    inventory_round.deadline = TODAY
    inventory_round.save()

    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.remind_needs_inventory.delay()
    assert result.get() == 3
    assert len(mailoutbox) == 3

    with django_capture_on_commit_callbacks(execute=True):
        again = tasks.remind_needs_inventory.delay()
    assert again.get() == 0
    assert len(mailoutbox) == 3


def test_beat_runs_the_reminders_every_morning():
    scheduled = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }

    schedule = scheduled["programs.tasks.remind_needs_inventory"]
    assert schedule.hour == {7} and schedule.minute == {15}
    assert schedule.day_of_week == set(range(7))
    assert "programs.tasks.remind_needs_inventory" in celery_app.tasks
