"""The activity log in Django admin: read-only, and a section on other objects' change pages."""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from . import actions
from .models import ActivityEntry


class ActionFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return actions.choices()

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(ActivityEntry)
class ActivityEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action_text", "object_repr", "content_type", "actor", "changed"]
    list_filter = [ActionFilter, "created_at"]
    search_fields = ["object_repr"]
    list_select_related = ["actor", "content_type"]
    list_per_page = 50
    fields = [
        "created_at",
        "action",
        "action_text",
        "actor",
        "content_type",
        "object_id",
        "object_repr",
        "organisation_id",
        "changed",
    ]
    readonly_fields = fields

    # Append-only: nobody adds, changes or deletes an entry, not even a superuser.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("what happened"), ordering="action")
    def action_text(self, obj):
        return obj.text

    @admin.display(description=_("what changed"))
    def changed(self, obj):
        return "; ".join(obj.details())


class ActivityLogMixin:
    """Shows an object's latest activity on its admin change page, linking to all of it.

    `activity_by_organisation = True` (for the organisation itself) shows everything that
    belongs to the organisation: its agreements, invitations, offers and so on.
    """

    activity_by_organisation = False
    activity_shown = 10

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "activity_log"]

    def get_fields(self, request, obj=None):
        return [f for f in super().get_fields(request, obj) if f != "activity_log"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None:
            fieldsets.append((_("Activity"), {"fields": ["activity_log"]}))
        return fieldsets

    def activity_lookup(self, obj):
        if self.activity_by_organisation:
            return {"organisation_id": obj.pk}
        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        return {"content_type__id__exact": content_type.pk, "object_id": str(obj.pk)}

    @admin.display(description=_("latest activity"))
    def activity_log(self, obj):
        lookup = self.activity_lookup(obj)
        # One query: one entry more than shown tells whether there are more.
        entries = list(
            ActivityEntry.objects.filter(**lookup).select_related("actor")[
                : self.activity_shown + 1
            ]
        )
        return render_to_string(
            "admin/activity/recent.html",
            {
                "entries": entries[: self.activity_shown],
                "more": len(entries) > self.activity_shown,
                "url": reverse("admin:activity_activityentry_changelist") + "?" + urlencode(lookup),
            },
        )
