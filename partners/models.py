"""Organisations of the partnership, their roles, their people and invitations to join."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from college_portal.uploads import ImageValidator, PdfValidator, private_storage
from college_portal.validators import sane_date_constraint, validate_sane_date

from .municipalities import MUNICIPALITY_CHOICES, municipality_code
from .validators import (
    normalise_organisation_number,
    validate_organisation_number,
    validate_school_unit_code,
)


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


class MembershipRole(models.TextChoices):
    REPRESENTATIVE = "representative", _("Representative")
    ADMIN = "admin", _("Organisation admin")


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def visible_to(self, user):
        """Everyone sees active organisations; project leads see all."""
        if user.is_authenticated and user.is_staff:
            return self
        return self.active()

    def acted_for_by(self, user, *, as_admin=False, partner_role=None, leads=False):
        """The one rule of who acts for which organisation: a signed-in member of an active
        organisation (its organisation admin when `as_admin`); only organisations holding
        `partner_role` when given. Project leads act for every organisation where `leads`
        (inviting, editing profiles); elsewhere they work through admin, not as members.

        Subqueries, not joins: no duplicate rows, no DISTINCT for callers to remember.
        """
        if not user.is_authenticated:
            return self.none()
        if leads and user.is_staff:
            chosen = self
        else:
            memberships = Membership.objects.filter(user=user)
            if as_admin:
                memberships = memberships.filter(role=MembershipRole.ADMIN)
            chosen = self.filter(active=True, pk__in=memberships.values("organisation"))
        if partner_role:
            chosen = chosen.filter(
                pk__in=PartnerRole.objects.filter(role=partner_role).values("organisation")
            )
        return chosen


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
    school_unit_code = models.CharField(
        _("school unit code (skolenhetskod)"),
        max_length=8,
        blank=True,
        validators=[validate_school_unit_code],
        help_text=_("Skolverket's 8-digit code of the school unit, where one is known."),
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    logo = models.ImageField(
        _("logo"),
        upload_to="logos/",
        blank=True,
        validators=[ImageValidator()],
        help_text=_("PNG, JPEG or WebP, at most 1 MB."),
    )
    active = models.BooleanField(_("active"), default=True)
    # Name (A), municipality (B) and description (C), kept current by partners.search on
    # PostgreSQL (Swedish configuration, GIN index); unused on SQLite (icontains there).
    search_vector = SearchVectorField(null=True, editable=False)
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
            models.UniqueConstraint(
                fields=["school_unit_code"],
                condition=~Q(school_unit_code=""),
                name="unique_school_unit_code",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.organisation_number:
            try:
                self.organisation_number = normalise_organisation_number(self.organisation_number)
            except ValidationError:  # full_clean reports it; the unique/length rules still hold
                pass
        super().save(*args, **kwargs)

    def clean(self):
        self.school_unit_code = (self.school_unit_code or "").strip()
        if self.school_unit_code and self.kind and self.kind != OrganisationKind.SCHOOL:
            raise ValidationError({"school_unit_code": _("Only a school has a school unit code.")})
        if (
            self.school_unit_code
            and Organisation.objects.filter(school_unit_code=self.school_unit_code)
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError(
                {"school_unit_code": _("Another school already has this school unit code.")}
            )
        # The field's validator reports a bad number; here only the format is normalised.
        if self.organisation_number:
            try:
                self.organisation_number = normalise_organisation_number(self.organisation_number)
            except ValidationError:
                pass

    @property
    def municipality_code(self):
        """SCB's code of the organisation's municipality, e.g. "0126"; "" if unknown."""
        return municipality_code(self.municipality)

    @property
    def activity_organisation_id(self):
        return self.pk

    def activity_repr(self):
        return str(self)  # names no person: the activity log may keep it

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
    since = models.DateField(
        _("since"), default=timezone.localdate, validators=[validate_sane_date]
    )

    class Meta:
        verbose_name = _("partnership role")
        verbose_name_plural = _("partnership roles")
        ordering = ["organisation", "role"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "role"], name="one_role_per_kind"),
            sane_date_constraint("since", name="partner_role_since_in_range"),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.get_role_display()}"

    @property
    def activity_organisation_id(self):
        return self.organisation_id

    def activity_repr(self):
        return str(self)  # names no person: the activity log may keep it


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

    def activity_repr(self):
        return f"membership #{self.pk}"  # the activity log names no person

    @property
    def activity_organisation_id(self):
        return self.organisation_id


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        """Invitations that can still be accepted (check_usable refuses inactive organisations)."""
        return self.filter(
            accepted_at__isnull=True, expires_at__gt=timezone.now(), organisation__active=True
        )


class TokenInvitation(models.Model):
    """What every invitation by e-mail link keeps: the language of the mail, who invited, the
    link's token (only its hash: a leaked database does not hand out working links), when it
    expires and who accepted it. Invitations to an organisation and to a school class share it."""

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
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), validators=[validate_sane_date])
    accepted_at = models.DateTimeField(
        _("accepted"), null=True, blank=True, validators=[validate_sane_date]
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


class Invitation(TokenInvitation):
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

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            sane_date_constraint(
                "expires_at", name="invitation_expires_at_in_range", with_time=True
            ),
            sane_date_constraint(
                "accepted_at", name="invitation_accepted_at_in_range", null=True, with_time=True
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    def activity_repr(self):
        return f"invitation #{self.pk}"  # the activity log keeps no e-mail address

    @property
    def activity_organisation_id(self):
        return self.organisation_id

    @staticmethod
    def new_token():
        return secrets.token_urlsafe(32)

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def is_accepted(self):
        return self.accepted_at is not None


EXPIRY_WARNING_DAYS = 60


class AgreementStatus(models.TextChoices):
    UPCOMING = "upcoming", _("Not yet valid")
    VALID = "valid", _("Valid")
    EXPIRING = "expiring", _("Expiring within 60 days")
    EXPIRED = "expired", _("Expired")


class AgreementKind(models.TextChoices):
    COLLABORATION = "collaboration", _("Partnership agreement (samverkansavtal)")
    INTENT = "intent", _("Declaration of intent (avsiktsförklaring)")


class AgreementQuerySet(models.QuerySet):
    def collaborations(self):
        return self.filter(kind=AgreementKind.COLLABORATION)

    def declarations_of_intent(self):
        return self.filter(kind=AgreementKind.INTENT)

    def of_party(self, organisation):
        """Agreements `organisation` is a party to: its own, and declarations of intent that
        name it as the education provider."""
        return self.filter(Q(organisation=organisation) | Q(counterparty=organisation))

    def valid_between(self, start, end):
        """Valid on at least one day of `start`..`end` (inclusive)."""
        return self.filter(valid_from__lte=end).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=start)
        )

    def with_documents_for(self, user):
        """The agreements whose document `user` may download: project leads every one, a
        member of either party (`Organisation.acted_for_by`) their own; nobody else."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        mine = Organisation.objects.acted_for_by(user).values("pk")
        return self.filter(Q(organisation__in=mine) | Q(counterparty__in=mine))

    def with_status_on(self, day):
        """Filter helpers keyed by status, for admin filters and the report."""
        soon = day + timedelta(days=EXPIRY_WARNING_DAYS)
        return {
            AgreementStatus.UPCOMING: self.filter(valid_from__gt=day),
            AgreementStatus.EXPIRED: self.filter(valid_to__lt=day),
            AgreementStatus.EXPIRING: self.filter(
                valid_from__lte=day, valid_to__gte=day, valid_to__lte=soon
            ),
            AgreementStatus.VALID: self.filter(valid_from__lte=day).filter(
                Q(valid_to__isnull=True) | Q(valid_to__gt=soon)
            ),
        }


def is_education_provider(organisation):
    """A school, or any organisation holding the education-provider role."""
    return organisation.kind == OrganisationKind.SCHOOL or organisation.roles.filter(
        role=PartnerRoleKind.EDUCATION_PROVIDER
    ).exists()


class Agreement(models.Model):
    """A samverkansavtal between the partnership and one organisation, or an avsiktsförklaring
    (declaration of intent) between a company (`organisation`) and an education provider
    (`counterparty`)."""

    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=AgreementKind.choices,
        default=AgreementKind.COLLABORATION,
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="agreements",
        help_text=_("For a declaration of intent: the company."),
    )
    counterparty = models.ForeignKey(
        Organisation,
        verbose_name=_("education provider"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="counterparty_agreements",
        help_text=_(
            "Only for a declaration of intent: the school or other education provider the "
            "company makes it with."
        ),
    )
    title = models.CharField(_("title"), max_length=200)
    scope = models.TextField(_("scope"), blank=True)
    signed_on = models.DateField(
        _("signed on"), null=True, blank=True, validators=[validate_sane_date]
    )
    valid_from = models.DateField(_("valid from"), validators=[validate_sane_date])
    valid_to = models.DateField(
        _("valid to"),
        null=True,
        blank=True,
        help_text=_("Empty: until further notice."),
        validators=[validate_sane_date],
    )
    document = models.FileField(
        _("document (PDF)"),
        upload_to="agreements/",
        storage=private_storage,
        blank=True,
        validators=[PdfValidator()],
        help_text=_("The signed agreement as PDF, at most 5 MB."),
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible project lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        limit_choices_to={"is_staff": True},
        related_name="responsible_agreements",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership agreement")
        verbose_name_plural = _("partnership agreements")
        ordering = ["organisation", "-valid_from"]
        constraints = [
            # A samverkansavtal has one party besides the partnership; a declaration of intent
            # two different ones (who may be an education provider is checked in clean()).
            models.CheckConstraint(
                condition=Q(kind="collaboration", counterparty__isnull=True)
                | (
                    Q(kind="intent", counterparty__isnull=False)
                    & ~Q(counterparty=models.F("organisation"))
                ),
                name="agreement_parties_match_kind",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="agreement_valid_range",
            ),
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(signed_on__lte=models.F("valid_to")),
                name="agreement_signed_before_end",
            ),
            sane_date_constraint("signed_on", name="agreement_signed_on_in_range", null=True),
            sane_date_constraint("valid_from", name="agreement_valid_from_in_range"),
            sane_date_constraint("valid_to", name="agreement_valid_to_in_range", null=True),
        ]

    def __str__(self):
        if self.kind == AgreementKind.INTENT and self.counterparty_id:
            return f"{self.organisation} – {self.counterparty}: {self.title}"
        return f"{self.organisation}: {self.title}"

    @property
    def activity_organisation_id(self):
        return self.organisation_id

    def activity_repr(self):
        return str(self)  # names no person: the activity log may keep it

    def clean(self):
        errors = {}
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The end date cannot be before the start date.")
        errors.update(self._party_errors())
        if errors:
            raise ValidationError(errors)

    def _party_errors(self):
        organisation = self.organisation if self.organisation_id else None
        counterparty = self.counterparty if self.counterparty_id else None
        if self.kind != AgreementKind.INTENT:
            if counterparty is not None:
                return {
                    "counterparty": _(
                        "A partnership agreement has no education provider: leave it empty, "
                        "or choose the kind declaration of intent."
                    )
                }
            return {}
        if counterparty is None:
            return {
                "counterparty": _(
                    "A declaration of intent needs its second party: the education provider."
                )
            }
        if organisation is None:
            return {}  # the organisation field reports its own error
        if counterparty.pk == organisation.pk:
            return {
                "counterparty": _(
                    "The education provider must be another organisation than the company."
                )
            }
        errors = {}
        if organisation.kind != OrganisationKind.COMPANY:
            errors["organisation"] = _("A declaration of intent is made by a company.")
        if not is_education_provider(counterparty):
            errors["counterparty"] = _(
                "%(organisation)s is not an education provider: choose a school or an "
                "organisation with the education-provider role."
            ) % {"organisation": counterparty}
        return errors

    @property
    def is_declaration_of_intent(self):
        return self.kind == AgreementKind.INTENT

    def other_party(self, organisation):
        """The party of a declaration of intent that is not `organisation` (None for a
        samverkansavtal: its other party is the partnership itself)."""
        if self.kind != AgreementKind.INTENT:
            return None
        return self.counterparty if self.organisation_id == organisation.pk else self.organisation

    def status_on(self, day):
        if self.valid_from > day:
            return AgreementStatus.UPCOMING
        if self.valid_to is None:
            return AgreementStatus.VALID
        if self.valid_to < day:
            return AgreementStatus.EXPIRED
        if (self.valid_to - day).days <= EXPIRY_WARNING_DAYS:
            return AgreementStatus.EXPIRING
        return AgreementStatus.VALID

    @property
    def status(self):
        return self.status_on(timezone.localdate())


class SteeringLevel(models.TextChoices):
    REGIONAL = "regional", _("Regional")
    LOCAL = "local", _("Local")


class SteeringGroup(models.Model):
    """A regional or local steering group (criterion Organisation och styrning)."""

    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=SteeringLevel.choices)
    municipality = models.CharField(
        _("municipality"), max_length=40, choices=MUNICIPALITY_CHOICES, blank=True
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("steering group")
        verbose_name_plural = _("steering groups")
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="regional") | ~Q(municipality=""),
                name="local_group_has_municipality",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.level == SteeringLevel.LOCAL and not self.municipality:
            raise ValidationError(
                {"municipality": _("A local steering group needs a municipality.")}
            )

    def activity_repr(self):
        return str(self)  # names no person: the activity log may keep it

    def current_members(self, day=None):
        """Members on `day` (today by default); works on prefetched members without queries."""
        day = day or timezone.localdate()
        return [
            m
            for m in self.members.all()
            if m.from_date <= day and (m.to_date is None or m.to_date >= day)
        ]

    def composition(self, day=None):
        """Whether companies are in the majority and the chair represents a company."""
        members = self.current_members(day)
        companies = sum(1 for m in members if m.organisation.kind == OrganisationKind.COMPANY)
        chairs = [m for m in members if m.is_chair]
        company_majority = bool(members) and companies * 2 > len(members)
        company_chair = len(chairs) == 1 and chairs[0].organisation.kind == OrganisationKind.COMPANY
        return {
            "members": len(members),
            "companies": companies,
            "company_majority": company_majority,
            "company_chair": company_chair,
            "meets_rule": company_majority and company_chair,
        }


class SteeringGroupMember(models.Model):
    group = models.ForeignKey(
        SteeringGroup,
        verbose_name=_("steering group"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    person_name = models.CharField(_("person"), max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="steering_memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("represents"),
        on_delete=models.PROTECT,
        related_name="steering_memberships",
    )
    is_chair = models.BooleanField(_("chair"), default=False)
    from_date = models.DateField(
        _("from"), default=timezone.localdate, validators=[validate_sane_date]
    )
    to_date = models.DateField(_("to"), null=True, blank=True, validators=[validate_sane_date])

    class Meta:
        verbose_name = _("steering-group member")
        verbose_name_plural = _("steering-group members")
        ordering = ["group", "-is_chair", "person_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_date__isnull=True) | Q(to_date__gte=models.F("from_date")),
                name="steering_member_valid_range",
            ),
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(is_chair=True, to_date__isnull=True),
                name="one_open_chair_per_group",
            ),
            sane_date_constraint("from_date", name="steering_member_from_in_range"),
            sane_date_constraint("to_date", name="steering_member_to_in_range", null=True),
        ]

    def __str__(self):
        return f"{self.person_name} ({self.organisation})"

    def activity_repr(self):
        return f"steering-group member #{self.pk}"  # the activity log names no person

    @property
    def activity_organisation_id(self):
        return self.organisation_id


class Meeting(models.Model):
    group = models.ForeignKey(
        SteeringGroup,
        verbose_name=_("steering group"),
        on_delete=models.CASCADE,
        related_name="meetings",
    )
    date = models.DateField(_("date"), validators=[validate_sane_date])
    minutes = models.FileField(
        _("minutes (PDF)"),
        upload_to="minutes/",
        storage=private_storage,
        blank=True,
        validators=[PdfValidator()],
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["group", "date"], name="one_meeting_per_group_and_day"),
            sane_date_constraint("date", name="meeting_date_in_range"),
        ]

    def __str__(self):
        return f"{self.group} {self.date:%Y-%m-%d}"

    def activity_repr(self):
        return str(self)  # names no person: the activity log may keep it
