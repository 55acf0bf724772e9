"""Project leads' changes in Django admin, mirrored from admin's own LogEntry into the log.

Django writes a LogEntry for every add, change and delete in admin (inside the same
transaction as the save); each becomes an ADMIN_ADDED/CHANGED/DELETED entry by the same
user. Django's structured change message is kept without its object names, which may name
people ("Added membership “Karin Berg – LK Precision AB”"): field and model names only.
"""

import json
from functools import wraps

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry, LogEntryManager
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save
from django.dispatch import receiver

from . import actions
from .models import ActivityEntry
from .services import REPR_LENGTH, describe

ADMIN_ACTIONS = {
    ADDITION: actions.ADMIN_ADDED,
    CHANGE: actions.ADMIN_CHANGED,
    DELETION: actions.ADMIN_DELETED,
}


def structured_message(change_message):
    """Django's change message with the objects' names left out ([] for a free-text one)."""
    try:
        parts = json.loads(change_message or "[]")
    except ValueError:
        return []
    if not isinstance(parts, list):
        return []
    kept = []
    for part in parts:
        if not isinstance(part, dict):
            continue
        kept.append(
            {
                verb: {key: value for key, value in (detail or {}).items() if key != "object"}
                for verb, detail in part.items()
            }
        )
    return kept


def mirror(entry):
    """One ActivityEntry for the admin LogEntry `entry` (edited object read when it exists)."""
    action = ADMIN_ACTIONS.get(entry.action_flag)
    if action is None or entry.content_type_id is None:
        return None
    content_type = ContentType.objects.get_for_id(entry.content_type_id)  # cached
    model = content_type.model_class()
    obj = None
    if model is not None:
        # A deletion is logged before the object goes: it is still there to be described.
        obj = model._default_manager.filter(pk=entry.object_id).first()
    if obj is not None:
        object_repr = describe(obj)
        organisation_id = getattr(obj, "activity_organisation_id", None)
    else:
        object_repr = f"{content_type.model} #{entry.object_id}"
        organisation_id = None
    return ActivityEntry.objects.create(
        created_at=entry.action_time,
        actor_id=entry.user_id,
        action=action,
        content_type_id=entry.content_type_id,
        object_id=str(entry.object_id),
        object_repr=object_repr[:REPR_LENGTH],
        organisation_id=organisation_id,
        data={"message": structured_message(entry.change_message)},
    )


@receiver(post_save, sender=LogEntry, dispatch_uid="activity_mirror_admin_log")
def mirror_admin_log(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        mirror(instance)


def _mirror_bulk(log_actions):
    # Admin logs a single object with save() (post_save above) but several at once (the
    # "delete selected" action) with bulk_create, which sends no signal.
    @wraps(log_actions)
    def wrapped(self, *args, **kwargs):
        result = log_actions(self, *args, **kwargs)
        if isinstance(result, list) and len(result) > 1:
            for entry in result:
                mirror(entry)
        return result

    wrapped.mirrors_activity = True
    return wrapped


def install():
    if not getattr(LogEntryManager.log_actions, "mirrors_activity", False):
        LogEntryManager.log_actions = _mirror_bulk(LogEntryManager.log_actions)
