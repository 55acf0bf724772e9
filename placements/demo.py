"""Demo placements: LK Precision's CNC-milling internship, workshop visit with two slots, guest
lecture and teacher placement, another company's internship, students' applications in
several states, a class booking."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from college_portal.accounts.models import User
from partners.models import Organisation
from programs.models import Programme

from .models import (
    Application,
    ApplicationStatus,
    Booking,
    Offer,
    OfferKind,
    OfferStatus,
    Slot,
    StatusChange,
    StudentProfile,
)

LK, SM = "556712-3459", "556834-5671"


def _at(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _offer(number, title, **fields):
    organisation = Organisation.objects.get(organisation_number=number)
    offer, _ = Offer.objects.update_or_create(
        organisation=organisation,
        title=title,
        defaults={"status": OfferStatus.PUBLISHED, "published_at": timezone.now(), **fields},
    )
    return offer


@transaction.atomic
def load(stdout):
    today = timezone.localdate()
    programmes = list(Programme.objects.filter(slug__startswith="industritekniska"))
    cnc = list(Programme.objects.filter(slug__startswith="cnc"))
    milling = _offer(
        LK, "Praktikplats: CNC-fräsning i fleroperationsmaskin", kind=OfferKind.INTERNSHIP,
        description="Du arbetar bredvid våra operatörer i fräsavdelningen: uppställning, nollpunkter, "
        "verktygsmätning och körning av femaxliga maskiner.\n\nHandledare finns på plats hela perioden.",
        municipality="Södertälje", address="Verkstadsvägen 12, Södertälje", places=2,
        prerequisites="Grundkurs i skärande bearbetning. Skyddsskor.",
        application_deadline=today + timedelta(days=30), period_start=today + timedelta(days=45),
        period_end=today + timedelta(days=45 + 6 * 7),
        contact_name="Karin Berg", contact_email="lk@example.org", contact_phone="08-123 456 00",
    )  # fmt: skip
    milling.programmes.set(programmes + cnc)
    visit = _offer(
        LK, "Studiebesök i LK Precisions verkstad", kind=OfferKind.STUDY_VISIT,
        description="Se hur vi tillverkar precisionsdetaljer: fleroperationsmaskiner, mätrum med CMM och "
        "automation. Besöket tar två timmar och avslutas med frågor till våra lärlingar.",
        municipality="Södertälje", address="Verkstadsvägen 12, Södertälje", places=1,
        application_deadline=today + timedelta(days=20),
        contact_name="Karin Berg", contact_email="lk@example.org",
    )  # fmt: skip
    visit.programmes.set(programmes)
    for days in (14, 21):
        Slot.objects.get_or_create(
            offer=visit,
            starts_at=_at(today + timedelta(days=days), 9),
            defaults={"ends_at": _at(today + timedelta(days=days), 11), "capacity": 25},
        )
    # What the yearly report counts under criterion 8 besides internships and study visits.
    for title, kind, description, days, hours, capacity in (
        ("Gästföreläsning: mätteknik i produktionen", OfferKind.GUEST_LECTURE,
         "En av våra mättekniker berättar för klassen hur vi mäter och dokumenterar kvalitet.",
         (10, 24), (13, 15), 32),
        ("Lärarpraktik i fräsavdelningen", OfferKind.TEACHER_PLACEMENT,
         "En dag för yrkeslärare vid våra fleroperationsmaskiner: uppställning, CAM och mätning.",
         (28,), (7, 16), 3),
    ):  # fmt: skip
        offer = _offer(
            LK, title, kind=kind, description=description, municipality="Södertälje",
            address="Verkstadsvägen 12, Södertälje", places=1,
            contact_name="Karin Berg", contact_email="lk@example.org",
        )  # fmt: skip
        offer.programmes.set(programmes)
        for day in days:
            Slot.objects.get_or_create(
                offer=offer,
                starts_at=_at(today + timedelta(days=day), hours[0]),
                defaults={"ends_at": _at(today + timedelta(days=day), hours[1]), "capacity": capacity},
            )
    turning = _offer(
        SM, "Praktikplats: CNC-svarvning med drivna verktyg", kind=OfferKind.INTERNSHIP,
        description="Praktik i vår svarvavdelning med korta serier och många omställningar.",
        municipality="Södertälje", address="Industrigatan 4, Södertälje", places=1,
        application_deadline=today + timedelta(days=25), period_start=today + timedelta(days=40),
        period_end=today + timedelta(days=40 + 4 * 7),
        contact_name="Jonas Ek", contact_email="rep2@example.org",
    )  # fmt: skip
    turning.programmes.set(programmes + cnc)

    students = {
        u.email: u
        for u in User.objects.filter(email__in=["student@example.org", "student2@example.org"])
    }
    school = Organisation.objects.get(organisation_number="212000-1009")  # Täljegymnasiet
    for user in students.values():
        StudentProfile.objects.update_or_create(
            user=user,
            defaults={"school": school, "programme": programmes[0] if programmes else None,
                      "municipality": "Södertälje", "digest": True},
        )  # fmt: skip
    # The school has confirmed one student; the other still waits on the teacher's dashboard.
    StudentProfile.objects.filter(
        user__email="student@example.org", school_confirmed_at__isnull=True
    ).update(
        school_confirmed_at=timezone.now(),
        school_confirmed_by=User.objects.filter(email="teacher@example.org").first(),
    )
    plan = [
        ("student@example.org", milling, ApplicationStatus.ACCEPTED),
        ("student2@example.org", milling, ApplicationStatus.SUBMITTED),
        ("student@example.org", turning, ApplicationStatus.WAITLISTED),
    ]
    for email, offer, status in plan:
        student = students.get(email)
        if student is None:
            continue
        application, created = Application.objects.get_or_create(
            offer=offer,
            student=student,
            defaults={
                "motivation": "Jag går industritekniska programmet och vill lära mig mer om CNC-bearbetning.",
                "status": status,
                "decided_at": None if status == ApplicationStatus.SUBMITTED else timezone.now(),
            },
        )
        if created:
            StatusChange.objects.create(
                application=application,
                actor=student,
                action="application.submitted",
                to_status="submitted",
            )
            if status != ApplicationStatus.SUBMITTED:
                StatusChange.objects.create(
                    application=application,
                    action=f"application.{status}",
                    from_status="submitted",
                    to_status=status,
                )
    teacher = User.objects.filter(email="teacher@example.org").first()
    slot = visit.slots.order_by("starts_at").first()
    if teacher and slot and not Booking.objects.filter(slot=slot, booked_by=teacher).exists():
        booking = Booking.objects.create(
            slot=slot,
            booked_by=teacher,
            group_size=18,
            class_name="IN22",
            teacher_contact="08-555 123 45",
        )
        Slot.objects.filter(pk=slot.pk).update(places_taken=slot.places_taken + 18)
        StatusChange.objects.create(
            booking=booking, actor=teacher, action="booking.confirmed", to_status="confirmed"
        )
    stdout.write("  5 offers, 3 applications, 1 class booking")
