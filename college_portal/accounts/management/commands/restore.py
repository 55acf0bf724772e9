"""Restore a backup made by `manage.py backup`: checksums first, then database and files."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from college_portal.backup import BackupError, backup_dir, restore_backup, verify


class Command(BaseCommand):
    help = (
        "Restore a backup folder into the database named by DATABASE_URL (which must be empty "
        "unless --force) and the storages; every checksum is verified first."
    )
    # An empty database has nothing the checks could read.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", help="the backup folder (var/backups/portal-…)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the contents of a database and storage that are not empty",
        )
        parser.add_argument(
            "--verify-only", action="store_true", help="only check the backup's checksums"
        )

    def handle(self, *args, folder=None, force=False, verify_only=False, **options):
        if not folder:
            found = sorted(p.name for p in backup_dir().glob("portal-*") if p.is_dir())
            raise CommandError(
                _("Name the backup folder to restore. Backups in %(dir)s: %(found)s")
                % {"dir": backup_dir(), "found": ", ".join(found) or "–"}
            )
        try:
            if verify_only:
                manifest = verify(folder)
                self.stdout.write(
                    self.style.SUCCESS(
                        ngettext(
                            "The backup is whole: the database and %(count)s file match.",
                            "The backup is whole: the database and %(count)s files match.",
                            len(manifest["files"]),
                        )
                        % {"count": len(manifest["files"])}
                    )
                )
                return
            manifest, written = restore_backup(folder, force=force, log=self.stderr.write)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "Restored the database of %(when)s and %(count)s file.",
                    "Restored the database of %(when)s and %(count)s files.",
                    written,
                )
                % {"when": manifest["created_at"], "count": written}
            )
        )
