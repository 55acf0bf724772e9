"""Workplace offers (internships; study visits, guest lectures and teacher placements booked on
times), applications, bookings and their history."""

import secrets

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from college_portal.uploads import PdfValidator, private_storage
from college_portal.validators import sane_date_constraint, validate_sane_date
from partners.models import Organisation, PartnerRoleKind, TokenInvitation
from partners.municipalities import MUNICIPALITY_CHOICES
from programs.models import Level, Programme


class OfferKind(models.TextChoices):
    INTERNSHIP = "internship", _("Internship (praktikplats / APL)")
    STUDY_VISIT = "study_visit", _("Study visit")
    GUEST_LECTURE = "guest_lecture", _("Guest lecture")
    # A teacher's day (or days) in the company's workshop: "lärarpraktik" in Swedish.
    TEACHER_PLACEMENT = "teacher_placement", _("Teacher placement")


# Offers booked on dated times (Slot, Booking and the booking services), not applied for.
BOOKED_KINDS = (OfferKind.STUDY_VISIT, OfferKind.GUEST_LECTURE, OfferKind.TEACHER_PLACEMENT)
# Booked by school staff only: a guest lecture for a class, a placement for teachers.
STAFF_BOOKED_KINDS = (OfferKind.GUEST_LECTURE, OfferKind.TEACHER_PLACEMENT)
# One booking takes the whole time: the lecturer goes to one school, the booker's.
WHOLE_TIME_KINDS = (OfferKind.GUEST_LECTURE,)
HELD_AT_SCHOOL_KINDS = (OfferKind.GUEST_LECTURE,)
# What a student may choose to hear about (the digest, "offers for you").
STUDENT_KINDS = (OfferKind.INTERNSHIP, OfferKind.STUDY_VISIT)

# The partnership role a company needs to publish each kind. Guest lectures and teacher
# placements are the study-visit host's commitment too: meeting a school's people at a time
# they booked, with a contact person, on the company's premises or by its staff at the
# school; one role keeps the lead's admin and the report's partners by role as they are.
HOST_ROLE = {
    OfferKind.INTERNSHIP: PartnerRoleKind.INTERNSHIP_HOST,
    OfferKind.STUDY_VISIT: PartnerRoleKind.STUDY_VISIT_HOST,
    OfferKind.GUEST_LECTURE: PartnerRoleKind.STUDY_VISIT_HOST,
    OfferKind.TEACHER_PLACEMENT: PartnerRoleKind.STUDY_VISIT_HOST,
}


class OfferStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class OfferQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=OfferStatus.PUBLISHED, organisation__active=True)

    def open_for_application(self, day=None):
        """Published offers that can still be taken up: the last day has not passed, an
        internship's period has not ended, and a study visit has a time still ahead. The same
        rule as `Offer.takes_applications` / `Offer.takes_bookings`, as a query (an offer
        booked on times, `BOOKED_KINDS`, has a time still ahead)."""
        day = day or timezone.localdate()
        future_time = Slot.objects.bookable().filter(offer=OuterRef("pk"))
        return self.published().filter(
            Q(application_deadline__isnull=True) | Q(application_deadline__gte=day),
            Q(kind=OfferKind.INTERNSHIP, period_end__isnull=True)
            | Q(kind=OfferKind.INTERNSHIP, period_end__gte=day)
            | Q(Exists(future_time), kind__in=BOOKED_KINDS),
        )

    def for_students(self):
        """Offers a student can take up: not those school staff alone book."""
        return self.exclude(kind__in=STAFF_BOOKED_KINDS)

    def listed(self):
        """What the public lists show: only offers that can still be taken up."""
        return self.open_for_application()

    def managed_by(self, user):
        """Offers of the organisations `user` acts for (`Organisation.acted_for_by`)."""
        return self.filter(organisation__in=Organisation.objects.acted_for_by(user))

    def visible_to(self, user):
        """Published offers for everyone; drafts and closed ones to their organisation and leads,
        and a closed one still to the students who applied or booked."""
        if user.is_authenticated and user.is_staff:
            return self
        if user.is_authenticated:
            return self.filter(
                Q(status=OfferStatus.PUBLISHED, organisation__active=True)
                | Q(organisation__memberships__user=user)
                | Q(status=OfferStatus.CLOSED, applications__student=user)
                | Q(status=OfferStatus.CLOSED, slots__bookings__booked_by=user)
            ).distinct()
        return self.published()

    def for_programme(self, programme):
        return self.filter(programmes=programme)


class Offer(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="offers",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OfferKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"), help_text=_("Plain text. Empty lines separate paragraphs.")
    )
    municipality = models.CharField(_("municipality"), max_length=40, choices=MUNICIPALITY_CHOICES)
    address = models.CharField(_("address"), max_length=200, blank=True)
    programmes = models.ManyToManyField(
        Programme, verbose_name=_("programmes"), related_name="offers", blank=True
    )
    prerequisites = models.TextField(_("prerequisites"), blank=True)
    places = models.PositiveSmallIntegerField(
        _("places"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("Internship places. Study visits have places per time slot."),
    )
    application_deadline = models.DateField(
        _("application deadline"), null=True, blank=True, validators=[validate_sane_date]
    )
    period_start = models.DateField(
        _("period starts"), null=True, blank=True, validators=[validate_sane_date]
    )
    period_end = models.DateField(
        _("period ends"), null=True, blank=True, validators=[validate_sane_date]
    )
    contact_name = models.CharField(_("contact person"), max_length=150)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(
        _("published"), null=True, blank=True, validators=[validate_sane_date]
    )
    # Title (A), municipality (B) and description (C), kept current by placements.search on
    # PostgreSQL (Swedish configuration, GIN index); unused on SQLite (icontains there). The
    # organisation's name is matched through the organisation's own vector.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "kind"], name="offer_status_kind_idx"),
            # The public list: published offers, newest first (walked in order, a page at a time).
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published"),
                name="offer_listed_recent_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="offer_period_valid",
            ),
            models.CheckConstraint(condition=Q(places__gte=1), name="offer_places_positive"),
            sane_date_constraint("application_deadline", name="offer_deadline_in_range", null=True),
            sane_date_constraint("period_start", name="offer_period_start_in_range", null=True),
            sane_date_constraint("period_end", name="offer_period_end_in_range", null=True),
            sane_date_constraint(
                "published_at", name="offer_published_at_in_range", null=True, with_time=True
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("placements:offer_detail", kwargs={"pk": self.pk})

    def activity_repr(self):
        """How the activity log names an offer: its title (an offer names no person)."""
        return self.title

    @property
    def is_internship(self):
        return self.kind == OfferKind.INTERNSHIP

    @cached_property
    def listed_programmes(self):
        """The programmes the offer is for, read once per page."""
        return list(self.programmes.all())

    @property
    def learning_term(self):
        """What the programmes call an internship: LIA in higher vocational education (YH),
        APL in upper secondary and adult education; None for a study visit or no programme."""
        if not self.is_internship or not self.listed_programmes:
            return None
        levels = {programme.level for programme in self.listed_programmes}
        if levels == {Level.HIGHER_VOCATIONAL}:
            return _("LIA (learning at work, higher vocational education)")
        if Level.HIGHER_VOCATIONAL in levels:
            return _("APL or LIA, depending on the programme")
        return _("APL (workplace-based learning)")

    @property
    def is_open(self):
        """Published by an active organisation and the last day to apply or book not passed.
        The one rule behind `takes_applications` and `takes_bookings`."""
        today = timezone.localdate()
        return (
            self.status == OfferStatus.PUBLISHED
            and self.organisation.active
            and (self.application_deadline is None or self.application_deadline >= today)
        )

    @property
    def takes_applications(self):
        """Students can apply: an open internship whose period has not ended."""
        return (
            self.kind == OfferKind.INTERNSHIP
            and self.is_open
            and (self.period_end is None or self.period_end >= timezone.localdate())
        )

    @property
    def is_booked(self):
        """Taken up by booking a time (`BOOKED_KINDS`), not by applying."""
        return self.kind in BOOKED_KINDS

    @property
    def staff_only(self):
        """Only school staff book it (a guest lecture, a teacher placement)."""
        return self.kind in STAFF_BOOKED_KINDS

    @property
    def held_at_school(self):
        """Held at the booker's school, not at the offer's address (a guest lecture)."""
        return self.kind in HELD_AT_SCHOOL_KINDS

    @property
    def takes_bookings(self):
        """A time can be booked: by students and school staff for a study visit, by school
        staff for a guest lecture or a teacher placement (each time also has to be ahead and
        not cancelled: `Slot.is_bookable`)."""
        return self.is_booked and self.is_open

    @property
    def action_label(self):
        """What taking the offer up is called on its page."""
        return {
            OfferKind.INTERNSHIP: _("Apply"),
            OfferKind.STUDY_VISIT: _("Book a visit"),
            OfferKind.GUEST_LECTURE: _("Book a guest lecture"),
            OfferKind.TEACHER_PLACEMENT: _("Book a teacher placement"),
        }[self.kind]


class SlotQuerySet(models.QuerySet):
    def bookable(self):
        """Times still ahead and not cancelled: the query form of `Slot.is_bookable`."""
        return self.filter(starts_at__gt=timezone.now(), cancelled_at__isnull=True)


class Slot(models.Model):
    """A dated time of a study visit, guest lecture or teacher placement with its own
    capacity (people: visitors, the class, teachers)."""

    offer = models.ForeignKey(
        Offer, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="slots"
    )
    starts_at = models.DateTimeField(_("starts"), validators=[validate_sane_date])
    ends_at = models.DateTimeField(_("ends"), validators=[validate_sane_date])
    capacity = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    # Kept by conditional UPDATEs in the booking service: never above capacity.
    places_taken = models.PositiveSmallIntegerField(_("places taken"), default=0, editable=False)
    # Set when the host cancels the time; its bookings are cancelled and everyone is told.
    cancelled_at = models.DateTimeField(
        _("cancelled"), null=True, blank=True, editable=False, validators=[validate_sane_date]
    )
    cancellation_message = models.TextField(
        _("message to those booked"), blank=True, editable=False
    )

    objects = SlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(places_taken__lte=models.F("capacity")), name="slot_not_overbooked"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"
            ),
            sane_date_constraint("starts_at", name="slot_starts_at_in_range", with_time=True),
            sane_date_constraint("ends_at", name="slot_ends_at_in_range", with_time=True),
            sane_date_constraint(
                "cancelled_at", name="slot_cancelled_at_in_range", null=True, with_time=True
            ),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.offer}: {local:%Y-%m-%d %H:%M}"

    @property
    def places_left(self):
        return self.capacity - self.places_taken

    @property
    def is_bookable(self):
        return self.cancelled_at is None and self.starts_at > timezone.now()


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    WAITLISTED = "waitlisted", _("Wait-listed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


FILLED = (ApplicationStatus.ACCEPTED, ApplicationStatus.COMPLETED)
# The decisions an organisation makes on an application: decision → (new status, from which).
DECISIONS = {
    "accept": (
        ApplicationStatus.ACCEPTED,
        (ApplicationStatus.SUBMITTED, ApplicationStatus.WAITLISTED),
    ),
    "waitlist": (ApplicationStatus.WAITLISTED, (ApplicationStatus.SUBMITTED,)),
    "decline": (
        ApplicationStatus.DECLINED,
        (ApplicationStatus.SUBMITTED, ApplicationStatus.WAITLISTED, ApplicationStatus.ACCEPTED),
    ),
}
# A student who withdrew may apply once more while the offer is open.
MAX_APPLICATION_ATTEMPTS = 2
UNDECIDED = (ApplicationStatus.SUBMITTED, ApplicationStatus.WAITLISTED)


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The applicant sees their own; the offer's organisation sees its applicants; school
        staff see their school's students' once the school link is confirmed; leads see all."""
        from .selectors import school_students  # the rule lives there (selectors imports us)

        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(
            Q(student=user)
            | Q(offer__organisation__memberships__user=user)
            | Q(student__in=school_students(user))
        ).distinct()

    def decidable_by(self, user):
        """Applications to offers of the organisations `user` acts for."""
        return self.filter(offer__organisation__in=Organisation.objects.acted_for_by(user))


def cv_path(instance, filename):
    return f"cv/{instance.student_id}/{secrets.token_hex(16)}.pdf"


class Application(models.Model):
    offer = models.ForeignKey(
        Offer, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="applications"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("student"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    motivation = models.TextField(_("motivation"))
    cv = models.FileField(
        _("CV (PDF)"),
        storage=private_storage,
        upload_to=cv_path,
        blank=True,
        validators=[PdfValidator()],
        help_text=_("Optional. PDF, at most 5 MB."),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    decision_message = models.TextField(_("message to the student"), blank=True)
    submitted_at = models.DateTimeField(
        _("submitted"), default=timezone.now, validators=[validate_sane_date]
    )
    decided_at = models.DateTimeField(
        _("decided"), null=True, blank=True, validators=[validate_sane_date]
    )
    completed_at = models.DateTimeField(
        _("completed"), null=True, blank=True, validators=[validate_sane_date]
    )
    withdrawn_at = models.DateTimeField(
        _("withdrawn"), null=True, blank=True, validators=[validate_sane_date]
    )
    # 1 for the first application; 2 for the one new application allowed after withdrawing.
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1, editable=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["submitted_at"]
        constraints = [
            # One live application per student and offer; a withdrawn one may be followed by
            # exactly one new application (attempt 2), never a third.
            models.UniqueConstraint(
                fields=["offer", "student"],
                condition=~Q(status="withdrawn"),
                name="one_live_application_per_offer",
            ),
            models.UniqueConstraint(
                fields=["offer", "student", "attempt"], name="one_application_per_attempt"
            ),
            models.CheckConstraint(
                condition=Q(attempt__gte=1, attempt__lte=MAX_APPLICATION_ATTEMPTS),
                name="application_attempts_limited",
            ),
            sane_date_constraint(
                "submitted_at", name="application_submitted_at_in_range", with_time=True
            ),
            sane_date_constraint(
                "decided_at", name="application_decided_at_in_range", null=True, with_time=True
            ),
            sane_date_constraint(
                "completed_at", name="application_completed_at_in_range", null=True, with_time=True
            ),
            sane_date_constraint(
                "withdrawn_at", name="application_withdrawn_at_in_range", null=True, with_time=True
            ),
        ]

    def __str__(self):
        return f"{self.student} → {self.offer}"

    @property
    def can_withdraw(self):
        return self.status in (*UNDECIDED, ApplicationStatus.ACCEPTED)

    @property
    def allowed_decisions(self):
        """The decisions the offer's organisation can still make, in the form's order."""
        return [d for d, (_to, sources) in DECISIONS.items() if self.status in sources]


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class BookingQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(
            Q(booked_by=user) | Q(slot__offer__organisation__memberships__user=user)
        ).distinct()


class Booking(models.Model):
    slot = models.ForeignKey(
        Slot, verbose_name=_("time slot"), on_delete=models.PROTECT, related_name="bookings"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.CASCADE,
        related_name="bookings",
    )
    group_size = models.PositiveSmallIntegerField(
        _("number of people"), default=1, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    class_name = models.CharField(_("class"), max_length=60, blank=True)
    teacher_contact = models.CharField(_("teacher's contact"), max_length=150, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=BookingStatus.choices, default=BookingStatus.CONFIRMED
    )
    created_at = models.DateTimeField(_("booked"), auto_now_add=True)
    cancelled_at = models.DateTimeField(
        _("cancelled"), null=True, blank=True, validators=[validate_sane_date]
    )

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["slot__starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(group_size__gte=1), name="booking_group_positive"),
            models.UniqueConstraint(
                fields=["slot", "booked_by"],
                condition=Q(status="confirmed"),
                name="one_live_booking_per_slot_and_person",
            ),
            sane_date_constraint(
                "cancelled_at", name="booking_cancelled_at_in_range", null=True, with_time=True
            ),
        ]

    def __str__(self):
        return f"{self.booked_by} @ {self.slot}"


class StatusChange(models.Model):
    """One entry of the history of an application or a booking: who, when, from, to, message."""

    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.CASCADE, related_name="history"
    )
    booking = models.ForeignKey(
        Booking, null=True, blank=True, on_delete=models.CASCADE, related_name="history"
    )
    action = models.CharField(_("action"), max_length=60)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(
        _("when"), default=timezone.now, validators=[validate_sane_date]
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(application__isnull=False, booking__isnull=True)
                | Q(application__isnull=True, booking__isnull=False),
                name="status_change_has_one_subject",
            ),
            sane_date_constraint(
                "created_at", name="status_change_created_at_in_range", with_time=True
            ),
        ]

    def __str__(self):
        return f"{self.action} {self.from_status}→{self.to_status}"


class StudentProfile(models.Model):
    """What a student tells about themselves: school, programme, municipality, interests."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="student_profile"
    )
    school = models.ForeignKey(
        Organisation,
        verbose_name=_("school"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="students",
        limit_choices_to={"kind": "school"},
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="students",
    )
    municipality = models.CharField(
        _("municipality"), max_length=40, choices=MUNICIPALITY_CHOICES, blank=True
    )
    digest = models.BooleanField(
        _("weekly e-mail with new offers that match my interests"), default=False
    )
    interest_kind = models.CharField(
        _("interested in"),
        max_length=20,
        choices=[(kind.value, kind.label) for kind in STUDENT_KINDS],
        blank=True,
    )
    unsubscribe_token = models.CharField(
        max_length=43, unique=True, default=secrets.token_urlsafe, editable=False
    )
    # The school link is self-declared until a staff member of that school confirms it (or
    # the student joined through the school's class invitation); only then do the school's
    # staff see the student's applications.
    school_confirmed_at = models.DateTimeField(
        _("school link confirmed"),
        null=True,
        blank=True,
        editable=False,
        validators=[validate_sane_date],
    )
    school_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("student profile")
        verbose_name_plural = _("student profiles")
        constraints = [
            sane_date_constraint(
                "school_confirmed_at",
                name="profile_school_confirmed_at_in_range",
                null=True,
                with_time=True,
            ),
        ]

    def __str__(self):
        return str(self.user)

    def save(self, *args, **kwargs):
        # The one rule of the school link, whatever saves the profile (the student's form,
        # admin, a service): a new school has not confirmed the student, so its staff see
        # nothing of their applications until it does.
        if self.pk and self.school_id != getattr(self, "_loaded_school_id", self.school_id):
            self.school_confirmed_at = None
            self.school_confirmed_by = None
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {
                    *update_fields,
                    "school_confirmed_at",
                    "school_confirmed_by",
                }
        super().save(*args, **kwargs)
        self._loaded_school_id = self.school_id

    @classmethod
    def from_db(cls, db, field_names, values):
        profile = super().from_db(db, field_names, values)
        profile._loaded_school_id = profile.__dict__.get("school_id")
        return profile


class ClassInvitation(TokenInvitation):
    """A school's invitation to one student of a class: accepting it links the student to the
    school, confirmed at once (the other way to a confirmed link is staff confirming)."""

    school = models.ForeignKey(
        Organisation,
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="class_invitations",
        limit_choices_to={"kind": "school"},
    )
    class_name = models.CharField(_("class"), max_length=30)
    email = models.EmailField(_("e-mail address"))

    class Meta:
        verbose_name = _("class invitation")
        verbose_name_plural = _("class invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One invitation not yet accepted per school and address: the service replaces an
            # expired one and skips a live one, so nobody holds two links from one school.
            models.UniqueConstraint(
                fields=["school", "email"],
                condition=Q(accepted_at__isnull=True),
                name="one_open_class_invitation",
            ),
            models.CheckConstraint(
                condition=Q(email=Lower("email")), name="class_invitation_email_lower"
            ),
            sane_date_constraint(
                "expires_at", name="class_invitation_expires_at_in_range", with_time=True
            ),
            sane_date_constraint(
                "accepted_at",
                name="class_invitation_accepted_at_in_range",
                null=True,
                with_time=True,
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.school} {self.class_name}"

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def is_accepted(self):
        return self.accepted_at is not None

    def activity_repr(self):
        return f"class invitation #{self.pk}"  # the activity log keeps no e-mail address

    @property
    def activity_organisation_id(self):
        return self.school_id


# --- The APL agreement of a placement ----------------------------------------------------------


class RiskItem(models.TextChoices):
    """The workplace's risk assessment for a student (AFS 2012:3 asks it before a minor starts):
    each item is phrased so that every workplace can tick it."""

    HAZARDS = "risk_hazards_identified", _("The hazards of the student's tasks are identified")
    PROTECTION = "risk_protective_equipment", _("Protective equipment is provided and fitted")
    INTRODUCTION = (
        "risk_safety_introduction",
        _("The student is introduced to the workplace's safety rules on the first day"),
    )
    FORBIDDEN = (
        "risk_forbidden_work_listed",
        _("Machines and tasks the student may not use or do are listed (or there are none)"),
    )
    EMERGENCY = (
        "risk_emergency_procedures",
        _("Emergency procedures, exits and first aid are explained"),
    )


class AssessmentLevel(models.TextChoices):
    NOT_YET = "not_yet", _("Not yet shown")
    WITH_SUPPORT = "with_support", _("Shown with support")
    INDEPENDENTLY = "independently", _("Shown independently")


class PlacementAgreement(models.Model):
    """The agreement of one placement (APL, or LIA in higher vocational education): the
    supervisor, the learning objectives, hours, address and the risk assessment, filled in by
    the company; the school says whether the student is under 18; then the final assessment.

    It hangs on the accepted application. An allocation round's placement will get its own
    nullable one-to-one next to `application` (exactly one of the two set); the rules read the
    placement through `student`, `offer` and `organisation_id` only, never the application.
    """

    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="agreement",
    )
    supervisor_name = models.CharField(_("supervisor's name"), max_length=150)
    supervisor_email = models.EmailField(_("supervisor's e-mail"))
    supervisor_phone = models.CharField(_("supervisor's phone"), max_length=40, blank=True)
    supervisor_trained = models.BooleanField(
        _("the supervisor has taken supervisor training"), default=False
    )
    objectives = models.ManyToManyField(
        "programs.Course",
        verbose_name=_("learning objectives"),
        related_name="+",
        blank=True,
        help_text=_("Courses of the student's programme the placement works towards."),
    )
    working_hours = models.TextField(_("working hours"), blank=True)
    address = models.CharField(_("workplace address"), max_length=200, blank=True)
    risk_hazards_identified = models.BooleanField(RiskItem.HAZARDS.label, default=False)
    risk_protective_equipment = models.BooleanField(RiskItem.PROTECTION.label, default=False)
    risk_safety_introduction = models.BooleanField(RiskItem.INTRODUCTION.label, default=False)
    risk_forbidden_work_listed = models.BooleanField(RiskItem.FORBIDDEN.label, default=False)
    risk_emergency_procedures = models.BooleanField(RiskItem.EMERGENCY.label, default=False)
    risk_comment = models.TextField(_("comment on the risk assessment"), blank=True)
    # Set when every item is ticked, cleared when one is unticked (services.save_agreement).
    risk_assessed_at = models.DateTimeField(
        _("risk assessed"), null=True, blank=True, editable=False, validators=[validate_sane_date]
    )
    # The school's word, not a birth date: the portal keeps no date of birth. True until the
    # school's staff say otherwise, so the risk assessment is asked for unless they do.
    student_under_18 = models.BooleanField(_("the student is under 18"), default=True)
    age_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("age confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    started_at = models.DateTimeField(
        _("started"), null=True, blank=True, editable=False, validators=[validate_sane_date]
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # The three-party conversation (trepartssamtal: student, supervisor, teacher), booked by
    # the teacher midway, with its notes; read by everyone who reads the agreement.
    conversation_on = models.DateField(
        _("three-party conversation"), null=True, blank=True, validators=[validate_sane_date]
    )
    conversation_notes = models.TextField(_("notes from the conversation"), blank=True)
    conversation_booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("conversation booked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    assessed_at = models.DateTimeField(
        _("assessed"), null=True, blank=True, editable=False, validators=[validate_sane_date]
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("placement agreement")
        verbose_name_plural = _("placement agreements")
        constraints = [
            sane_date_constraint(
                "risk_assessed_at",
                name="agreement_risk_assessed_at_in_range",
                null=True,
                with_time=True,
            ),
            sane_date_constraint(
                "started_at", name="agreement_started_at_in_range", null=True, with_time=True
            ),
            sane_date_constraint(
                "assessed_at", name="agreement_assessed_at_in_range", null=True, with_time=True
            ),
            sane_date_constraint(
                "conversation_on", name="agreement_conversation_on_in_range", null=True
            ),
        ]

    def __str__(self):
        return f"{self.application}"

    def activity_repr(self):
        return f"placement agreement #{self.pk}"  # names no person

    @property
    def student(self):
        return self.application.student

    @property
    def offer(self):
        return self.application.offer

    @property
    def organisation_id(self):
        return self.application.offer.organisation_id

    @property
    def risk_items(self):
        """(label, ticked) of the risk checklist, in order."""
        return [(item.label, getattr(self, item.value)) for item in RiskItem]

    @property
    def risk_complete(self):
        return all(getattr(self, item.value) for item in RiskItem)

    @property
    def needs_risk_assessment(self):
        """The student may not start yet: under 18 and the risk assessment not done."""
        return self.student_under_18 and self.risk_assessed_at is None


class ObjectiveAssessment(models.Model):
    """The supervisor's final word on one learning objective: a level and a comment. Progress
    against the objective, not a grade: grading is the teacher's."""

    agreement = models.ForeignKey(
        PlacementAgreement,
        verbose_name=_("placement agreement"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    course = models.ForeignKey(
        "programs.Course",
        verbose_name=_("learning objective"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.CharField(_("level"), max_length=20, choices=AssessmentLevel.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("assessment of an objective")
        verbose_name_plural = _("assessments of objectives")
        ordering = ["course__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "course"], name="one_assessment_per_objective"
            ),
        ]

    def __str__(self):
        return f"{self.course}: {self.get_level_display()}"


class AttendanceWeek(models.Model):
    """Days the student was present in one week of the placement (Monday's date), as the
    company records them."""

    agreement = models.ForeignKey(
        PlacementAgreement,
        verbose_name=_("placement agreement"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    week = models.DateField(_("week starting"), validators=[validate_sane_date])
    days_present = models.PositiveSmallIntegerField(
        _("days present"), validators=[MaxValueValidator(5)]
    )

    class Meta:
        verbose_name = _("attendance week")
        verbose_name_plural = _("attendance weeks")
        ordering = ["week"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "week"], name="one_attendance_per_week"),
            models.CheckConstraint(
                condition=Q(days_present__lte=5), name="attendance_at_most_five_days"
            ),
            sane_date_constraint("week", name="attendance_week_in_range"),
        ]

    def __str__(self):
        return f"{self.week}: {self.days_present}"
