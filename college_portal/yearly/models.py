"""The yearly report's own records: the steering group's assessment per criterion and year
(every save a new row, so the history stays), and a frozen year's snapshot."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .criteria import CRITERION_NUMBERS

# The years a report can be about: the portal's sane dates (college_portal/validators.py).
FIRST_YEAR = 2000
LAST_YEAR = 2100


class CriterionAssessment(models.Model):
    """One version of the assessment of a criterion for a year; the newest is the current one."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    criterion = models.PositiveSmallIntegerField(
        _("criterion"), choices=[(n, str(n)) for n in CRITERION_NUMBERS]
    )
    text = models.TextField(_("assessment"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    written_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("criterion assessment")
        verbose_name_plural = _("criterion assessments")
        ordering = ["year", "criterion", "-written_at", "-pk"]
        indexes = [models.Index(fields=["year", "criterion"], name="assessment_year_criterion")]
        constraints = [
            models.CheckConstraint(
                condition=Q(criterion__gte=1, criterion__lte=8), name="assessment_criterion_1_to_8"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="assessment_year_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.year} #{self.criterion}"

    @property
    def writer_name(self):
        """The writer's name, or "" once the account is gone (deleted or anonymised)."""
        user = self.written_by
        return (user.full_name or user.email) if user else ""


class FrozenReport(models.Model):
    """A year whose report was frozen: the page shows `snapshot`, never the live figures.
    Deleting the row (in admin) unfreezes the year."""

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
    )
    frozen_at = models.DateTimeField(_("frozen"), auto_now_add=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("frozen by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # {"frozen_by": name, "languages": {"sv": {"criteria": [{"number", "tables": [...],
    # "assessment": {...} or null}]}, "en": {...}}}: every language's tables as they were.
    snapshot = models.JSONField(_("snapshot"), editable=False)

    class Meta:
        verbose_name = _("frozen yearly report")
        verbose_name_plural = _("frozen yearly reports")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="frozen_report_year_in_range",
            ),
        ]

    def __str__(self):
        return str(self.year)
