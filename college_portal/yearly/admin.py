"""The yearly report in admin: assessments are read only (they are written on the report's
page, where a frozen year refuses them); a frozen report can only be looked at or deleted,
and deleting it is how a project lead unfreezes a year."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import CriterionAssessment, FrozenReport


@admin.register(CriterionAssessment)
class CriterionAssessmentAdmin(admin.ModelAdmin):
    list_display = ["year", "criterion", "written_by", "written_at"]
    list_filter = ["year", "criterion"]
    list_select_related = ["written_by"]
    fields = ["year", "criterion", "text", "written_by", "written_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FrozenReport)
class FrozenReportAdmin(admin.ModelAdmin):
    list_display = ["year", "frozen_at", "frozen_by"]
    list_select_related = ["frozen_by"]
    fields = ["year", "frozen_at", "frozen_by", "unfreeze_note"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # freezing happens on the report's page, with its snapshot

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("unfreeze"))
    def unfreeze_note(self, obj):
        return _("Delete this row to unfreeze the year: its page then computes the figures again.")
