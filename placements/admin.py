"""Django admin for project leads: offers, applications, bookings and their history."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from .forms import BaseSlotFormSet
from .models import (
    FILLED,
    Application,
    Booking,
    ClassInvitation,
    Offer,
    Slot,
    StatusChange,
    StudentProfile,
)
from .services import save_slots


class SlotInline(admin.TabularInline):
    model = Slot
    formset = BaseSlotFormSet  # validates; OfferAdmin.save_formset writes through save_slots
    fields = ["starts_at", "ends_at", "capacity", "places_taken"]
    extra = 0
    readonly_fields = ["places_taken"]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "organisation",
        "kind",
        "municipality",
        "status",
        "places",
        "filled",
        "application_deadline",
    ]
    list_filter = ["kind", "status", "municipality", "organisation"]
    search_fields = ["title", "description", "organisation__name"]
    list_select_related = ["organisation"]
    date_hierarchy = "published_at"
    filter_horizontal = ["programmes"]
    inlines = [SlotInline]
    readonly_fields = ["created_by", "created_at", "updated_at", "published_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(filled_total=Count("applications", filter=Q(applications__status__in=FILLED)))
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Slot:
            return super().save_formset(request, form, formset, change)
        # What Django's change message reads (formset.save() would have set these).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        try:
            # A savepoint: a refused change of the times leaves them all as they were.
            with transaction.atomic():
                save_slots(user=request.user, offer=form.instance, **formset.changes())
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)

    @admin.display(description=_("filled places"), ordering="filled_total")
    def filled(self, obj):
        return obj.filled_total


class HistoryInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    fields = ["created_at", "action", "actor", "from_status", "to_status", "message"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["student", "offer", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "offer__organisation"]
    search_fields = ["student__email", "student__full_name", "offer__title"]
    list_select_related = ["student", "offer"]
    date_hierarchy = "submitted_at"
    readonly_fields = [
        "offer",
        "student",
        "motivation",
        "cv",
        "status",
        "submitted_at",
        "decided_at",
        "completed_at",
        "withdrawn_at",
        "decision_message",
    ]
    inlines = [HistoryInline]

    def has_add_permission(self, request):
        # Applications change only through the services (places are scarce).
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["booked_by", "slot", "group_size", "class_name", "status", "created_at"]
    list_filter = ["status", "slot__offer__organisation"]
    search_fields = ["booked_by__email", "class_name", "slot__offer__title"]
    list_select_related = ["booked_by", "slot__offer"]
    readonly_fields = [
        "slot",
        "booked_by",
        "group_size",
        "class_name",
        "teacher_contact",
        "status",
        "created_at",
        "cancelled_at",
    ]
    inlines = [HistoryInline]

    def has_add_permission(self, request):
        return False


@admin.register(StudentProfile)
class StudentProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "school", "programme", "municipality", "digest"]
    list_select_related = ["user", "school", "programme"]
    list_filter = ["digest", "school"]
    search_fields = ["user__email", "user__full_name"]


@admin.register(ClassInvitation)
class ClassInvitationAdmin(admin.ModelAdmin):
    """Read-only: school staff send class invitations (with their e-mail) from their page."""

    list_display = ["email", "school", "class_name", "created_at", "expires_at", "accepted_at"]
    list_select_related = ["school"]
    list_filter = ["school"]
    search_fields = ["email", "class_name", "school__name"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
