"""Scheduled jobs without Celery beat: run one entry of CELERY_BEAT_SCHEDULE by name, or run all
of them on their schedules in one small loop (the scheduler that `make run` starts).

The schedule is the one beat uses on the production stack; here each job runs in this
process. Exactly one beat or one scheduler may run in a deployment: the jobs' event keys make
a repeated run send nothing twice, but two schedulers would still do the work twice.
"""

import copy
import json
import logging
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from celery.schedules import maybe_schedule
from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)

# The scheduler's longest sleep: it notices a changed clock (or a stop) at least this often.
MAX_SLEEP = 60.0


class UnknownJob(LookupError):
    def __init__(self, name, known):
        self.name = name
        self.known = known
        super().__init__(f"{name!r} is not a scheduled job; known: {', '.join(known)}")


@dataclass
class Job:
    """One entry of the beat schedule: its name, task, celery schedule and arguments."""

    name: str
    task: str
    schedule: object
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def run(self):
        """Run the task here and now; an error propagates to the caller."""
        from college_portal.celery import app

        return app.tasks[self.task].apply(args=self.args, kwargs=self.kwargs, throw=True).result


def jobs(*, clock=None):
    """The beat schedule's entries by name. With `clock` (a function returning an aware
    datetime) the schedules tell the time by it instead of the real one."""
    from college_portal.celery import app

    app.loader.import_default_modules()  # registers every app's tasks
    result = {}
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        # A copy: the settings' own crontab objects stay as beat expects them.
        schedule = copy.copy(maybe_schedule(entry["schedule"], entry.get("relative", False), app))
        schedule.app = app
        if clock is not None:
            schedule.nowfun = clock
        result[name] = Job(
            name=name,
            task=entry["task"],
            schedule=schedule,
            args=tuple(entry.get("args", ())),
            kwargs=dict(entry.get("kwargs", {})),
        )
    return result


def job_names():
    return sorted(settings.CELERY_BEAT_SCHEDULE)


def run_job(name):
    """Run one scheduled job by its name in this process; returns the task's result."""
    try:
        job = jobs()[name]
    except KeyError:
        raise UnknownJob(name, job_names()) from None
    return job.run()


class StateFile:
    """When each job last ran, kept in a JSON file so a restarted scheduler neither repeats a
    job it has just run nor forgets one whose time came while it was stopped."""

    def __init__(self, path):
        self.path = Path(path)
        self.lock_path = self.path.with_suffix(".lock")

    def load(self):
        try:
            raw = json.loads(self.path.read_text())
        except (FileNotFoundError, ValueError):
            return {}
        return {name: datetime.fromisoformat(value) for name, value in raw.items()}

    def save(self, last_run):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(
            json.dumps({name: when.isoformat() for name, when in sorted(last_run.items())})
        )
        os.replace(temporary, self.path)  # atomic: a kill mid-write leaves the old file


class AlreadyRunning(RuntimeError):
    def __init__(self, path):
        self.path = path
        super().__init__(f"another scheduler holds {path}")


@contextmanager
def only_one(lock_path):
    """Hold an exclusive lock on `lock_path` while the scheduler runs, so a second scheduler
    on this machine refuses to start (the lock goes with the process, however it ends).
    Schedulers on other machines cannot see it: run one per deployment."""
    import fcntl

    lock_path = Path(lock_path)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyRunning(lock_path) from None
        yield


class Scheduler:
    """Runs the due jobs, one after the other, in this process.

    A job new to the scheduler (first start, or a new entry) counts as run at start, as with
    beat: nothing fires at once. A job is marked as run before it runs, so one that fails or
    is killed midway waits for its next time rather than repeating.
    """

    def __init__(self, *, state, clock=None, jobs_by_name=None):
        from college_portal.celery import app

        self.clock = clock or app.now
        self.jobs = jobs_by_name if jobs_by_name is not None else jobs(clock=clock)
        self.state = state
        now = self.clock()
        stored = state.load()
        self.last_run = {name: stored.get(name, now) for name in self.jobs}
        self.state.save(self.last_run)

    def tick(self):
        """Run what is due; returns the seconds until the next job may be due."""
        sleep = MAX_SLEEP
        for name, job in self.jobs.items():
            due, next_in = job.schedule.is_due(self.last_run[name])
            if due:
                self.last_run[name] = self.clock()
                self.state.save(self.last_run)
                self._run(job)
            sleep = min(sleep, next_in)
        return max(sleep, 1.0)

    def _run(self, job):
        logger.info("Scheduled job %s starts", job.name)
        # A long-running process: drop a connection the database has closed meanwhile.
        close_old_connections()
        try:
            result = job.run()
        except Exception:  # one failing job must not stop the others
            logger.exception("Scheduled job %s failed", job.name)
        else:
            logger.info("Scheduled job %s done: %s", job.name, result)
        finally:
            close_old_connections()

    def run_until(self, stop: threading.Event):
        """Tick until `stop` is set (by a signal handler); a running job finishes first."""
        while not stop.is_set():
            stop.wait(self.tick())
