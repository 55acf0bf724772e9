"""The factories of every app's models, in one place for every test module: people and
organisations, programmes and requirements, offers, times, applications and bookings.

They write rows directly (no services, no notifications): a test sets up a state, then acts
through the pages or the services and looks at what a user notices.
"""

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from stdnum import luhn

from college_portal.accounts.models import Role, User
from partners.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    PartnerRole,
)
from placements.models import (
    Application,
    ApplicationStatus,
    Booking,
    BookingStatus,
    Offer,
    OfferKind,
    OfferStatus,
    Slot,
    StudentProfile,
)
from programs.models import (
    CompetenceArea,
    CompetenceRequirement,
    Course,
    Coverage,
    Intake,
    InventoryRound,
    Level,
    NeedAnswer,
    Programme,
    ProgrammeCourse,
    SupplyFigure,
)

PASSWORD = "test-pass-2026!"
TODAY = timezone.localdate()


def organisation_number(n):
    base = f"55{n:07d}"
    digits = base + luhn.calc_check_digit(base)
    return f"{digits[:6]}-{digits[6:]}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="sv_SE")
    role = Role.STUDENT
    language = "sv"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save()
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Verkstad {n} AB")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    organisation_number = factory.Sequence(organisation_number)
    kind = OrganisationKind.COMPANY
    municipality = "Södertälje"
    active = True


class PartnerRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerRole

    organisation = factory.SubFactory(OrganisationFactory)
    role = "internship_host"
    since = factory.LazyFunction(timezone.localdate)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, role=Role.COMPANY_REP)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRole.REPRESENTATIVE


# --------------------------------------------------------------------------------------------------


class SchoolFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Skola {n}")
    kind = OrganisationKind.SCHOOL


class RequirementSetterFactory(OrganisationFactory):
    class Meta:
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Kravställare {n} AB")
    role = factory.RelatedFactory(PartnerRoleFactory, "organisation", role="requirement_setter")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Maskinteknik {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    level = Level.UPPER_SECONDARY
    provider = factory.SubFactory(SchoolFactory)
    municipality = "Södertälje"
    description = ""
    length_weeks = 40
    published = True


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    code = factory.Sequence(lambda n: f"KURS{n:04d}")
    name = factory.Sequence(lambda n: f"Kurs {n}")
    points = 100


class ProgrammeCourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeCourse

    programme = factory.SubFactory(ProgrammeFactory)
    course = factory.SubFactory(CourseFactory)
    order = factory.Sequence(lambda n: n + 1)
    term = 1


class IntakeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intake

    programme = factory.SubFactory(ProgrammeFactory)
    start_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=120))
    application_deadline = factory.LazyAttribute(lambda o: o.start_date - timedelta(days=60))
    seats = 16
    status = Intake.Status.OPEN


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetenceRequirement
        skip_postgeneration_save = True

    organisation = factory.SubFactory(RequirementSetterFactory)
    title = factory.Sequence(lambda n: f"Krav {n}")
    importance = CompetenceRequirement.Importance.IMPORTANT
    status = CompetenceRequirement.Status.ACCEPTED

    @factory.post_generation
    def programmes(self, create, extracted, **kwargs):
        if create and extracted:
            self.programmes.set(extracted)

    @factory.post_generation
    def covered_by(self, create, extracted, **kwargs):
        if create and extracted:
            for course in extracted:
                Coverage.objects.create(requirement=self, course=course)


def programme_with_courses(courses, **kwargs):
    """A programme whose plan is `courses` (Course objects or names), in that order."""
    programme = ProgrammeFactory(**kwargs)
    plan = []
    for order, course in enumerate(courses, start=1):
        if isinstance(course, str):
            course = CourseFactory(name=course)
        ProgrammeCourse.objects.create(programme=programme, course=course, order=order)
        plan.append(course)
    return programme, plan


class CompetenceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetenceArea

    name_sv = factory.Sequence(lambda n: f"Kompetensområde {n}")
    name_en = factory.Sequence(lambda n: f"Competence area {n}")
    order = factory.Sequence(lambda n: n + 1)


class InventoryRoundFactory(factory.django.DjangoModelFactory):
    """A needs inventory round of this year, open for a month."""

    class Meta:
        model = InventoryRound

    title = factory.Sequence(lambda n: f"Behovsinventering {n}")
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))


class NeedAnswerFactory(factory.django.DjangoModelFactory):
    """A company's current answer in one area: 1, 3 and 5 people within 1, 3 and 5 years."""

    class Meta:
        model = NeedAnswer

    round = factory.SubFactory(InventoryRoundFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    area = factory.SubFactory(CompetenceAreaFactory)
    within_1_year = 1
    within_3_years = 3
    within_5_years = 5


class SupplyFigureFactory(factory.django.DjangoModelFactory):
    """The current admitted/completed figure of an intake in its start year."""

    class Meta:
        model = SupplyFigure

    intake = factory.SubFactory(IntakeFactory)
    year = factory.LazyAttribute(lambda o: o.intake.start_date.year)
    admitted = 12
    completed = 0


# --------------------------------------------------------------------------------------------------


class OfferFactory(factory.django.DjangoModelFactory):
    """A published internship of a company, open for applications, period in a month."""

    class Meta:
        model = Offer
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    kind = OfferKind.INTERNSHIP
    title = factory.Sequence(lambda n: f"Praktikplats CNC-fräsning {n}")
    description = "Du ställer in och kör fleroperationsmaskiner i vår verkstad."
    municipality = "Södertälje"
    address = "Verkstadsgatan 1"
    places = 2
    application_deadline = factory.LazyFunction(lambda: TODAY + timedelta(days=14))
    period_start = factory.LazyFunction(lambda: TODAY + timedelta(days=30))
    period_end = factory.LazyFunction(lambda: TODAY + timedelta(days=60))
    contact_name = "Karin Berg"
    contact_email = "karin@lkprecision.example"
    status = OfferStatus.PUBLISHED
    published_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status != OfferStatus.DRAFT else None
    )

    class Params:
        study_visit = factory.Trait(
            kind=OfferKind.STUDY_VISIT,
            title=factory.Sequence(lambda n: f"Studiebesök i verkstaden {n}"),
            places=1,
            period_start=None,
            period_end=None,
        )
        draft = factory.Trait(status=OfferStatus.DRAFT)
        closed = factory.Trait(status=OfferStatus.CLOSED)

    @factory.post_generation
    def programmes(self, create, extracted, **kwargs):
        if create and extracted:
            self.programmes.set(extracted)


class SlotFactory(factory.django.DjangoModelFactory):
    """A study-visit time in a week, two hours, 20 places."""

    class Meta:
        model = Slot

    offer = factory.SubFactory(OfferFactory, study_visit=True)
    starts_at = factory.LazyFunction(
        lambda: (timezone.localtime() + timedelta(days=7)).replace(
            hour=9, minute=0, second=0, microsecond=0
        )
    )
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(hours=2))
    capacity = 20
    places_taken = 0


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    offer = factory.SubFactory(OfferFactory)
    student = factory.SubFactory(UserFactory)
    motivation = "Jag går andra året på industritekniska programmet och vill lära mig fräsa."
    status = ApplicationStatus.SUBMITTED


class BookingFactory(factory.django.DjangoModelFactory):
    """A confirmed booking; it takes its places on the slot as the booking service would."""

    class Meta:
        model = Booking

    slot = factory.SubFactory(SlotFactory)
    booked_by = factory.SubFactory(UserFactory)
    group_size = 1
    status = BookingStatus.CONFIRMED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        booking = super()._create(model_class, *args, **kwargs)
        if booking.status == BookingStatus.CONFIRMED:
            Slot.objects.filter(pk=booking.slot_id).update(
                places_taken=F("places_taken") + booking.group_size
            )
            booking.slot.refresh_from_db(fields=["places_taken"])
        return booking


class StudentProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudentProfile
        django_get_or_create = ["user"]

    user = factory.SubFactory(UserFactory)
    school = None
    programme = None
    municipality = ""
    digest = False
