"""Rounds in admin: for looking up a round and its figures; rounds are created and run by the
school's staff on the portal's pages (the services keep their rules), so admin adds none."""

from django.contrib import admin

from .models import Round


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["title", "school", "status", "period_start", "period_end", "choices_deadline"]
    list_filter = ["status"]
    list_select_related = ["school"]
    search_fields = ["title", "school__name"]
    readonly_fields = ["seed", "algorithm_version", "allocated_at", "created_by"]
    exclude = ["inputs", "pseudonyms"]

    def has_add_permission(self, request):
        return False
