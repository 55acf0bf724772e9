"""Machining programmes, their courses and intakes, and the competence requirements that
partner companies (kravställare) set for them, with the courses that cover each requirement."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from college_portal.validators import sane_date_constraint, validate_sane_date
from partners.models import Organisation, OrganisationKind, PartnerRoleKind
from partners.municipalities import MUNICIPALITY_CHOICES, municipality_code

validate_ssyk_code = RegexValidator(r"^[0-9]{1,4}$", _("An SSYK 2012 code is 1 to 4 digits."))


class Level(models.TextChoices):
    UPPER_SECONDARY = "gymnasieskola", _("Upper secondary school (gymnasieskola)")
    ADULT = "komvux", _("Adult education (Komvux / yrkesvux)")
    HIGHER_VOCATIONAL = "yh", _("Higher vocational education (yrkeshögskola, YH)")


class StudyPace(models.TextChoices):
    FULL_TIME = "100", _("Full time")
    THREE_QUARTERS = "75", _("75 %")
    HALF_TIME = "50", _("Half time")
    QUARTER_TIME = "25", _("25 %")


class SubjectArea(models.TextChoices):
    CNC = "cnc", _("CNC machining")
    MEASUREMENT = "measurement", _("Measurement technology")
    DRAWINGS = "drawings", _("Technical drawings")
    CAD_CAM = "cad_cam", _("CAD/CAM")
    PRODUCTION = "production", _("Production")
    SAFETY = "safety", _("Work environment and safety")
    GENERAL = "general", _("General subjects")


class Curriculum(models.TextChoices):
    """Which of Skolverket's syllabus systems a course code belongs to. Gy11 courses and Gy25
    subject levels stand side by side: Gy11 grades remain valid until 2030."""

    GY11 = "gy11", _("Gy11 course")
    GY25 = "gy25", _("Gy25 subject level")
    LOCAL = "", _("Local course (no national code)")


class ProgrammeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def visible_to(self, user):
        if user.is_authenticated and user.is_staff:
            return self
        return self.published()

    def with_open_intake(self, day=None):
        day = day or timezone.localdate()
        return self.filter(
            intakes__status=Intake.Status.OPEN, intakes__application_deadline__gte=day
        ).distinct()


class Programme(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("provider school"),
        on_delete=models.PROTECT,
        related_name="programmes",
        limit_choices_to={"kind": OrganisationKind.SCHOOL},
    )
    municipality = models.CharField(_("municipality"), max_length=40, choices=MUNICIPALITY_CHOICES)
    description = models.TextField(_("description"), blank=True)
    study_pace = models.CharField(
        _("study pace"), max_length=3, choices=StudyPace.choices, default=StudyPace.FULL_TIME
    )
    length_weeks = models.PositiveSmallIntegerField(
        _("length in weeks"), validators=[MinValueValidator(1), MaxValueValidator(260)]
    )
    language = models.CharField(
        _("language of instruction"), max_length=8, choices=settings.LANGUAGES, default="sv"
    )
    published = models.BooleanField(_("published"), default=False)
    courses = models.ManyToManyField(
        "Course", through="ProgrammeCourse", related_name="programmes", verbose_name=_("courses")
    )
    # Kept current by programs.search on PostgreSQL (Swedish configuration, GIN index);
    # unused on SQLite, where search falls back to icontains.
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("programs:detail", kwargs={"slug": self.slug})

    @property
    def municipality_code(self):
        """SCB's code of the programme's municipality, e.g. "0181"; "" if unknown."""
        return municipality_code(self.municipality)

    def activity_repr(self):
        return str(self)  # names no person: the activity log may keep it


class Intake(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open for applications")
        CLOSED = "closed", _("Closed")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="intakes"
    )
    start_date = models.DateField(_("start date"), validators=[validate_sane_date])
    application_deadline = models.DateField(
        _("application deadline"), validators=[validate_sane_date]
    )
    seats = models.PositiveSmallIntegerField(_("seats"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )

    class Meta:
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(application_deadline__lte=models.F("start_date")),
                name="intake_deadline_before_start",
            ),
            models.UniqueConstraint(
                fields=["programme", "start_date"], name="one_intake_per_start"
            ),
            sane_date_constraint("start_date", name="intake_start_in_range"),
            sane_date_constraint("application_deadline", name="intake_deadline_in_range"),
        ]

    def __str__(self):
        return f"{self.programme} {self.start_date:%Y-%m-%d}"

    def activity_repr(self):
        return str(self)  # names no person: the activity log may keep it

    @property
    def is_open(self):
        return self.status == self.Status.OPEN and self.application_deadline >= timezone.localdate()


class Course(models.Model):
    code = models.CharField(
        _("course code"),
        max_length=30,
        blank=True,
        help_text=_("Skolverket's code where one exists, e.g. DARDAT01."),
    )
    curriculum = models.CharField(
        _("curriculum"), max_length=8, choices=Curriculum.choices, default="", blank=True
    )
    subject_code = models.CharField(
        _("subject code"),
        max_length=10,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-ZÅÄÖ0-9]{2,10}$", _("A subject code is 2 to 10 capital letters or digits.")
            )
        ],
        help_text=_("Skolverket's code of the subject, e.g. DAR."),
    )
    subject_name = models.CharField(_("subject"), max_length=200, blank=True)
    syllabus_version = models.PositiveSmallIntegerField(
        _("syllabus version"),
        null=True,
        blank=True,
        help_text=_("The version number of Skolverket's subject syllabus."),
    )
    syllabus_url = models.URLField(_("syllabus at Skolverket"), max_length=500, blank=True)
    name = models.CharField(_("name"), max_length=200)
    points = models.PositiveSmallIntegerField(
        _("points"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    description = models.TextField(_("description"), blank=True)
    subject_area = models.CharField(
        _("subject area"), max_length=20, choices=SubjectArea.choices, default=SubjectArea.CNC
    )
    areas = models.ManyToManyField(
        "CompetenceArea",
        verbose_name=_("competence areas"),
        related_name="courses",
        blank=True,
        help_text=_("What the course teaches, on the axis companies state their needs on."),
    )

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "curriculum"],
                condition=~Q(code=""),
                name="unique_course_code_per_curriculum",
            ),
            models.CheckConstraint(
                condition=Q(curriculum__in=[c.value for c in Curriculum]),
                name="course_curriculum_valid",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}".strip()

    @property
    def skolverket_label(self):
        """The code with its curriculum, e.g. "DARDAT01 (Gy11)"; "" for a local course."""
        if not self.code:
            return ""
        if self.curriculum:
            return f"{self.code} ({self.curriculum.capitalize()})"
        return self.code

    def activity_repr(self):
        return str(self)  # names no person: the activity log may keep it


class ProgrammeCourse(models.Model):
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="plan"
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="in_plans"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    term = models.PositiveSmallIntegerField(
        _("term"), default=1, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )

    class Meta:
        verbose_name = _("course in programme")
        verbose_name_plural = _("courses in programme")
        ordering = ["programme", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "course"], name="course_once_per_programme"
            ),
        ]

    def __str__(self):
        return f"{self.programme}: {self.course}"


class RequirementQuerySet(models.QuerySet):
    def accepted(self):
        return self.filter(status=CompetenceRequirement.Status.ACCEPTED)

    def visible_to(self, user):
        """Accepted requirements are public; proposed and rejected ones only to the proposing
        organisation's members and project leads."""
        if user.is_authenticated and user.is_staff:
            return self
        if user.is_authenticated:
            return self.filter(
                Q(status=CompetenceRequirement.Status.ACCEPTED)
                | Q(organisation__memberships__user=user)
            ).distinct()
        return self.accepted()

    def editable_by(self, user):
        """Members of the setting organisation edit a requirement while it is proposed."""
        return self.filter(
            organisation__in=Organisation.objects.acted_for_by(user),
            status=CompetenceRequirement.Status.PROPOSED,
        )


class CompetenceRequirement(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", pgettext_lazy("requirement status", "Accepted")
        REJECTED = "rejected", pgettext_lazy("requirement status", "Rejected")

    class Importance(models.IntegerChoices):
        USEFUL = 1, _("Useful")
        IMPORTANT = 2, _("Important")
        ESSENTIAL = 3, _("Essential")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("requirement setter"),
        on_delete=models.PROTECT,
        related_name="requirements",
        limit_choices_to={"roles__role": PartnerRoleKind.REQUIREMENT_SETTER},
    )
    title = models.CharField(_("requirement"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    importance = models.PositiveSmallIntegerField(
        _("importance"), choices=Importance.choices, default=Importance.IMPORTANT
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    programmes = models.ManyToManyField(
        Programme, verbose_name=_("programmes"), related_name="requirements"
    )
    areas = models.ManyToManyField(
        "CompetenceArea",
        verbose_name=_("competence areas"),
        related_name="requirements",
        blank=True,
    )
    ssyk_code = models.CharField(
        _("occupation code (SSYK 2012)"),
        max_length=4,
        blank=True,
        validators=[validate_ssyk_code],
    )
    concept = models.ForeignKey(
        "TaxonomyConcept",
        verbose_name=_("JobTech Taxonomy concept"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requirements",
        help_text=_("A skill or an occupation from Arbetsförmedlingen's JobTech Taxonomy."),
    )
    covered_by = models.ManyToManyField(
        Course,
        through="Coverage",
        related_name="covers",
        verbose_name=_("covered by courses"),
        blank=True,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(
        _("decided"), null=True, blank=True, validators=[validate_sane_date]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RequirementQuerySet.as_manager()

    class Meta:
        verbose_name = _("competence requirement")
        verbose_name_plural = _("competence requirements")
        ordering = ["-importance", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(importance__gte=1, importance__lte=3), name="importance_1_to_3"
            ),
            sane_date_constraint(
                "decided_at", name="requirement_decided_at_in_range", null=True, with_time=True
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        fill_from_concept(self)

    @property
    def activity_organisation_id(self):
        return self.organisation_id

    def activity_repr(self):
        return str(self)  # names no person: the activity log may keep it


class Coverage(models.Model):
    requirement = models.ForeignKey(
        CompetenceRequirement,
        verbose_name=_("requirement"),
        on_delete=models.CASCADE,
        related_name="coverage",
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="coverage"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("coverage")
        verbose_name_plural = _("coverage")
        constraints = [
            models.UniqueConstraint(fields=["requirement", "course"], name="cover_once"),
        ]

    def __str__(self):
        return f"{self.course} → {self.requirement}"


# --- Industry's demand against education's supply (Teknikcollege criteria 4 and 5) -----------


class ConceptType(models.TextChoices):
    OCCUPATION = "occupation-name", _("Occupation")
    SKILL = "skill", _("Skill")
    SSYK = "ssyk-level-4", _("Occupation group (SSYK 2012)")


def fill_from_concept(obj):
    """A competence area or requirement tagged with a JobTech concept that has an SSYK code
    takes that code (and, for an occupation, its name) where its own fields are blank."""
    concept = obj.concept
    if concept is None:
        return
    if not obj.ssyk_code and concept.ssyk_code:
        obj.ssyk_code = concept.ssyk_code
    if (
        hasattr(obj, "occupation")
        and not obj.occupation
        and concept.concept_type in (ConceptType.OCCUPATION, ConceptType.SSYK)
    ):
        obj.occupation = concept.label_sv


class TaxonomyConcept(models.Model):
    """A concept of Arbetsförmedlingen's JobTech Taxonomy (an occupation name, a skill or an
    SSYK 2012 unit group), imported from the snapshot in programs/data by import_occupations."""

    Type = ConceptType

    concept_id = models.CharField(_("concept id"), max_length=40, unique=True)
    concept_type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    label_sv = models.CharField(_("name in Swedish"), max_length=200)
    label_en = models.CharField(_("name in English"), max_length=200, blank=True)
    ssyk_code = models.CharField(
        _("occupation code (SSYK 2012)"),
        max_length=4,
        blank=True,
        validators=[validate_ssyk_code],
    )

    class Meta:
        verbose_name = _("JobTech Taxonomy concept")
        verbose_name_plural = _("JobTech Taxonomy concepts")
        ordering = ["concept_type", "label_sv"]
        constraints = [
            models.CheckConstraint(
                condition=Q(concept_type__in=[t.value for t in ConceptType]),
                name="taxonomy_concept_type_valid",
            ),
        ]

    def __str__(self):
        code = f" ({self.ssyk_code})" if self.ssyk_code else ""
        return f"{self.label}{code}"

    @property
    def label(self):
        """The label in the language of the page (Swedish when no English one is known)."""
        if (get_language() or "sv").startswith("en") and self.label_en:
            return self.label_en
        return self.label_sv


class CompetenceArea(models.Model):
    """A field of competence (CNC turning, measuring and quality, …): the one axis on which
    courses and requirements are tagged, companies state their demand and programmes supply."""

    name_sv = models.CharField(_("name in Swedish"), max_length=120, unique=True)
    name_en = models.CharField(_("name in English"), max_length=120)
    ssyk_code = models.CharField(
        _("occupation code (SSYK 2012)"),
        max_length=4,
        blank=True,
        validators=[validate_ssyk_code],
        help_text=_("E.g. 7223 Maskinställare och maskinoperatörer, metallarbete."),
    )
    occupation = models.CharField(_("occupation"), max_length=200, blank=True)
    concept = models.ForeignKey(
        "TaxonomyConcept",
        verbose_name=_("JobTech Taxonomy concept"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="areas",
        help_text=_("A skill or an occupation from Arbetsförmedlingen's JobTech Taxonomy."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("competence area")
        verbose_name_plural = _("competence areas")
        ordering = ["order", "name_sv"]

    def __str__(self):
        return self.name

    def clean(self):
        fill_from_concept(self)

    @property
    def name(self):
        """The name in the language of the page."""
        return self.name_en if (get_language() or "sv").startswith("en") else self.name_sv


class InventoryRound(models.Model):
    """A yearly needs inventory: the asked organisations state, per competence area, how many
    people they expect to recruit within 1, 3 and 5 years."""

    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    deadline = models.DateField(_("deadline"), validators=[validate_sane_date])
    asked = models.ManyToManyField(
        Organisation,
        verbose_name=_("asked organisations"),
        related_name="inventory_rounds",
        blank=True,
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_at = models.DateTimeField(
        _("opened"), default=timezone.now, validators=[validate_sane_date]
    )
    closed_at = models.DateTimeField(
        _("closed"), null=True, blank=True, validators=[validate_sane_date]
    )

    class Meta:
        verbose_name = _("needs inventory round")
        verbose_name_plural = _("needs inventory rounds")
        ordering = ["-year", "-opened_at"]
        constraints = [
            sane_date_constraint("deadline", name="inventory_deadline_in_range"),
            sane_date_constraint("opened_at", name="inventory_opened_at_in_range", with_time=True),
            sane_date_constraint(
                "closed_at", name="inventory_closed_at_in_range", null=True, with_time=True
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.year})"

    @property
    def is_open(self):
        return self.closed_at is None and self.deadline >= timezone.localdate()


class NeedAnswer(models.Model):
    """One organisation's stated need in one competence area in one round. Saving again makes a
    new current row and keeps the earlier ones (current=False) as history."""

    round = models.ForeignKey(
        InventoryRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="answers"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="need_answers",
    )
    area = models.ForeignKey(
        CompetenceArea,
        verbose_name=_("competence area"),
        on_delete=models.PROTECT,
        related_name="need_answers",
    )
    within_1_year = models.PositiveIntegerField(
        _("within 1 year"), default=0, validators=[MaxValueValidator(100_000)]
    )
    within_3_years = models.PositiveIntegerField(
        _("within 3 years"), default=0, validators=[MaxValueValidator(100_000)]
    )
    within_5_years = models.PositiveIntegerField(
        _("within 5 years"), default=0, validators=[MaxValueValidator(100_000)]
    )
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(
        _("answered"), default=timezone.now, validators=[validate_sane_date]
    )
    current = models.BooleanField(_("current"), default=True)

    class Meta:
        verbose_name = _("stated need")
        verbose_name_plural = _("stated needs")
        ordering = ["round", "organisation", "area", "-answered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation", "area"],
                condition=Q(current=True),
                name="one_current_need_answer",
            ),
            # "Within 3 years" includes the first year: the figures never shrink with time.
            models.CheckConstraint(
                condition=Q(within_3_years__gte=models.F("within_1_year"))
                & Q(within_5_years__gte=models.F("within_3_years")),
                name="need_grows_with_horizon",
            ),
            sane_date_constraint("answered_at", name="need_answered_at_in_range", with_time=True),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.area}: {self.within_1_year}/{self.within_3_years}/{self.within_5_years}"


class SupplyFigure(models.Model):
    """Students admitted to and completing an intake in a year, entered by a project lead or
    the providing school's staff. Saving again makes a new current row; earlier ones are kept
    (current=False) as history."""

    intake = models.ForeignKey(
        Intake, verbose_name=_("intake"), on_delete=models.CASCADE, related_name="supply"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    admitted = models.PositiveIntegerField(
        _("admitted"), default=0, validators=[MaxValueValidator(100_000)]
    )
    completed = models.PositiveIntegerField(
        _("completed"), default=0, validators=[MaxValueValidator(100_000)]
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(
        _("entered"), default=timezone.now, validators=[validate_sane_date]
    )
    current = models.BooleanField(_("current"), default=True)

    class Meta:
        verbose_name = _("supply figure")
        verbose_name_plural = _("supply figures")
        ordering = ["intake", "-year", "-entered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["intake", "year"], condition=Q(current=True), name="one_current_supply"
            ),
            sane_date_constraint("entered_at", name="supply_entered_at_in_range", with_time=True),
        ]

    def __str__(self):
        return f"{self.intake} {self.year}: {self.admitted}/{self.completed}"
