"""Django admin for project leads: organisations, agreements, steering groups, invitations."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from college_portal.activity.admin import ActivityLogMixin
from college_portal.csvexport import csv_response

from .forms import InviteContactsForm
from .models import (
    Agreement,
    AgreementStatus,
    Invitation,
    Meeting,
    Membership,
    Organisation,
    PartnerRole,
    PartnerRoleKind,
    SteeringGroup,
    SteeringGroupMember,
)
from .services import (
    remove_steering_member,
    revoke_invitation,
    save_agreement,
    save_steering_member,
    set_organisation_active,
)
from .views import send_invitations


class PartnerRoleInline(admin.TabularInline):
    model = PartnerRole
    extra = 0


class AgreementInline(admin.TabularInline):
    model = Agreement
    fk_name = "organisation"  # a declaration of intent also names its education provider
    extra = 0
    fields = ["kind", "title", "counterparty", "valid_from", "valid_to", "responsible", "document"]
    autocomplete_fields = ["counterparty"]
    show_change_link = True

    def get_queryset(self, request):
        # Each row's title (str) names the organisation (and a declaration's provider).
        return super().get_queryset(request).select_related("organisation", "counterparty")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]

    def get_queryset(self, request):
        # Each row's title (str) names the user and the organisation.
        return super().get_queryset(request).select_related("user", "organisation")


def offer_count_annotation():
    """Offers per organisation, when the placements app (a higher layer) adds them."""
    names = {rel.name for rel in Organisation._meta.related_objects}
    return {"offers_total": Count("offers", distinct=True)} if "offers" in names else {}


class RoleFilter(admin.SimpleListFilter):
    title = _("partnership role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return PartnerRoleKind.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(roles__role=self.value())
        return queryset


class AgreementStatusFilter(admin.SimpleListFilter):
    title = _("agreement status")
    parameter_name = "agreement"

    def lookups(self, request, model_admin):
        return [*AgreementStatus.choices, ("none", _("No agreement"))]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value == "none":
            return queryset.exclude(pk__in=Agreement.objects.collaborations().values("organisation"))
        today = timezone.localdate()
        # The organisation's samverkansavtal; a company's declarations of intent are not one.
        by_status = Agreement.objects.collaborations().with_status_on(today)
        if value not in by_status:
            return queryset
        queryset = queryset.filter(pk__in=by_status[value].values("organisation"))
        if value == AgreementStatus.EXPIRED:
            # An old agreement that was renewed does not make the organisation's one expired.
            running = Agreement.objects.collaborations().filter(
                Q(valid_to__isnull=True) | Q(valid_to__gte=today)
            )
            queryset = queryset.exclude(pk__in=running.values("organisation"))
        return queryset


@admin.register(Organisation)
class OrganisationAdmin(ActivityLogMixin, admin.ModelAdmin):
    activity_by_organisation = True
    list_display = [
        "name",
        "organisation_number",
        "kind",
        "role_list",
        "municipality",
        "agreement_until",
        "member_count",
        "offer_count",
        "active",
    ]
    list_filter = ["kind", RoleFilter, "municipality", "active", AgreementStatusFilter]
    search_fields = ["name", "organisation_number", "municipality", "school_unit_code"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PartnerRoleInline, AgreementInline, MembershipInline]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["invite_contacts", "mark_active", "mark_inactive", "export_csv"]
    list_per_page = 50

    def get_queryset(self, request):
        latest_end = (
            Agreement.objects.collaborations()
            .filter(organisation=OuterRef("pk"))
            # An open-ended agreement (no end date) outlasts any dated one, on every database.
            .order_by(F("valid_to").desc(nulls_first=True))
            .values("valid_to")[:1]
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                agreement_valid_to=Subquery(latest_end),
                members_total=Count("memberships", distinct=True),
                **offer_count_annotation(),
            )
            .prefetch_related("roles")
        )

    @admin.display(description=_("roles"))
    def role_list(self, obj):
        return ", ".join(role.get_role_display() for role in obj.roles.all())

    @admin.display(description=_("agreement valid until"), ordering="agreement_valid_to")
    def agreement_until(self, obj):
        return obj.agreement_valid_to

    @admin.display(description=_("members"), ordering="members_total")
    def member_count(self, obj):
        return obj.members_total

    @admin.display(description=_("offers"))
    def offer_count(self, obj):
        return getattr(obj, "offers_total", "–")

    def get_urls(self):
        return [
            path(
                "<int:pk>/invite/",
                self.admin_site.admin_view(self.invite_view),
                name="partners_organisation_invite",
            ),
            *super().get_urls(),
        ]

    def invite_view(self, request, pk):
        organisation = get_object_or_404(Organisation, pk=pk)
        if not self.has_change_permission(request, organisation):
            raise PermissionDenied
        form = InviteContactsForm(request.POST or None, initial={"language": "sv"})
        if request.method == "POST" and form.is_valid():
            send_invitations(request, organisation, form)
            return redirect("admin:partners_organisation_change", organisation.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": organisation,
            "form": form,
            "title": _("Invite contacts to %(organisation)s") % {"organisation": organisation},
        }
        return render(request, "admin/partners/organisation/invite.html", context)

    @admin.action(description=_("Invite contacts to the selected organisation"))
    def invite_contacts(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, _("Select exactly one organisation to invite contacts to."), messages.ERROR
            )
            return None
        return redirect(reverse("admin:partners_organisation_invite", args=[queryset.get().pk]))

    def save_model(self, request, obj, form, change):
        if change and "active" in form.changed_data:
            # Joining or leaving the partnership goes through the service, which logs it.
            active = obj.active
            obj.active = not active
            super().save_model(request, obj, form, change)
            set_organisation_active(organisation_id=obj.pk, active=active, actor=request.user)
            obj.active = active
        else:
            super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Agreement:
            return super().save_formset(request, form, formset, change)
        for agreement in formset.save(commit=False):
            save_agreement(agreement=agreement, actor=request.user)
        for agreement in formset.deleted_objects:
            agreement.delete()
        formset.save_m2m()
        return None

    def _set_active(self, request, queryset, active):
        ids = list(queryset.filter(active=not active).values_list("pk", flat=True))
        for pk in ids:
            set_organisation_active(organisation_id=pk, active=active, actor=request.user)
        return len(ids)

    @admin.action(description=_("Mark selected organisations active"))
    def mark_active(self, request, queryset):
        count = self._set_active(request, queryset, True)
        self.message_user(
            request,
            ngettext(
                "%(count)d organisation marked active.",
                "%(count)d organisations marked active.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark selected organisations inactive"))
    def mark_inactive(self, request, queryset):
        count = self._set_active(request, queryset, False)
        self.message_user(
            request,
            ngettext(
                "%(count)d organisation marked inactive.",
                "%(count)d organisations marked inactive.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Export selected organisations to CSV"))
    def export_csv(self, request, queryset):
        header = [
            _("Name"),
            _("Organisation number"),
            _("Kind"),
            _("Municipality"),
            _("Roles"),
            _("Agreement valid until"),
            _("Members"),
            _("Active"),
        ]
        rows = (
            [
                o.name,
                o.organisation_number,
                o.get_kind_display(),
                o.municipality,
                self.role_list(o),
                o.agreement_valid_to or "",
                o.members_total,
                _("yes") if o.active else _("no"),
            ]
            for o in queryset.order_by("name")
        )
        return csv_response("organisations.csv", header, rows)


@admin.register(Agreement)
class AgreementAdmin(ActivityLogMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "kind",
        "organisation",
        "counterparty",
        "valid_from",
        "valid_to",
        "status_badge",
        "responsible",
    ]
    list_select_related = ["organisation", "counterparty", "responsible"]
    list_filter = ["kind", "responsible", "organisation__kind"]
    search_fields = ["title", "organisation__name", "counterparty__name", "scope"]
    date_hierarchy = "valid_to"
    autocomplete_fields = ["organisation", "counterparty"]
    fields = [
        "kind",
        "organisation",
        "counterparty",
        "title",
        "scope",
        "signed_on",
        "valid_from",
        "valid_to",
        "document",
        "responsible",
        "created_at",
        "updated_at",
    ]
    readonly_fields = ["created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        save_agreement(agreement=obj, actor=request.user)

    @admin.display(description=_("status"))
    def status_badge(self, obj):
        css = {
            AgreementStatus.VALID: "ok",
            AgreementStatus.EXPIRING: "warn",
            AgreementStatus.EXPIRED: "error",
        }.get(obj.status, "warn")
        return format_html('<span class="badge badge-{}">{}</span>', css, obj.status.label)

    class Media:
        css = {"all": ["css/admin.css"]}


class SteeringGroupMemberInline(admin.TabularInline):
    model = SteeringGroupMember
    extra = 0
    autocomplete_fields = ["organisation", "user"]


class MeetingInline(admin.TabularInline):
    model = Meeting
    extra = 0


@admin.register(SteeringGroup)
class SteeringGroupAdmin(ActivityLogMixin, admin.ModelAdmin):
    list_display = ["name", "level", "municipality", "member_total", "majority", "chair", "rule"]
    list_filter = ["level", "municipality"]
    search_fields = ["name"]
    inlines = [SteeringGroupMemberInline, MeetingInline]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("members__organisation")

    def save_formset(self, request, form, formset, change):
        if formset.model is not SteeringGroupMember:
            return super().save_formset(request, form, formset, change)
        members = formset.save(commit=False)
        # Removals first: a new chair may replace one removed in the same save.
        for member in formset.deleted_objects:
            remove_steering_member(member=member, actor=request.user)
        for member in members:
            save_steering_member(member=member, actor=request.user)
        formset.save_m2m()
        return None

    @admin.display(description=_("members"))
    def member_total(self, obj):
        return obj.composition()["members"]

    @admin.display(description=_("companies in majority"), boolean=True)
    def majority(self, obj):
        return obj.composition()["company_majority"]

    @admin.display(description=_("company chair"), boolean=True)
    def chair(self, obj):
        return obj.composition()["company_chair"]

    @admin.display(description=_("meets the rule"))
    def rule(self, obj):
        if obj.composition()["meets_rule"]:
            return format_html('<span class="badge badge-ok">{}</span>', _("Yes"))
        return format_html(
            '<strong class="badge badge-error">{}</strong>', _("No – check the group")
        )


@admin.register(Invitation)
class InvitationAdmin(ActivityLogMixin, admin.ModelAdmin):
    list_display = [
        "email",
        "organisation",
        "role",
        "language",
        "created_at",
        "expires_at",
        "accepted_at",
    ]
    list_select_related = ["organisation"]
    list_filter = ["role", "language"]
    search_fields = ["email", "organisation__name"]
    readonly_fields = [
        "email",
        "organisation",
        "role",
        "language",
        "token_hash",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "invited_by",
    ]

    actions = ["revoke"]

    def has_add_permission(self, request):
        # Invitations are sent from an organisation (Invite contacts), which mails the link.
        return False

    @admin.action(description=_("Revoke selected invitations"))
    def revoke(self, request, queryset):
        count = sum(
            revoke_invitation(invitation_id=pk, revoked_by=request.user)
            for pk in queryset.values_list("pk", flat=True)
        )
        self.message_user(
            request,
            ngettext("%(count)d invitation revoked.", "%(count)d invitations revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )
