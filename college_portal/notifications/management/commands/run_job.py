"""Run one scheduled job (an entry of CELERY_BEAT_SCHEDULE) by its name, in this process."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from college_portal.scheduling import UnknownJob, job_names, run_job


class Command(BaseCommand):
    help = "Run one scheduled job by its name now, in this process (--list shows the names)."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="the job's name in the beat schedule")
        parser.add_argument("--list", action="store_true", help="list the scheduled jobs")

    def handle(self, *args, name=None, list=False, **options):
        if list:
            for job in job_names():
                self.stdout.write(job)
            return
        if not name:
            raise CommandError(
                _("Name the job to run. Scheduled jobs: %(names)s")
                % {"names": ", ".join(job_names())}
            )
        try:
            result = run_job(name)
        except UnknownJob as error:
            raise CommandError(
                _("There is no scheduled job %(name)s. Scheduled jobs: %(names)s")
                % {"name": error.name, "names": ", ".join(error.known)}
            ) from None
        self.stdout.write(
            self.style.SUCCESS(_("%(name)s done: %(result)s") % {"name": name, "result": result})
        )
