"""manage.py import_courses [FILE]: Skolverket's subjects and courses (Gy11 courses and Gy25
subject levels) from a file in the shape of Skolverket's Syllabus API; idempotent."""

from django.utils.translation import gettext_lazy as _

from programs.reference import COURSES_SNAPSHOT, import_courses

from ._snapshot import SnapshotCommand


class Command(SnapshotCommand):
    help = "Import Skolverket's courses (Gy11) and subject levels (Gy25) from a JSON snapshot."
    default_path = COURSES_SNAPSHOT
    importer = staticmethod(import_courses)
    what = _("Courses")
