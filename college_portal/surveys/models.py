"""Satisfaction surveys: an invitation per person and event (the only row that knows who), and
an anonymous answer per invitation (respondent kind, programme, company and date only)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from college_portal.validators import sane_date_constraint, validate_sane_date


class EventKind(models.TextChoices):
    PLACEMENT = "placement", _("Completed placement")
    STUDY_VISIT = "study_visit", _("Study visit")


class RespondentKind(models.TextChoices):
    STUDENT = "student", _("Student")
    SUPERVISOR = "supervisor", _("Supervisor at the company")
    SCHOOL_STAFF = "school_staff", _("School staff")


class SurveyInvitation(models.Model):
    """Who is asked about which event, and the link's token (only its hash). One per person and
    event. Erasing a person's data removes what points at them here (personal_data.py)."""

    event_kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    # "placement:<application id>" or "study_visit:<slot id>": the event, whatever is erased.
    event_key = models.CharField(max_length=60, editable=False)
    # "user:<id>" or "email:<address>" (a supervisor without an account); "erased:<id>" after
    # the person's data is erased.
    person_key = models.CharField(max_length=260, editable=False)
    respondent_kind = models.CharField(
        _("respondent"), max_length=20, choices=RespondentKind.choices
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # What the answer will carry (no person): programme, company, the event's day.
    programme = models.ForeignKey(
        "programs.Programme",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "partners.Organisation",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    event_date = models.DateField(_("date of the event"), validators=[validate_sane_date])
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), validators=[validate_sane_date])
    answered_at = models.DateTimeField(
        _("answered"), null=True, blank=True, validators=[validate_sane_date]
    )

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "person_key"], name="one_survey_per_person_and_event"
            ),
            sane_date_constraint("event_date", name="survey_event_date_in_range"),
            sane_date_constraint("expires_at", name="survey_expires_at_in_range", with_time=True),
            sane_date_constraint(
                "answered_at", name="survey_answered_at_in_range", null=True, with_time=True
            ),
        ]

    def __str__(self):
        return f"{self.get_event_kind_display()} #{self.pk} ({self.get_respondent_kind_display()})"

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()


SCALE = (1, 5)


def _score(verbose_name):
    return models.PositiveSmallIntegerField(
        verbose_name, validators=[MinValueValidator(SCALE[0]), MaxValueValidator(SCALE[1])]
    )


class SurveyAnswer(models.Model):
    """One answer, anonymous: who answered lives only on the invitation (one answer each)."""

    invitation = models.OneToOneField(
        SurveyInvitation,
        verbose_name=_("invitation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answer",
    )
    event_kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    respondent_kind = models.CharField(
        _("respondent"), max_length=20, choices=RespondentKind.choices
    )
    programme = models.ForeignKey(
        "programs.Programme",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "partners.Organisation",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    event_date = models.DateField(_("date of the event"), validators=[validate_sane_date])
    expectations = _score(_("met expectations"))
    learning = _score(_("learning"))
    communication = _score(_("communication"))
    recommend = _score(_("would recommend"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["-event_date"]
        constraints = [
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": SCALE[0], f"{name}__lte": SCALE[1]}),
                    name=f"survey_{name}_on_scale",
                )
                for name in ("expectations", "learning", "communication", "recommend")
            ),
            sane_date_constraint("event_date", name="survey_answer_event_date_in_range"),
        ]

    def __str__(self):
        return f"{self.get_event_kind_display()} {self.event_date:%Y}"


QUESTIONS = ("expectations", "learning", "communication", "recommend")
