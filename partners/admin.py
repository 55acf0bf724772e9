from django.contrib import admin

from .models import Invitation, Membership, Organisation, PartnerRole


class PartnerRoleInline(admin.TabularInline):
    model = PartnerRole
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation_number", "kind", "municipality", "active"]
    list_filter = ["kind", "municipality", "active"]
    search_fields = ["name", "organisation_number", "municipality"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PartnerRoleInline, MembershipInline]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at"]
    list_select_related = ["organisation"]
    list_filter = ["role"]
    search_fields = ["email", "organisation__name"]
    readonly_fields = ["token_hash", "created_at", "accepted_at", "accepted_by", "invited_by"]
