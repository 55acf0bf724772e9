"""Shared fixtures: the cast (two students, two companies with representatives, a school with a
teacher, a project lead), the world the access tables open, a clean cache, work after commit, a
real Celery worker and the tasks it finished, and detection of Redis and Chromium. (Helpers are
in tests/helpers.py.)"""

import logging
import os
import shutil
import socket
import threading
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from celery.signals import task_postrun
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone

from college_portal.accounts.models import Role
from partners.models import Agreement, MembershipRole, OrganisationKind, hash_token
from placements.models import ClassInvitation
from programs.models import CompetenceRequirement

from .factories import (
    ApplicationFactory,
    BookingFactory,
    MembershipFactory,
    OfferFactory,
    OrganisationFactory,
    PartnerRoleFactory,
    ProgrammeFactory,
    RequirementFactory,
    SlotFactory,
    StudentProfileFactory,
    UserFactory,
)
from .helpers import WORKER_TIMEOUT, make_invitation, pdf_bytes, png_bytes

# Playwright runs an event loop in the test thread; Django's database setup must still be allowed.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# In CI every service must be there: a missing one fails instead of skipping.
REQUIRE_SERVICES = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"


def redis_available():
    """Is the Celery broker a Redis that answers? (The test settings pick the local Redis as
    broker for the real-worker tests when one runs, even without REDIS_URL.)"""
    broker = urlparse(settings.CELERY_BROKER_URL)
    if broker.scheme != "redis":
        return False
    try:
        with socket.create_connection((broker.hostname, broker.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def chromium_available():
    return shutil.which("chromium") is not None or os.path.exists("/usr/bin/chromium")


def require(available, reason):
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (PORTAL_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def own_media_folder():
    """The run's uploads go to a folder of its own (test settings); nothing is left behind."""
    yield
    for location in (settings.MEDIA_ROOT, settings.STORAGES["private"]["OPTIONS"]["location"]):
        shutil.rmtree(location, ignore_errors=True)


@pytest.fixture(autouse=True)
def clear_cache():
    # allauth's rate-limit counters live in the cache and would leak between tests.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def student(db):
    return UserFactory(email="elsa@example.org", full_name="Elsa Lindqvist", role=Role.STUDENT)


@pytest.fixture
def student2(db):
    return UserFactory(email="omar@example.org", full_name="Omar Haddad", role=Role.STUDENT)


@pytest.fixture
def company(db):
    organisation = OrganisationFactory(name="LK Precision AB", municipality="Södertälje")
    for role in ("requirement_setter", "internship_host", "study_visit_host"):
        PartnerRoleFactory(organisation=organisation, role=role)
    return organisation


@pytest.fixture
def company2(db):
    organisation = OrganisationFactory(name="Huddinge Fräs AB", municipality="Huddinge")
    PartnerRoleFactory(organisation=organisation, role="internship_host")
    return organisation


@pytest.fixture
def school(db):
    return OrganisationFactory(name="Täljegymnasiet", kind=OrganisationKind.SCHOOL)


@pytest.fixture
def rep(company):
    return MembershipFactory(
        organisation=company,
        role=MembershipRole.ADMIN,
        user__email="karin@example.org",
        user__full_name="Karin Berg",
    ).user


@pytest.fixture
def colleague(company):
    return MembershipFactory(organisation=company, user__email="per@example.org").user


@pytest.fixture
def rep2(company2):
    return MembershipFactory(
        organisation=company2, role=MembershipRole.ADMIN, user__email="jonas@example.org"
    ).user


@pytest.fixture
def teacher(school):
    return MembershipFactory(
        organisation=school, user__email="maria@example.org", user__role=Role.SCHOOL_STAFF
    ).user


@pytest.fixture
def lead(db):
    return UserFactory(
        email="anna@example.org",
        full_name="Anna Holm",
        role=Role.PROJECT_LEAD,
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def world(company, company2, school, student, student2, rep, colleague, rep2, teacher, lead):
    """What the access tables open, all of LK Precision (`company`): a published internship
    whose period has ended, with Elsa's application (with a CV; Elsa studies at the teacher's
    school, which has confirmed her); an internship still taking applications; a draft; a study
    visit with a time Elsa has booked and a free time; a published programme; LK's proposed
    requirement; an invitation to LK; the school's invitation to a class (the same token).
    `people` maps each person of the tables to a user (the visitor to None). (LK's logo and agreement document are the `logo` and `agreement`
    fixtures: files are made only for the tests that read them.)"""
    today = timezone.localdate()
    profile = StudentProfileFactory(
        user=student, school=school, school_confirmed_at=timezone.now(), school_confirmed_by=teacher
    )
    offer = OfferFactory(
        organisation=company,
        title="Praktik i CNC-svarvning",
        application_deadline=today - timedelta(days=60),
        period_start=today - timedelta(days=40),
        period_end=today - timedelta(days=1),
    )
    application = ApplicationFactory(offer=offer, student=student)
    application.cv.save("cv.pdf", ContentFile(pdf_bytes()))
    visit = OfferFactory(organisation=company, study_visit=True, title="Studiebesök hos LK")
    booking = BookingFactory(slot=SlotFactory(offer=visit, capacity=20), booked_by=student)
    free_slot = SlotFactory(
        offer=visit,
        capacity=20,
        starts_at=booking.slot.starts_at + timedelta(days=7),
        ends_at=booking.slot.ends_at + timedelta(days=7),
    )
    programme = ProgrammeFactory(provider=school, name="Industritekniska programmet")
    yield {
        "people": {
            "student": student,
            "student2": student2,
            "rep": rep,
            "colleague": colleague,
            "rep2": rep2,
            "teacher": teacher,
            "lead": lead,
            "visitor": None,
        },
        "offer": offer,
        "open_offer": OfferFactory(organisation=company, title="Sommarpraktik i fräsning"),
        "draft": OfferFactory(organisation=company, draft=True, title="Utkast: höstpraktik"),
        "application": application,
        "visit": visit,
        "booking": booking,
        "free_slot": free_slot,
        "profile": profile,
        "programme": programme,
        "requirement": RequirementFactory(
            organisation=company,
            title="Mäter med koordinatmätmaskin",
            status=CompetenceRequirement.Status.PROPOSED,
            programmes=[programme],
        ),
        "invitation": make_invitation(company, "ny@example.org", token="a-token"),
        # The school's invitation to a class, for a student not among the people (same token).
        "class_invitation": ClassInvitation.objects.create(
            school=school,
            class_name="TE22A",
            email="ny.elev@example.org",
            invited_by=teacher,
            token_hash=hash_token("a-token"),
            expires_at=timezone.now() + timedelta(days=14),
        ),
        "token": "a-token",
        "company": company,
    }
    application.cv.delete(save=False)


@pytest.fixture
def logo(company):
    """LK Precision's logo, a public file."""
    company.logo.save("lk.png", ContentFile(png_bytes()))
    yield company.logo
    company.logo.delete(save=False)


@pytest.fixture
def agreement(company):
    """LK Precision's agreement with its document, a file for project leads only."""
    document = Agreement(organisation=company, title="Samverkansavtal", valid_from="2026-01-01")
    document.document.save("avtal.pdf", ContentFile(pdf_bytes()), save=False)
    document.save()
    yield document
    document.document.delete(save=False)


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what the code asked to do after commit, as a real commit would (mail is sent)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(scope="module")
def worker(django_db_setup):
    """A real Celery worker on Redis, in a thread, for the tests of one module.

    Tests using it need `django_db(transaction=True)`: the worker has its own connection.
    """
    from celery.contrib.testing.worker import start_worker
    from django.db import connection

    from college_portal.celery import app

    require(redis_available(), "Redis is not available for a real Celery worker")
    require(
        connection.vendor == "postgresql",
        "a real worker needs PostgreSQL: SQLite's test database locks tables between threads",
    )
    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        app.control.purge()
        root = logging.getLogger()
        level = root.level
        # start_worker would set the root logger to ERROR for the rest of the run (later
        # tests then never see a warning logged) and the worker would skip its INFO lines.
        with start_worker(
            app, perform_ping_check=False, pool="solo", shutdown_timeout=10, loglevel="INFO"
        ) as w:
            root.setLevel(level)
            yield w
    finally:
        logging.getLogger().setLevel(level)
        app.conf.task_always_eager = was_eager
        # The test settings give each run a queue of its own: leave no trace of it.
        with app.connection_for_write() as connection:
            queue = app.amqp.queues[app.conf.task_default_queue].bind(connection.default_channel)
            queue.declare()
            queue.delete()


@pytest.fixture
def finished():
    """Wait for a task the worker has finished: `finished(task_id)` gives (state, return value).

    `finished.runs` lists (task name, ran eagerly, ran in the test's own thread) of every run.
    """
    done = {}
    runs = []
    condition = threading.Condition()
    test_thread = threading.current_thread()

    def record(task_id=None, task=None, retval=None, state=None, **kwargs):
        with condition:
            done[task_id] = (state, retval)
            runs.append(
                (task.name, bool(task.request.is_eager), threading.current_thread() is test_thread)
            )
            condition.notify_all()

    def wait(task_id, timeout=WORKER_TIMEOUT):
        with condition:
            assert condition.wait_for(lambda: task_id in done, timeout), (
                f"task {task_id} did not finish in {timeout} s"
            )
            return done[task_id]

    wait.runs = runs
    task_postrun.connect(record, weak=False)
    yield wait
    task_postrun.disconnect(record)
