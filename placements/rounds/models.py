"""Allocation rounds: a school plans a class's APL period as one round. Students rank the
round's places, the portal allocates them with student-proposing deferred acceptance
(placements.allocation) and stores the result with its seed, algorithm version and the
explanation of every student's result; companies then confirm each allocated student.

A confirmed allocation becomes an accepted `Application` of the offer (placements.services'
rules: the student row lock, no overlapping placement), so the APL agreement hangs on it like
on any other placement.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from college_portal.validators import sane_date_constraint, validate_sane_date
from partners.models import Organisation
from placements.models import Application, Offer
from programs.models import Programme

MAX_CHOICES = 10


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("Open for choices")
    ALLOCATED = "allocated", _("Allocated")
    CLOSED = "closed", _("Closed")


class Round(models.Model):
    school = models.ForeignKey(
        Organisation,
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="allocation_rounds",
        limit_choices_to={"kind": "school"},
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period starts"), validators=[validate_sane_date])
    period_end = models.DateField(_("period ends"), validators=[validate_sane_date])
    choices_allowed = models.PositiveSmallIntegerField(
        _("number of choices"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CHOICES)],
    )
    choices_deadline = models.DateField(
        _("last day for students' choices"), validators=[validate_sane_date]
    )
    confirmation_deadline = models.DateField(
        _("last day for companies to confirm their places"), validators=[validate_sane_date]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    seed = models.BigIntegerField(_("lottery seed"), null=True, blank=True, editable=False)
    algorithm_version = models.CharField(
        _("algorithm version"), max_length=20, blank=True, editable=False
    )
    # The allocation's input file exactly as `manage.py allocate --input` reads it (students
    # and places under pseudonymous ids, the lottery applied as each place's priority), and
    # which round student / place each id stands for.
    inputs = models.JSONField(_("allocation input"), null=True, blank=True, editable=False)
    pseudonyms = models.JSONField(null=True, blank=True, editable=False)
    allocated_at = models.DateTimeField(
        _("allocated"), null=True, blank=True, editable=False, validators=[validate_sane_date]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # A follow-up round: the unplaced students of `parent` and its places' free seats.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("follow-up of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
        editable=False,
    )

    class Meta:
        verbose_name = _("allocation round")
        verbose_name_plural = _("allocation rounds")
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="round_period_valid"
            ),
            models.CheckConstraint(
                condition=Q(choices_allowed__gte=1, choices_allowed__lte=MAX_CHOICES),
                name="round_choices_allowed_range",
            ),
            sane_date_constraint("period_start", name="round_period_start_in_range"),
            sane_date_constraint("period_end", name="round_period_end_in_range"),
            sane_date_constraint("choices_deadline", name="round_choices_deadline_in_range"),
            sane_date_constraint(
                "confirmation_deadline", name="round_confirmation_deadline_in_range"
            ),
            sane_date_constraint(
                "allocated_at", name="round_allocated_at_in_range", null=True, with_time=True
            ),
        ]

    def __str__(self):
        return self.title

    def activity_repr(self):
        return self.title

    @property
    def choices_open(self):
        return self.status == RoundStatus.OPEN and timezone.localdate() <= self.choices_deadline

    @property
    def confirmation_open(self):
        """Companies may still confirm or change their places (until the last day)."""
        return timezone.localdate() <= self.confirmation_deadline


class RoundStudent(models.Model):
    """A student on the round's class list (a confirmed student of the round's school)."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="students"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("student"),
        on_delete=models.CASCADE,
        related_name="allocation_rounds",
    )
    reminded_at = models.DateTimeField(
        _("reminded"), null=True, blank=True, editable=False, validators=[validate_sane_date]
    )

    class Meta:
        verbose_name = _("student of a round")
        verbose_name_plural = _("students of a round")
        ordering = ["student__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "student"], name="round_student_once"),
            sane_date_constraint(
                "reminded_at",
                name="round_student_reminded_at_in_range",
                null=True,
                with_time=True,
            ),
        ]

    def __str__(self):
        return f"{self.student} @ {self.round}"


class RoundPlace(models.Model):
    """An internship offer taking part in the round; `capacity` is None until the company has
    confirmed how many of the round's students it takes (at most the offer's places)."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="places"
    )
    offer = models.ForeignKey(
        Offer, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="round_places"
    )
    capacity = models.PositiveSmallIntegerField(
        _("places for the round"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(500)],
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    confirmed_at = models.DateTimeField(
        _("confirmed"), null=True, blank=True, editable=False, validators=[validate_sane_date]
    )

    class Meta:
        verbose_name = _("place in a round")
        verbose_name_plural = _("places in a round")
        ordering = ["offer__organisation__name", "offer__title", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "offer"], name="round_place_once"),
            sane_date_constraint(
                "confirmed_at",
                name="round_place_confirmed_at_in_range",
                null=True,
                with_time=True,
            ),
        ]

    def __str__(self):
        return f"{self.offer.organisation}: {self.offer}"


class Choice(models.Model):
    round_student = models.ForeignKey(
        RoundStudent, verbose_name=_("student"), on_delete=models.CASCADE, related_name="choices"
    )
    place = models.ForeignKey(
        RoundPlace, verbose_name=_("place"), on_delete=models.CASCADE, related_name="choices"
    )
    rank = models.PositiveSmallIntegerField(
        _("rank"), validators=[MinValueValidator(1), MaxValueValidator(MAX_CHOICES)]
    )
    motivation = models.TextField(_("motivation"), blank=True)
    # The company's own ranking of the place's applicants (1 = first); a place with any ranked
    # applicant gets them first in this order, then the rest in lottery order.
    company_rank = models.PositiveSmallIntegerField(
        _("company's ranking"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["round_student", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["round_student", "rank"], name="choice_rank_once"),
            models.UniqueConstraint(fields=["round_student", "place"], name="choice_place_once"),
            models.CheckConstraint(
                condition=Q(rank__gte=1, rank__lte=MAX_CHOICES), name="choice_rank_range"
            ),
        ]

    def __str__(self):
        return f"{self.rank}. {self.place_id}"


class AllocationStatus(models.TextChoices):
    ALLOCATED = "allocated", _("Allocated, waiting for the company")
    CONFIRMED = "confirmed", _("Confirmed by the company")
    DECLINED = "declined", _("Declined by the company")


class Allocation(models.Model):
    """One student's result: the place (None when unplaced), why not each higher choice
    (placements.allocation.explain, with the round's pseudonymous ids replaced by place pks),
    and whether staff placed the student by hand."""

    round_student = models.OneToOneField(
        RoundStudent,
        verbose_name=_("student"),
        on_delete=models.CASCADE,
        related_name="allocation",
    )
    place = models.ForeignKey(
        RoundPlace,
        verbose_name=_("place"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="allocations",
    )
    explanation = models.JSONField(_("explanation"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AllocationStatus.choices,
        default=AllocationStatus.ALLOCATED,
    )
    manual = models.BooleanField(_("placed by hand"), default=False)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The placement a confirmation made: the accepted application the APL agreement hangs on.
    application = models.OneToOneField(
        Application,
        verbose_name=_("placement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="round_allocation",
    )

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["round_student__student__full_name", "pk"]

    def __str__(self):
        return f"{self.round_student} → {self.place or '-'}"


class AllocationChange(models.Model):
    """History of an allocation after the algorithm: a hand placement, a confirmation, a
    decline, each with who, when and why."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(_("action"), max_length=20)
    place = models.ForeignKey(
        RoundPlace, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(
        _("when"), default=timezone.now, validators=[validate_sane_date]
    )

    class Meta:
        verbose_name = _("change of an allocation")
        verbose_name_plural = _("changes of allocations")
        ordering = ["created_at", "pk"]
        constraints = [
            sane_date_constraint(
                "created_at", name="allocation_change_created_at_in_range", with_time=True
            ),
        ]

    def __str__(self):
        return f"{self.action} {self.created_at:%Y-%m-%d}"
