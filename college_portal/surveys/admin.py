from django.contrib import admin

from .models import SurveyAnswer, SurveyInvitation


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(admin.ModelAdmin):
    list_display = ["event_kind", "respondent_kind", "organisation", "event_date", "answered_at"]
    list_filter = ["event_kind", "respondent_kind"]
    exclude = ["token_hash"]
    readonly_fields = [f.name for f in SurveyInvitation._meta.fields if f.name != "token_hash"]

    def has_add_permission(self, request):
        return False


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(admin.ModelAdmin):
    """Read only: answers are counted, never edited; the free text is for leads."""

    list_display = ["event_kind", "respondent_kind", "organisation", "programme", "event_date"]
    list_filter = ["event_kind", "respondent_kind"]
    exclude = ["invitation"]
    readonly_fields = [
        f.name for f in SurveyAnswer._meta.fields if f.name not in ("invitation", "id")
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
