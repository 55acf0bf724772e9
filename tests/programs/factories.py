"""Factories for the programs app: programmes at a school, courses in order, intakes,
requirements from a kravställare and the courses that cover them."""

from datetime import timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from partners.models import OrganisationKind
from programs.models import (
    CompetenceRequirement,
    Course,
    Coverage,
    Intake,
    Level,
    Programme,
    ProgrammeCourse,
)
from tests.factories import OrganisationFactory, PartnerRoleFactory


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
