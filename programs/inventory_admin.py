"""Django admin of the needs inventory for project leads: rounds (opened through the service,
closed by an action) and the stated needs, read-only, current and history."""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .inventory import ask_default_if_none, close_round, open_round
from .models import InventoryRound, NeedAnswer


@admin.register(InventoryRound)
class InventoryRoundAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "year",
        "deadline",
        "state",
        "asked_count",
        "answered_count",
        "answers",
    ]
    list_filter = ["year"]
    search_fields = ["title"]
    filter_horizontal = ["asked"]
    fields = ["title", "year", "deadline", "asked", "opened_by", "opened_at", "closed_at"]
    readonly_fields = ["opened_by", "opened_at", "closed_at"]
    actions = ["close_selected"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.base_fields["asked"].help_text = _(
            "Leave empty to ask every active company with the requirement-setter or "
            "internship-host role."
        )
        return form

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                asked_total=Count("asked", distinct=True),
                answered_total=Count(
                    "answers__organisation", filter=Q(answers__current=True), distinct=True
                ),
            )
        )

    @admin.display(description=_("status"))
    def state(self, obj):
        if obj.closed_at is not None:
            return _("Closed")
        return _("Open") if obj.is_open else _("Deadline passed")

    @admin.display(description=_("Asked"), ordering="asked_total")
    def asked_count(self, obj):
        return obj.asked_total

    @admin.display(description=_("Answered"), ordering="answered_total")
    def answered_count(self, obj):
        return obj.answered_total

    @admin.display(description=_("stated needs"))
    def answers(self, obj):
        address = reverse("admin:programs_needanswer_changelist")
        return format_html(
            '<a href="{}?{}">{}</a>', address, urlencode({"round__id__exact": obj.pk}), _("Answers")
        )

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # A new round goes through the service (who opened it, the default asked, the log);
        # the admin then carries on with the saved round.
        opened = open_round(
            title=obj.title,
            year=obj.year,
            deadline=obj.deadline,
            opened_by=request.user,
            asked=form.cleaned_data.get("asked"),
        )
        obj.pk, obj.opened_by, obj.opened_at = opened.pk, opened.opened_by, opened.opened_at
        obj._state.adding, obj._state.db = False, opened._state.db

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)
            if ask_default_if_none(round_id=form.instance.pk):
                self.message_user(
                    request,
                    _(
                        "Nobody was chosen: every active company with the requirement-setter or "
                        "internship-host role is asked."
                    ),
                    messages.INFO,
                )
        # A new round's asked organisations were set by open_round.

    @admin.action(description=_("Close the selected rounds"))
    def close_selected(self, request, queryset):
        closed = sum(
            close_round(round_id=pk, closed_by=request.user)
            for pk in queryset.values_list("pk", flat=True)
        )
        self.message_user(
            request,
            ngettext("%(count)d round closed.", "%(count)d rounds closed.", closed)
            % {"count": closed},
            messages.SUCCESS,
        )


@admin.register(NeedAnswer)
class NeedAnswerAdmin(admin.ModelAdmin):
    """Read-only: answers are the companies' own, given on their answer page."""

    list_display = [
        "organisation",
        "area",
        "within_1_year",
        "within_3_years",
        "within_5_years",
        "comment",
        "current",
        "answered_at",
        "answered_by",
        "round",
    ]
    list_filter = ["round", "current", "area"]
    search_fields = ["organisation__name", "comment"]
    list_select_related = ["organisation", "area", "answered_by", "round"]
    ordering = ["round", "organisation__name", "area__order", "-answered_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
