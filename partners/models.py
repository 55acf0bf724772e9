"""Organisations of the partnership, their roles, their people and invitations to join."""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .municipalities import MUNICIPALITY_CHOICES
from .validators import normalise_organisation_number, validate_organisation_number


class OrganisationKind(models.TextChoices):
    COMPANY = "company", _("Company")
    MUNICIPALITY = "municipality", _("Municipality")
    REGION = "region", _("Region")
    EMPLOYER_ORGANISATION = "employer_org", _("Employer organisation")
    UNION = "union", _("Trade union")
    ASSOCIATION = "association", _("Association")
    PUBLIC_AGENCY = "public_agency", _("Public agency")
    SCHOOL = "school", _("School")


class PartnerRoleKind(models.TextChoices):
    REQUIREMENT_SETTER = "requirement_setter", _("Requirement setter (kravställare)")
    INTERNSHIP_HOST = "internship_host", _("Internship host")
    STUDY_VISIT_HOST = "study_visit_host", _("Study-visit host")
    FUNDER = "funder", _("Funder")
    STEERING_GROUP_MEMBER = "steering_member", _("Steering-group member")
    EDUCATION_PROVIDER = "education_provider", _("Education provider")
    PROJECT_OWNER = "project_owner", _("Project owner")


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def visible_to(self, user):
        """Everyone sees active organisations; project leads see all."""
        if user.is_authenticated and user.is_staff:
            return self
        return self.active()

    def of_member(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    organisation_number = models.CharField(
        _("organisation number"),
        max_length=11,
        unique=True,
        validators=[validate_organisation_number],
        help_text=_("Swedish organisation number, NNNNNN-NNNN."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    municipality = models.CharField(
        _("municipality"), max_length=40, choices=MUNICIPALITY_CHOICES, blank=True
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in OrganisationKind]),
                name="organisation_kind_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.organisation_number:
            self.organisation_number = normalise_organisation_number(self.organisation_number)

    def save(self, *args, **kwargs):
        if self.organisation_number:
            try:
                self.organisation_number = normalise_organisation_number(self.organisation_number)
            except ValidationError:  # full_clean reports it; the unique/length rules still hold
                pass
        super().save(*args, **kwargs)

    @property
    def member_user_role(self):
        """The portal role a person joining this organisation gets."""
        from college_portal.accounts.models import Role

        return Role.SCHOOL_STAFF if self.kind == OrganisationKind.SCHOOL else Role.COMPANY_REP

    def has_role(self, role):
        return any(r.role == role for r in self.roles.all())


class PartnerRole(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("role"), max_length=30, choices=PartnerRoleKind.choices)
    since = models.DateField(_("since"), default=timezone.localdate)

    class Meta:
        verbose_name = _("partnership role")
        verbose_name_plural = _("partnership roles")
        ordering = ["organisation", "role"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "role"], name="one_role_per_kind"),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.get_role_display()}"


class MembershipRole(models.TextChoices):
    REPRESENTATIVE = "representative", _("Representative")
    ADMIN = "admin", _("Organisation admin")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(
        _("role in the organisation"),
        max_length=20,
        choices=MembershipRole.choices,
        default=MembershipRole.REPRESENTATIVE,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership"),
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation}"


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    email = models.EmailField(_("e-mail address"))
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    role = models.CharField(
        _("role in the organisation"),
        max_length=20,
        choices=MembershipRole.choices,
        default=MembershipRole.REPRESENTATIVE,
    )
    language = models.CharField(
        _("language of the invitation"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Only the hash is stored: a leaked database does not hand out working links.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    @staticmethod
    def new_token():
        return secrets.token_urlsafe(32)

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def is_accepted(self):
        return self.accepted_at is not None
