"""Scheduled work happens without Celery beat too: `manage.py run_job NAME` runs one job of the
beat schedule now, and the scheduler that `make run` starts runs each job when it is due,
once, also across a restart."""

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from college_portal import scheduling
from college_portal.scheduling import Scheduler, StateFile
from tests.factories import BookingFactory, SlotFactory

ROOT = Path(settings.BASE_DIR)
STOCKHOLM = ZoneInfo("Europe/Stockholm")
JOBS = sorted(settings.CELERY_BEAT_SCHEDULE)


# --- run_job --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_run_job_sends_tomorrows_study_visit_reminders(
    company, student, django_capture_on_commit_callbacks
):
    starts = (timezone.localtime() + timedelta(days=1)).replace(hour=9, minute=0, second=0)
    slot = SlotFactory(offer__organisation=company, starts_at=starts)
    BookingFactory(slot=slot, booked_by=student)
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_job", "remind-study-visits", stdout=out)

    [message] = mail.outbox
    assert message.to == [student.email]
    assert slot.offer.organisation.name in message.subject
    assert "remind-study-visits" in out.getvalue()


def test_run_job_lists_the_jobs_of_the_beat_schedule():
    out = StringIO()
    call_command("run_job", "--list", stdout=out)
    assert out.getvalue().split() == JOBS


def test_an_unknown_job_is_an_error_naming_the_known_ones():
    with pytest.raises(CommandError) as error:
        call_command("run_job", "remind-everyone")
    assert "remind-everyone" in str(error.value)
    assert all(name in str(error.value) for name in JOBS)


# --- the scheduler, on a fake clock ----------------------------------------------------------


class Clock:
    def __init__(self, *args):
        self.now = datetime(*args, tzinfo=STOCKHOLM)

    def __call__(self):
        return self.now

    def set(self, *args):
        self.now = datetime(*args, tzinfo=STOCKHOLM)


@pytest.fixture(autouse=True)
def no_database(monkeypatch):
    # These tests are about time: no job touches the database.
    monkeypatch.setattr(scheduling, "close_old_connections", lambda: None)


@pytest.fixture
def ran(monkeypatch):
    """The names of the jobs run, in order (the jobs themselves are not run)."""
    names = []
    monkeypatch.setattr(scheduling.Job, "run", lambda job: names.append(job.name))
    return names


def test_scheduler_runs_a_due_job_once_and_not_again_after_a_restart(tmp_path, ran):
    # Monday 2 March 2026, a minute before the reminders (08:00).
    clock = Clock(2026, 3, 2, 7, 59)
    state = StateFile(tmp_path / "state.json")
    scheduler = Scheduler(state=state, clock=clock)
    scheduler.tick()
    assert ran == []  # nothing fires just because the scheduler started

    clock.set(2026, 3, 2, 8, 0, 1)
    scheduler.tick()
    assert sorted(ran) == ["relay-unsent-notifications", "remind-study-visits"]

    ran.clear()
    clock.set(2026, 3, 2, 8, 0, 30)
    scheduler.tick()
    # Restarted within the same minute: what has run does not run again.
    clock.set(2026, 3, 2, 8, 0, 50)
    Scheduler(state=state, clock=clock).tick()
    assert ran == []

    scheduler = Scheduler(state=state, clock=clock)
    clock.set(2026, 3, 2, 8, 1, 2)
    scheduler.tick()
    assert ran == ["relay-unsent-notifications"]


def test_scheduler_runs_each_job_at_its_time(tmp_path, ran):
    clock = Clock(2026, 3, 1, 23, 0)  # a Sunday night
    scheduler = Scheduler(state=StateFile(tmp_path / "state.json"), clock=clock)
    firsts = {}
    # Monday, minute by minute from midnight to ten.
    for minute in range(0, 11 * 60):
        clock.now = datetime(2026, 3, 2, tzinfo=STOCKHOLM) + timedelta(minutes=minute, seconds=1)
        scheduler.tick()
        for name in ran:
            firsts.setdefault(name, clock.now.strftime("%H:%M"))
    counts = {name: ran.count(name) for name in set(ran)}
    assert counts.pop("relay-unsent-notifications") == 11 * 60
    assert counts == {
        "erase-expired-cvs": 1,
        "clear-expired-sessions": 1,
        "remind-expiring-agreements": 1,
        "remind-needs-inventory": 1,
        "report-passed-deadlines": 1,
        "remind-study-visits": 1,
        "remind-final-assessments": 1,
        "weekly-offer-digest": 1,
        "send-survey-invitations": 1,
        "remind-round-choices": 1,
        "allocate-due-rounds": 1,
    }
    assert firsts["erase-expired-cvs"] == "03:15"
    assert firsts["clear-expired-sessions"] == "03:30"
    assert firsts["remind-expiring-agreements"] == "07:00"
    assert firsts["remind-needs-inventory"] == "07:15"
    assert firsts["report-passed-deadlines"] == "07:30"
    assert firsts["remind-study-visits"] == "08:00"
    assert firsts["remind-final-assessments"] == "08:15"
    assert firsts["weekly-offer-digest"] == "09:00"
    assert firsts["send-survey-invitations"] == "10:00"
    assert firsts["allocate-due-rounds"] == "00:30"
    assert firsts["remind-round-choices"] == "08:30"


def test_scheduler_started_later_catches_up_once_on_what_it_missed(tmp_path, ran):
    state = StateFile(tmp_path / "state.json")
    clock = Clock(2026, 3, 2, 10, 0)
    Scheduler(state=state, clock=clock).tick()
    assert ran == []

    # Stopped overnight; started again at ten the next morning.
    clock.set(2026, 3, 3, 10, 0)
    scheduler = Scheduler(state=state, clock=clock)
    scheduler.tick()
    scheduler.tick()
    assert sorted(ran) == [
        "allocate-due-rounds",
        "clear-expired-sessions",
        "erase-expired-cvs",
        "relay-unsent-notifications",
        "remind-expiring-agreements",
        "remind-final-assessments",
        "remind-needs-inventory",
        "remind-round-choices",
        "remind-study-visits",
        "report-passed-deadlines",
        "send-survey-invitations",
    ]  # the weekly digest is Monday's


def test_a_failing_job_does_not_stop_the_others(tmp_path, monkeypatch):
    ran = []

    def run(job):
        ran.append(job.name)
        if job.name == "relay-unsent-notifications":
            raise RuntimeError("broken")

    monkeypatch.setattr(scheduling.Job, "run", run)
    clock = Clock(2026, 3, 2, 7, 59, 30)
    scheduler = Scheduler(state=StateFile(tmp_path / "state.json"), clock=clock)
    clock.set(2026, 3, 2, 8, 0, 31)
    scheduler.tick()
    assert sorted(ran) == ["relay-unsent-notifications", "remind-study-visits"]


# --- the command and `make run` ------------------------------------------------------------


def test_run_scheduler_stops_cleanly_on_sigterm_and_refuses_a_second_one(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "college_portal.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "memory://",
    }
    command = [sys.executable, "manage.py", "run_scheduler", "--state", str(tmp_path / "s.json")]
    first = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / "s.json").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        second = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        assert second.returncode != 0
        assert str(tmp_path / "s.lock") in second.stderr

        first.send_signal(signal.SIGTERM)
        out, err = first.communicate(timeout=10)
    finally:
        first.kill()
    assert first.returncode == 0, err
    assert sorted(JOBS) == sorted(out.splitlines()[0].split(": ", 1)[1].split(", "))


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_starts_the_scheduler_beside_the_server_and_stops_it_with_the_server():
    recipe = subprocess.run(
        ["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "manage.py run_scheduler &" in recipe
    assert "manage.py runserver" in recipe
    assert recipe.index("run_scheduler") < recipe.index("runserver")
    assert "trap 'kill $scheduler" in recipe
