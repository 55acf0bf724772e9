"""Benchmark of a whole allocation round (issue 14, item 8) on PostgreSQL: from the database to
stored results with every explanation.

    .venv/bin/python scripts/bench_round.py          # 10,000 × 3,000 × 5, 3 runs
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/other .venv/bin/python scripts/bench_round.py

Builds (once; reused when the database already holds it) a round of 10,000 students, 3,000
internship places and 5 choices each in its own PostgreSQL database (created and migrated when
missing; default ``portal_bench_round``), with the same seeded Zipf-like popularity as
scripts/bench_allocation.py. Then times ``placements.rounds.services.run_allocation`` as staff
run it: reading the choices and capacities, the seeded lottery, deferred acceptance, every
student's explanation, the stored input file, the allocations and the outbox rows telling each
student, in one committed transaction. Handing the outbox rows to the broker after the commit
is left out (the relay does that in production; it is the broker's speed, not the round's).
Figures, not a test.
"""

import argparse
import os
import sys
import time
import zlib
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_round"


def ensure_database(url):
    import psycopg2

    name = url.rsplit("/", 1)[1]
    conn = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone():
                return False
            cursor.execute(f'CREATE DATABASE "{name}"')
            return True
    finally:
        conn.close()


def build(n_students, n_places, n_choices, seed):
    from bench_allocation import national_input
    from django.utils import timezone

    from college_portal.accounts.models import Role, User
    from partners.models import Membership, Organisation
    from placements.models import Offer, OfferKind, OfferStatus
    from placements.rounds.models import Choice, Round, RoundPlace, RoundStatus, RoundStudent

    title = f"Bench {n_students}x{n_places}x{n_choices} {seed}"
    existing = Round.objects.filter(title=title).first()
    if existing:
        return existing
    students, places = national_input(n_students, n_places, n_choices, seed)
    today = timezone.localdate()
    # Unique per run of this script's database; not valid Swedish numbers (no validation here).
    numbers = iter(f"{n:06d}-{zlib.crc32(seed.encode()) % 10000:04d}" for n in range(10**6))
    school = Organisation.objects.create(
        organisation_number=next(numbers),
        name=f"Bench school {seed}",
        slug=f"bench-school-{seed}",
        kind="school",
    )
    teacher = User.objects.create(email=f"teacher-{seed}@bench.invalid", role=Role.SCHOOL_STAFF)
    Membership.objects.create(organisation=school, user=teacher)
    companies = Organisation.objects.bulk_create(
        Organisation(
            name=f"Bench company {n}",
            slug=f"bench-{seed}-{n}",
            kind="company",
            organisation_number=next(numbers),
        )
        for n in range(max(1, n_places // 10))
    )
    offers = Offer.objects.bulk_create(
        [
            Offer(
                organisation=companies[n % len(companies)],
                kind=OfferKind.INTERNSHIP,
                title=f"Praktik {pid}",
                description="Bench",
                municipality="Stockholm",
                contact_name="Bench",
                contact_email="bench@bench.invalid",
                places=max(1, spec["capacity"]),
                status=OfferStatus.PUBLISHED,
                period_start=today + timedelta(days=30),
                period_end=today + timedelta(days=60),
            )
            for n, (pid, spec) in enumerate(places.items())
        ],
        batch_size=1000,
    )
    users = User.objects.bulk_create(
        [
            User(email=f"{sid}-{seed}@bench.invalid", full_name=f"Elev {sid}", password="!")
            for sid in students
        ],
        batch_size=2000,
    )
    round_ = Round.objects.create(
        school=school,
        title=title,
        period_start=today + timedelta(days=30),
        period_end=today + timedelta(days=60),
        choices_allowed=n_choices,
        choices_deadline=today + timedelta(days=7),
        confirmation_deadline=today + timedelta(days=3),
        status=RoundStatus.OPEN,
        created_by=teacher,
    )
    round_students = RoundStudent.objects.bulk_create(
        [RoundStudent(round=round_, student=user) for user in users], batch_size=2000
    )
    round_places = RoundPlace.objects.bulk_create(
        [
            RoundPlace(
                round=round_,
                offer=offer,
                capacity=spec["capacity"],
                confirmed_by=teacher,
                confirmed_at=timezone.now(),
            )
            for offer, spec in zip(offers, places.values(), strict=True)
        ],
        batch_size=2000,
    )
    rs_of = dict(zip(students, round_students, strict=True))
    place_of = dict(zip(places, round_places, strict=True))
    Choice.objects.bulk_create(
        (
            Choice(round_student=rs_of[sid], place=place_of[pid], rank=rank)
            for sid, choices in students.items()
            for rank, pid in enumerate(choices, start=1)
        ),
        batch_size=5000,
    )
    return round_


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--places", type=int, default=3_000)
    parser.add_argument("--choices", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", default="round-bench-1")
    args = parser.parse_args(argv)

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("The round benchmark runs on PostgreSQL: set BENCH_DATABASE_URL=postgres://…")
    created = ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "college_portal.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    import college_portal.notifications.services as outbox
    from college_portal.notifications.models import Notification
    from placements.rounds import services
    from placements.rounds.models import Allocation, Round, RoundStatus

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(
        f"database {url.rsplit('/', 1)[1]} ({'created, ' if created else ''}migrated in {time.perf_counter() - started:.1f} s)"
    )
    started = time.perf_counter()
    with transaction.atomic():
        round_ = build(args.students, args.places, args.choices, args.seed)
    print(
        f"round: {round_.students.count():,} students × {round_.places.count():,} places × "
        f"{args.choices} choices, {sum(round_.places.values_list('capacity', flat=True)):,} seats "
        f"(set up in {time.perf_counter() - started:.1f} s, not timed below)"
    )
    outbox.enqueue = lambda pk: True  # the broker hand-over after commit is not timed
    teacher = round_.created_by
    times = []
    for run in range(1, args.runs + 1):
        Round.objects.filter(pk=round_.pk).update(status=RoundStatus.OPEN)
        Notification.objects.filter(event_key__startswith="round-result:").delete()
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            services.run_allocation(round_id=round_.pk, user=teacher)
            elapsed = time.perf_counter() - t0
        times.append(elapsed)
        print(f"run {run}: {elapsed:.2f} s, {len(queries)} queries")
    round_.refresh_from_db()
    allocations = Allocation.objects.filter(round_student__round=round_)
    placed = allocations.filter(place__isnull=False).count()
    explained = allocations.exclude(explanation=[]).count()
    print(
        f"best {min(times):.2f} s, median {sorted(times)[len(times) // 2]:.2f} s (target < 10 s); "
        f"{placed:,} placed, {allocations.count() - placed:,} unplaced, {explained:,} with an "
        f"explanation; algorithm {round_.algorithm_version}, seed {round_.seed}"
    )


if __name__ == "__main__":
    main()
