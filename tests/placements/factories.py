"""Factories of placements: offers, time slots, applications, bookings and student profiles.

They write rows directly (no services, no notifications): a test sets up a state, then acts
through the pages or the services and looks at what a user notices.
"""

from datetime import timedelta

import factory
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

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
from programs.models import Level, Programme
from tests.factories import OrganisationFactory, UserFactory

TODAY = timezone.localdate()


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"CNC-operatör {n}")
    slug = factory.LazyAttribute(lambda p: slugify(p.name))
    level = Level.UPPER_SECONDARY
    provider = factory.SubFactory(
        OrganisationFactory, kind="school", name=factory.Sequence(lambda n: f"Skola {n}")
    )
    municipality = "Södertälje"
    length_weeks = 40
    published = True


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
