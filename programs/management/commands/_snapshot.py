"""Shared handling of the snapshot import commands (import_courses, import_occupations)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from programs.reference import SnapshotError


class SnapshotCommand(BaseCommand):
    default_path = None
    importer = None
    what = ""

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            default=str(self.default_path),
            help="A JSON file (default: the snapshot shipped in programs/data).",
        )

    def handle(self, *args, file, **options):
        try:
            result = type(self).importer(file)
        except SnapshotError as error:
            raise CommandError(_("%(error)s Nothing was imported.") % {"error": error}) from None
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(what)s from %(file)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged."
                )
                % {
                    "what": self.what,
                    "file": file,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                }
            )
        )
