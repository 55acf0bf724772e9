"""Stored files go with the rows that point to them, after the change commits.

django-cleanup (last in INSTALLED_APPS) does it for every FileField through model signals: a
row deleted (cascades included, admin included) or a file replaced by a new upload or cleared
deletes the old file through its storage once the transaction commits; a rollback keeps it.
Queryset updates send no signals: what clears file fields that way (account deletion, the CV
retention job) hands the names to `delete_after_commit`.

Always through the storage API, never the file system: the storage may be S3.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def delete_after_commit(storage, names, *, using=None):
    """Delete the stored files `names` from `storage` once the current transaction commits
    (at once outside one); a file that cannot be deleted is logged, the others still go."""
    names = [name for name in names if name]
    if not names:
        return

    def delete():
        for name in names:
            try:
                storage.delete(name)
            except Exception:
                logger.exception("Could not delete a stored file (%s)", name)

    transaction.on_commit(delete, using=using)
