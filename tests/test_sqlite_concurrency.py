"""The embedded default under simultaneous use: SQLite configured for a web server answers
every one of many simultaneous bookings and applications, none with a 500.

The probe runs in a subprocess with the portal's real settings on a SQLite file of its own,
so this runs whatever database the rest of the suite uses."""

import json
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def run_probe(*arguments):
    done = subprocess.run(
        [sys.executable, "-m", "tests.sqlite_concurrency_probe", *arguments],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout), done.stderr


def test_simultaneous_bookings_and_applications_on_sqlite_all_get_an_answer():
    result, log = run_probe("--students", "12", "--capacity", "5", "--applicants", "6")

    bookings, applications = result["bookings"], result["applications"]
    # Every request answered with a redirect: to the booking, or back with "not enough places".
    assert bookings["status_codes"] == {"302": 12}, log[-4000:]
    assert bookings["succeeded"] == bookings["capacity"] == 5
    assert bookings["places_taken"] == bookings["capacity"] == bookings["confirmed"]
    assert applications["status_codes"] == {"302": 6}, log[-4000:]
    assert applications["succeeded"] == applications["stored"] == 6
    assert "database is locked" not in log
