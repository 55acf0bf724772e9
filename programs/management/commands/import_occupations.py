"""manage.py import_occupations [FILE]: JobTech Taxonomy concepts (occupations, skills, SSYK
2012 groups) from a file in the shape of the Taxonomy API's answer; idempotent."""

from django.utils.translation import gettext_lazy as _

from programs.reference import TAXONOMY_SNAPSHOT, import_occupations

from ._snapshot import SnapshotCommand


class Command(SnapshotCommand):
    help = "Import JobTech Taxonomy concepts with their SSYK 2012 codes from a JSON snapshot."
    default_path = TAXONOMY_SNAPSHOT
    importer = staticmethod(import_occupations)
    what = _("JobTech Taxonomy concepts")
