"""Django admin for project leads: programmes, courses, requirements and their coverage."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from college_portal.activity.admin import ActivityLogMixin

from . import inventory_admin  # noqa: F401  (the needs inventory's rounds and answers)
from .models import (
    CompetenceArea,
    CompetenceRequirement,
    Course,
    Coverage,
    Intake,
    Programme,
    ProgrammeCourse,
    SupplyFigure,
    TaxonomyConcept,
)
from .services import decide_requirement
from .supply import record_supply, years_of


class IntakeInline(admin.TabularInline):
    model = Intake
    extra = 0


class ProgrammeCourseInline(admin.TabularInline):
    model = ProgrammeCourse
    extra = 0
    autocomplete_fields = ["course"]
    ordering = ["order"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "level",
        "provider",
        "municipality",
        "course_count",
        "published",
        "matrix",
    ]
    list_filter = ["level", "municipality", "provider", "published"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["provider"]
    inlines = [ProgrammeCourseInline, IntakeInline]
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(course_total=Count("plan", distinct=True))

    @admin.display(description=_("courses"), ordering="course_total")
    def course_count(self, obj):
        return obj.course_total

    @admin.display(description=_("coverage"))
    def matrix(self, obj):
        from django.urls import reverse

        return format_html(
            '<a href="{}">{}</a>', reverse("programs:matrix", args=[obj.slug]), _("Coverage matrix")
        )


@admin.register(TaxonomyConcept)
class TaxonomyConceptAdmin(admin.ModelAdmin):
    """JobTech Taxonomy concepts, imported by import_occupations; editable for corrections."""

    list_display = ["label_sv", "label_en", "concept_type", "ssyk_code", "concept_id"]
    list_filter = ["concept_type"]
    search_fields = ["label_sv", "label_en", "ssyk_code", "concept_id"]


@admin.register(CompetenceArea)
class CompetenceAreaAdmin(admin.ModelAdmin):
    list_display = ["name_sv", "name_en", "ssyk_code", "occupation", "concept", "order", "active"]
    list_editable = ["order", "active"]
    list_filter = ["active"]
    list_select_related = ["concept"]
    search_fields = ["name_sv", "name_en", "ssyk_code", "occupation", "concept__concept_id"]
    autocomplete_fields = ["concept"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["code", "curriculum", "name", "points", "subject_code", "subject_area"]
    list_filter = ["curriculum", "subject_area"]
    search_fields = ["code", "name", "subject_code", "subject_name", "description"]
    filter_horizontal = ["areas"]
    fieldsets = [
        (None, {"fields": ["name", "points", "subject_area", "description", "areas"]}),
        (
            _("Skolverket's codes"),
            {
                "fields": [
                    "code",
                    "curriculum",
                    "subject_code",
                    "subject_name",
                    "syllabus_version",
                    "syllabus_url",
                ]
            },
        ),
    ]


class CoverageInline(admin.TabularInline):
    model = Coverage
    extra = 1
    autocomplete_fields = ["course"]


class RequirementAdminForm(forms.ModelForm):
    class Meta:
        model = CompetenceRequirement
        fields = [
            "organisation",
            "title",
            "description",
            "importance",
            "status",
            "rejection_reason",
            "programmes",
            "areas",
            "ssyk_code",
            "concept",
        ]

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("status") == CompetenceRequirement.Status.REJECTED
            and not (cleaned.get("rejection_reason") or "").strip()
        ):
            self.add_error("rejection_reason", _("Give a reason when rejecting a requirement."))
        return cleaned


@admin.register(CompetenceRequirement)
class CompetenceRequirementAdmin(ActivityLogMixin, admin.ModelAdmin):
    form = RequirementAdminForm
    list_display = [
        "title",
        "organisation",
        "importance",
        "status",
        "covering_courses",
        "created_at",
    ]
    list_filter = ["status", "importance", "organisation", "programmes"]
    search_fields = ["title", "description", "organisation__name"]
    list_select_related = ["organisation"]
    filter_horizontal = ["programmes", "areas"]
    autocomplete_fields = ["concept"]
    inlines = [CoverageInline]
    readonly_fields = ["proposed_by", "decided_by", "decided_at", "created_at", "updated_at"]
    actions = ["accept_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(cover_total=Count("coverage", distinct=True))

    @admin.display(description=_("covering courses"), ordering="cover_total")
    def covering_courses(self, obj):
        return obj.cover_total

    def save_model(self, request, obj, form, change):
        decided = (
            "status" in form.changed_data and obj.status != CompetenceRequirement.Status.PROPOSED
        )
        if decided and change:
            # The decision goes through the service (history fields, notification to proposer).
            new_status, reason = obj.status, obj.rejection_reason
            obj.status = form.initial.get("status", CompetenceRequirement.Status.PROPOSED)
            super().save_model(request, obj, form, change)
            decide_requirement(
                requirement_id=obj.pk,
                decided_by=request.user,
                accept=new_status == CompetenceRequirement.Status.ACCEPTED,
                reason=reason,
            )
            obj.refresh_from_db()
        else:
            if not change:
                obj.proposed_by = obj.proposed_by or request.user
            super().save_model(request, obj, form, change)

    @admin.action(description=_("Accept selected requirements"))
    def accept_selected(self, request, queryset):
        ids = list(
            queryset.exclude(status=CompetenceRequirement.Status.ACCEPTED).values_list(
                "pk", flat=True
            )
        )
        for pk in ids:
            decide_requirement(requirement_id=pk, decided_by=request.user, accept=True)
        self.message_user(
            request,
            ngettext(
                "%(count)d requirement accepted.", "%(count)d requirements accepted.", len(ids)
            )
            % {"count": len(ids)},
            messages.SUCCESS,
        )


class SupplyFigureForm(forms.ModelForm):
    class Meta:
        model = SupplyFigure
        fields = ["intake", "year", "admitted", "completed"]

    def clean(self):
        cleaned = super().clean()
        intake, year = cleaned.get("intake"), cleaned.get("year")
        if intake and year and year not in years_of(intake):
            years = years_of(intake)
            self.add_error(
                "year",
                _("Choose a year from %(first)s to %(last)s for this intake.")
                % {"first": years[0], "last": years[-1]},
            )
        return cleaned


@admin.register(SupplyFigure)
class SupplyFigureAdmin(admin.ModelAdmin):
    """Admitted and completed students per intake and year. A correction is a new figure:
    saving makes it current and keeps the previous one as history (programs.supply), so a
    figure once saved is never edited or deleted."""

    form = SupplyFigureForm
    list_display = [
        "intake",
        "year",
        "admitted",
        "completed",
        "current",
        "entered_by",
        "entered_at",
    ]
    list_filter = ["current", "year", "intake__programme"]
    search_fields = ["intake__programme__name"]
    list_select_related = ["intake__programme", "entered_by"]
    readonly_fields = ["current", "entered_by", "entered_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        figure = record_supply(
            user=request.user,
            intake_id=obj.intake_id,
            year=obj.year,
            admitted=obj.admitted,
            completed=obj.completed,
        )
        obj.pk, obj.current, obj.entered_by, obj.entered_at = (
            figure.pk,
            figure.current,
            figure.entered_by,
            figure.entered_at,
        )
        obj._state.adding = False
