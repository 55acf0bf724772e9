"""Load the demo partnership (idempotent). Refuses to run with DEBUG=False unless --force."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from college_portal.registry import registry


class Command(BaseCommand):
    help = "Create or update the demo partnership, its accounts and their data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG=False (never in production)."
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "Demo data is for trying the portal. With DEBUG=False, add --force to load it anyway."
                )
            )
        with transaction.atomic():
            for _order, step in registry.demo_steps:
                self.stdout.write(f"{step.__module__}:")
                step(self.stdout)
        self.stdout.write(self.style.SUCCESS(_("Demo data loaded.")))
