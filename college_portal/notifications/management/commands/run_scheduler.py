"""Run the scheduled jobs on the beat schedule in this process until SIGTERM or SIGINT."""

import signal
import threading
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from college_portal.scheduling import AlreadyRunning, Scheduler, StateFile, only_one


class Command(BaseCommand):
    help = (
        "Run the scheduled jobs (the beat schedule) in this process until stopped. "
        "Run exactly one scheduler or beat per deployment."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--state",
            default=str(Path(settings.VAR_DIR) / "scheduler-state.json"),
            help="file that keeps when each job last ran (default: var/scheduler-state.json)",
        )

    def handle(self, *args, state, **options):
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_args: stop.set())
        state_file = StateFile(state)
        try:
            with only_one(state_file.lock_path):
                scheduler = Scheduler(state=state_file)
                self.stdout.write(
                    _("Scheduler running: %(names)s") % {"names": ", ".join(scheduler.jobs)}
                )
                scheduler.run_until(stop)
        except AlreadyRunning as error:
            raise CommandError(
                _("Another scheduler is running here (it holds %(path)s).") % {"path": error.path}
            ) from None
        self.stdout.write(_("Scheduler stopped."))
