"""Back up the database and the files its rows point to, checksummed (college_portal.backup)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from college_portal.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write a backup folder (database dump, stored files, manifest with SHA-256 sums) "
        "under BACKUP_DIR, default var/backups."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="where to put the backup folder (default BACKUP_DIR)")

    def handle(self, *args, dir=None, **options):
        try:
            folder, manifest = create_backup(directory=dir, log=self.stderr.write)
        except BackupError as error:
            raise CommandError(str(error)) from None
        for missing in manifest["missing"]:
            self.stderr.write(
                self.style.WARNING(
                    _("Missing from the storage, not in the backup: %(name)s")
                    % {"name": missing["name"]}
                )
            )
        self.stderr.write(
            self.style.SUCCESS(
                ngettext(
                    "Backup of the database and %(count)s file written.",
                    "Backup of the database and %(count)s files written.",
                    len(manifest["files"]),
                )
                % {"count": len(manifest["files"])}
            )
        )
        self.stdout.write(str(folder))  # the product, for scripts: the folder's path
