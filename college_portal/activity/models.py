"""The activity log: one append-only row for every change a person (or the portal) makes."""

import json

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import actions


class AppendOnlyError(Exception):
    """An activity entry, once written, is never changed or deleted."""


class ActivityEntryQuerySet(models.QuerySet):
    def with_related(self):
        """What a list shows: the actor and the object's type, in the same query."""
        return self.select_related("actor", "content_type")

    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=str(obj.pk),
        )

    def for_organisation(self, organisation):
        return self.filter(organisation_id=getattr(organisation, "pk", organisation))

    # Bulk writes would bypass the model's refusal; the log only grows.
    def update(self, **kwargs):
        raise AppendOnlyError("activity entries cannot be changed")

    def delete(self):
        raise AppendOnlyError("activity entries cannot be deleted")


class ActivityEntry(models.Model):
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=60, db_index=True)
    # PROTECT: removing a model's content type must not silently empty its history.
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("object id"), max_length=64)
    obj = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("object"), max_length=200)
    # A plain id, not a foreign key: the base layer knows nothing of partners' organisations.
    organisation_id = models.PositiveIntegerField(
        _("organisation id"), null=True, blank=True, db_index=True
    )
    data = models.JSONField(_("what changed"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = ActivityEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity entry")
        verbose_name_plural = _("activity log")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="activity_object_idx"),
        ]

    def __str__(self):
        return f"{self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("activity entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("activity entries cannot be deleted")

    @property
    def text(self):
        return actions.text_for(self.action)

    def details(self):
        """What changed, as short lines for people, in the active language."""
        data = self.data if isinstance(self.data, dict) else {}
        if "message" in data:
            return describe_admin_message(data["message"])
        lines = []
        for key, value in data.items():
            label = actions.FIELD_LABELS.get(key, key)
            names = actions.VALUE_LABELS.get(key, {})
            if isinstance(value, list) and len(value) == 2:
                value = f"{_shown(value[0], names)} → {_shown(value[1], names)}"
            else:
                value = _shown(value, names)
            lines.append(f"{label}: {value}")
        return lines


def _shown(value, names=None):
    if value is None or value == "":
        return "–"
    if names and isinstance(value, str) and value in names:
        return str(names[value])
    if isinstance(value, str) and "T" in value:
        moment = parse_datetime(value)  # stored as UTC ISO text: shown in Stockholm time
        if moment is not None:
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    if value is True:
        return gettext("yes")
    if value is False:
        return gettext("no")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
    return str(value)


def describe_admin_message(message):
    """Django admin's structured change message, without the object names it leaves out."""
    lines = []
    for part in message if isinstance(message, list) else []:
        for verb, detail in part.items() if isinstance(part, dict) else []:
            detail = detail or {}
            name = gettext(detail["name"]) if detail.get("name") else ""
            fields = ", ".join(gettext(f) for f in detail.get("fields", []))
            if verb == "added":
                lines.append(
                    gettext("Added %(name)s.") % {"name": name} if name else gettext("Added.")
                )
            elif verb == "changed" and name:
                lines.append(
                    gettext("Changed %(fields)s in %(name)s.") % {"fields": fields, "name": name}
                )
            elif verb == "changed":
                lines.append(gettext("Changed %(fields)s.") % {"fields": fields})
            elif verb == "deleted":
                lines.append(gettext("Deleted %(name)s.") % {"name": name})
    return lines
