"""Benchmark of the portal's main pages: query counts and response times at two data sizes.

Builds its own throw-away test database (like the test suite), fills it with the demo
partnership plus generated programmes, offers and applications, then requests each page
20 times and prints the median and 95th-percentile time and the number of queries.

    .venv/bin/python scripts/benchmark.py                 # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal .venv/bin/python scripts/benchmark.py

Figures, not assertions: tests check query counts; this shows what they cost.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "college_portal.test_settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.runner import DiscoverRunner  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

REPEAT = 20


def grow(scale):
    """Add `scale` programmes (8 courses each) and `scale` offers with 5 applications each."""
    from datetime import timedelta

    from django.utils import timezone

    from college_portal.accounts.models import Role, User
    from partners.models import Organisation
    from placements.models import Application, Offer
    from programs.models import Course, Programme, ProgrammeCourse

    school = Organisation.objects.filter(kind="school").first()
    company = Organisation.objects.get(organisation_number="556712-3459")
    courses = [
        Course.objects.create(
            name=f"Kurs {i} fräsning och svarvning", points=100, code=f"BEN{i:04d}"
        )
        for i in range(8)
    ]
    students = [
        User.objects.create_user(email=f"bench{i}@example.org", role=Role.STUDENT) for i in range(5)
    ]
    today = timezone.localdate()
    for i in range(scale):
        programme = Programme.objects.create(
            name=f"Programme {i} CNC-svarvning",
            slug=f"bench-programme-{i}",
            level="komvux",
            provider=school,
            municipality="Södertälje",
            length_weeks=40,
            published=True,
        )
        for order, course in enumerate(courses, 1):
            ProgrammeCourse.objects.create(programme=programme, course=course, order=order)
        offer = Offer.objects.create(
            organisation=company,
            kind="internship",
            title=f"Praktik {i}",
            description="Fräsning",
            municipality="Södertälje",
            places=3,
            status="published",
            published_at=timezone.now(),
            application_deadline=today + timedelta(days=10),
            period_start=today + timedelta(days=20),
            period_end=today + timedelta(days=40),
            contact_name="K",
            contact_email="k@example.org",
        )
        Application.objects.bulk_create(
            Application(offer=offer, student=s, motivation="x" * 30) for s in students
        )


def measure(client, path):
    times, queries = [], None
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        queries = len(ctx.captured_queries)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], queries


def run():
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from college_portal.accounts.models import User

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = True
    call_command("load_demo", stdout=open(os.devnull, "w"))
    with translation.override("sv"):
        catalogue = reverse("programs:list")
        pages = [
            ("visitor", None, reverse("home")),
            ("visitor", None, catalogue),
            ("visitor", None, catalogue + "?q=svarv"),
            ("visitor", None, reverse("programs:detail", args=["cnc-operator-yrkesvux"])),
            ("visitor", None, reverse("placements:offer_list")),
            ("visitor", None, reverse("partners:list")),
            ("student", "student@example.org", reverse("dashboard")),
            ("company", "lk@example.org", reverse("dashboard")),
            ("teacher", "teacher@example.org", reverse("dashboard")),
            ("lead", "lead@example.org", reverse("report")),
            ("lead", "lead@example.org", reverse("admin:partners_organisation_changelist")),
        ]
    print(f"database: {connection.vendor}; {REPEAT} requests per page; times in ms")
    for scale in (0, 200):
        if scale:
            grow(scale)
            reset_queries()  # the build-up filled Django's capped query log
        print(
            f"\n-- demo data + {scale} programmes and {scale} offers with {5 * scale} applications"
        )
        print(f"{'who':8} {'page':48} {'median':>7} {'p95':>7} {'queries':>8}")
        for who, email, path in pages:
            client = Client()
            if email:
                client.force_login(User.objects.get(email=email))
            median, p95, queries = measure(client, path)
            print(f"{who:8} {path:48} {median:7.1f} {p95:7.1f} {queries:8d}")


if __name__ == "__main__":
    runner = DiscoverRunner(verbosity=0)
    old = runner.setup_databases()
    try:
        run()
    finally:
        runner.teardown_databases(old)
