"""`manage.py allocate --input FILE`: re-run the APL allocation on an exported round's file."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from placements.allocation import ALGORITHM_VERSION, allocate
from placements.allocation_file import AllocationFileError, read_allocation_input

# The exit code of a refused file (argparse's for a bad command line, too).
REFUSED = 2


class Command(BaseCommand):
    help = (
        "Allocate places by student-proposing deferred acceptance (algorithm "
        f"{ALGORITHM_VERSION}) from a JSON file "
        '{"students": {…}, "places": {…}} and print {"matching": {…}} as JSON. '
        "Needs no database: anyone can verify a round's result with its exported file."
    )
    # Reads a file and prints: nothing here depends on the database or the project's checks.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="the round's JSON input file")
        parser.add_argument("--output", help="write the matching here instead of printing it")

    def handle(self, *args, input, output=None, **options):
        try:
            students, places = read_allocation_input(input)
        except AllocationFileError as error:
            raise CommandError(str(error), returncode=REFUSED) from None
        text = json.dumps(allocate(students, places), sort_keys=True, ensure_ascii=False, indent=2)
        if output is None:
            self.stdout.write(text)
            return
        try:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
        except OSError as error:
            raise CommandError(
                _("The file %(path)s cannot be written: %(error)s")
                % {"path": output, "error": error},
                returncode=REFUSED,
            ) from None
        sys.stderr.write(_("Wrote the matching to %(path)s.") % {"path": output} + "\n")
