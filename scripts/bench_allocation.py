"""Benchmark of the APL allocation (issue 14, item 8): a national-size round, pure function only.

    .venv/bin/python scripts/bench_allocation.py                 # 100,000 × 30,000 × 10, 3 runs
    .venv/bin/python scripts/bench_allocation.py --students 10000 --places 3000 --choices 5

Generates a seeded input (place popularity Zipf-like, so popular places overflow and students
fall down their lists; capacities summing to about the number of students; priorities from
the seeded lottery), then times ``allocate`` split into its set-up (rank lookups per place)
and the proposals, and prints the statistics staff would see. Figures, not a test.
"""

import argparse
import gc
import itertools
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from placements.allocation import (  # noqa: E402
    ALGORITHM_VERSION,
    _match,
    _prepare,
    allocate,
    lottery_priorities,
    statistics,
)


def national_input(n_students, n_places, n_choices, seed, zipf=0.8):
    """``(students, places)`` in the file format, reproducible from ``seed``."""
    rng = random.Random(seed)
    place_ids = [f"p{j}" for j in range(n_places)]
    cum_weights = list(itertools.accumulate(1 / (j + 1) ** zipf for j in range(n_places)))
    students = {}
    for i in range(n_students):
        picked = []
        while len(picked) < n_choices:
            for place in rng.choices(place_ids, cum_weights=cum_weights, k=n_choices):
                if place not in picked and len(picked) < n_choices:
                    picked.append(place)
        students[f"s{i}"] = picked
    # Capacities 1..k with mean about n_students / n_places, so seats roughly match students.
    top = max(1, round(2 * n_students / n_places - 1))
    places = {place: {"capacity": rng.randint(1, top)} for place in place_ids}
    lottery = lottery_priorities(students, places, seed)
    for place, spec in places.items():
        spec["priority"] = lottery[place]
    return students, places


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--places", type=int, default=30_000)
    parser.add_argument("--choices", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", default="apl-bench-1")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    students, places = national_input(args.students, args.places, args.choices, args.seed)
    print(
        f"input: {args.students:,} students × {args.places:,} places × {args.choices} choices, "
        f"{sum(p['capacity'] for p in places.values()):,} seats, generated in "
        f"{time.perf_counter() - started:.2f} s (not timed below)"
    )
    print(f"algorithm {ALGORITHM_VERSION}")
    matching = None
    for run in range(1, args.runs + 1):
        gc.disable()  # as allocate() does for its own call
        t0 = time.perf_counter()
        prepared = _prepare(places)
        t1 = time.perf_counter()
        matching = _match(students, prepared)
        t2 = time.perf_counter()
        gc.enable()
        whole = allocate(students, places)["matching"]
        t3 = time.perf_counter()
        assert whole == matching
        print(
            f"run {run}: set-up {t1 - t0:.3f} s, allocation {t2 - t1:.3f} s, "
            f"together {t2 - t0:.3f} s; allocate() as one call {t3 - t2:.3f} s"
        )
    stats = statistics(students, matching)
    print(
        f"first choice {stats['first_choice']:,} ({stats['first_choice_share']:.1%}), "
        f"top three {stats['top_three']:,} ({stats['top_three_share']:.1%}), "
        f"unplaced {stats['unplaced']:,} ({stats['unplaced_share']:.1%})"
    )


if __name__ == "__main__":
    main()
