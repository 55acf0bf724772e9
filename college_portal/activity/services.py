"""Writing the activity log: `log()`, called by the services of every app.

Call `log()` inside the service's own `transaction.atomic`, after the change it records: the
entry is then written in the same transaction, so a rolled-back change leaves no entry and a
committed one always has its entry.

    from college_portal.activity import actions
    from college_portal.activity.services import changes, log

    @transaction.atomic
    def close_offer(*, offer, user):
        ...
        offer.save()
        log(actor=user, action=actions.OFFER_CLOSED, obj=offer,
            organisation=offer.organisation_id, data={"status": ["published", "closed"]})

The log is append-only, so it must never hold what a person may ask to have erased: no names,
e-mail addresses or free text about people, in `object_repr` or in `data`. A user object is
shown as "account #<id>"; any other object by its model's `activity_repr()` (which a model
defines to say what may be kept: `str(self)` where that names no person), else as
"<model> #<id>"; `log(object_repr=…)` overrides it.
The person who acted is the `actor` foreign key, which account deletion anonymises.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from . import actions
from .models import ActivityEntry

REPR_LENGTH = 200


def describe(obj):
    """A short text naming `obj` in the log, free of personal data.

    A model's `str()` is used only where it says so by defining `activity_repr()`: many name
    a person ("Elsa Lindqvist → Praktik"). Others show as "<model> #<id>".
    """
    if isinstance(obj, get_user_model()):
        return f"account #{obj.pk}"
    if hasattr(obj, "activity_repr"):
        return str(obj.activity_repr())[:REPR_LENGTH]
    return f"{obj._meta.model_name} #{obj.pk}"


def _plain(value):
    """A JSON value for `value` (dates as ISO text, model instances as their id)."""
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, Enum):  # TextChoices and the like
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "_meta") and hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or None
    return value


def changes(before, after, fields):
    """{field: [old, new]} for each of `fields` that differs between two values or objects.

    `before` may be None (a new object: every non-empty field shows as [None, new]).
    """
    result = {}
    for name in fields:
        # Compared as values (a datetime read back in UTC equals the same moment typed in
        # Stockholm time), stored as JSON.
        old = getattr(before, name, None) if before is not None else None
        new = getattr(after, name, None)
        if old != new:
            result[name] = [_plain(old), _plain(new)]
    return result


def log(*, actor, action, obj, data=None, organisation=None, object_repr=None):
    """Append one entry; call it inside the caller's transaction (see the module docstring).

    `actor` is the user who acted (None for the portal itself or an erased person),
    `action` one of the constants of `college_portal.activity.actions`, `obj` the model
    instance changed, `data` a small JSON-able dict of what changed (e.g.
    {"capacity": [10, 8]}), `organisation` the organisation the change belongs to (an object
    with .pk or an id) so that its members see it.
    """
    if not actions.is_known(action):
        raise ValueError(f"unknown activity type {action!r}: add it to activity/actions.py")
    if obj is None or obj.pk is None:
        raise ValueError("log() needs a saved object")
    if actor is not None and not actor.is_authenticated:
        actor = None
    return ActivityEntry.objects.create(
        actor=actor,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=(object_repr or describe(obj))[:REPR_LENGTH],
        organisation_id=getattr(organisation, "pk", organisation),
        data={key: _plain(value) for key, value in (data or {}).items()},
    )
