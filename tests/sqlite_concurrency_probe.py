"""Simultaneous requests against the embedded default: the portal's own settings on a SQLite
*file* (not the in-memory test database), requests through Django's handler in threads, as
the threaded development server would run them.

    python -m tests.sqlite_concurrency_probe [--django-defaults] [--students 12] [--capacity 5]
        [--applicants 6] [--database PATH]

Round one: that many students book one study-visit time (capacity places) at the same moment.
Round two: that many students apply to one internship at the same moment. Prints JSON with
the status codes and the database state afterwards. `--django-defaults` drops the portal's
SQLite options (Django's own: deferred transactions, 5 s timeout, rollback journal), which is
how the embedded default ran before it was configured for a web server.

Not a test module (pytest collects test_*.py only): tests/test_sqlite_concurrency.py runs it
in a subprocess, so the settings are the real ones and the database a file of its own.
"""

import argparse
import json
import os
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def configure(database, django_defaults):
    # The embedded default, whatever this machine's environment or .env says.
    os.environ["DJANGO_SETTINGS_MODULE"] = "college_portal.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["REDIS_URL"] = ""
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ["EMAIL_URL"] = "memorymail://"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.pop("PORTAL_BASE_URL", None)
    sys.path.insert(0, str(BASE_DIR))
    if django_defaults:
        import college_portal.settings as portal_settings

        portal_settings.DATABASES["default"]["OPTIONS"] = {}
    import django

    django.setup()


def all_at_once(requests):
    """Run each `request()` in a thread of its own, released together; returns the responses
    (or the exception a request raised past the handler)."""
    from django.db import connections

    barrier = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def run(i, request):
        try:
            barrier.wait(timeout=30)
            results[i] = request()
        except Exception as error:
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if any(thread.is_alive() for thread in threads):
        raise SystemExit("a request hung")
    return results


def summary(results, success_prefix):
    """Status codes, and how many requests ended where a success ends (the new object's page)."""
    codes = Counter()
    succeeded = 0
    for result in results:
        if isinstance(result, Exception):
            codes[type(result).__name__] += 1
            continue
        codes[str(result.status_code)] += 1
        if result.status_code == 302 and result["Location"].startswith(success_prefix):
            succeeded += 1
    return {"status_codes": dict(sorted(codes.items())), "succeeded": succeeded}


def logged_in_client(user):
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def probe(students, capacity, applicants):
    from django.core.management import call_command
    from django.urls import reverse
    from django.utils import translation

    call_command("migrate", verbosity=0, interactive=False)

    from placements.models import Application, Booking, BookingStatus
    from tests.factories import (
        OfferFactory,
        OrganisationFactory,
        PartnerRoleFactory,
        SlotFactory,
        UserFactory,
    )

    company = OrganisationFactory(name="LK Precision AB")
    for role in ("internship_host", "study_visit_host"):
        PartnerRoleFactory(organisation=company, role=role)
    slot = SlotFactory(
        offer=OfferFactory(organisation=company, study_visit=True), capacity=capacity
    )
    internship = OfferFactory(organisation=company, places=2)
    bookers = [UserFactory(email=f"elev{i}@example.org") for i in range(students)]
    appliers = [UserFactory(email=f"sokande{i}@example.org") for i in range(applicants)]

    with translation.override("sv"):
        book_url = reverse("placements:book", args=[slot.offer_id])
        apply_url = reverse("placements:apply", args=[internship.pk])
        booking_prefix = reverse("placements:booking_detail", args=[0]).split("0/")[0]
        application_prefix = reverse("placements:application_detail", args=[0]).split("0/")[0]

    def booking_request(client):
        return lambda: client.post(book_url, {"slot": slot.pk})

    def application_request(client, i):
        motivation = f"Elev {i}: jag vill lära mig ställa in och köra fleroperationsmaskiner."
        return lambda: client.post(apply_url, {"motivation": motivation})

    booked = all_at_once([booking_request(logged_in_client(user)) for user in bookers])
    applied = all_at_once(
        [application_request(logged_in_client(user), i) for i, user in enumerate(appliers)]
    )

    slot.refresh_from_db()
    return {
        "bookings": {
            **summary(booked, booking_prefix),
            "requests": students,
            "capacity": slot.capacity,
            "places_taken": slot.places_taken,
            "confirmed": Booking.objects.filter(slot=slot, status=BookingStatus.CONFIRMED).count(),
        },
        "applications": {
            **summary(applied, application_prefix),
            "requests": applicants,
            "stored": Application.objects.filter(offer=internship).count(),
        },
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--django-defaults", action="store_true")
    parser.add_argument("--students", type=int, default=12)
    parser.add_argument("--capacity", type=int, default=5)
    parser.add_argument("--applicants", type=int, default=6)
    parser.add_argument("--database", help="SQLite file to create (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="portal-sqlite-probe-") as directory:
        database = Path(args.database or Path(directory) / "probe.sqlite3")
        if database.exists():
            raise SystemExit(f"{database} exists; the probe wants a fresh database")
        configure(database, args.django_defaults)
        from django.db import connection

        result = probe(args.students, args.capacity, args.applicants)
        result["sqlite_options"] = connection.settings_dict.get("OPTIONS", {})
        connection.close()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
