"""schema.org JSON-LD of an offer page: an internship as a `JobPosting` (employmentType
INTERN), a study visit (or guest lecture, teacher placement) as one `Event` per bookable time.
Only a published offer gets any: a draft or closed one is nobody's to find. The contact person
is never in it."""

from django.utils import timezone

from college_portal.opendata import SCHEMA_ORG, compact
from partners.structured_data import municipality_place, organisation_json_ld

from .models import OfferStatus


def _organisation(request, offer):
    data = organisation_json_ld(request, offer.organisation, context=False)
    return {key: data[key] for key in ("@type", "name", "url", "sameAs", "address") if key in data}


def job_posting(request, offer):
    posted = timezone.localtime(offer.published_at or offer.created_at).date()
    valid_through = offer.application_deadline or offer.period_end
    return compact(
        {
            "@context": SCHEMA_ORG,
            "@type": "JobPosting",
            "title": offer.title,
            "description": offer.description,
            "url": request.build_absolute_uri(offer.get_absolute_url()),
            "datePosted": posted.isoformat(),
            "validThrough": valid_through and valid_through.isoformat(),
            "employmentType": "INTERN",
            "jobStartDate": offer.period_start and offer.period_start.isoformat(),
            "totalJobOpenings": offer.places,
            "qualifications": offer.prerequisites,
            "hiringOrganization": _organisation(request, offer),
            "jobLocation": municipality_place(offer.municipality, street=offer.address),
            "directApply": True,
        }
    )


def events(request, offer, slots):
    place = municipality_place(
        offer.municipality, name=offer.organisation.name, street=offer.address
    )
    organizer = _organisation(request, offer)
    url = request.build_absolute_uri(offer.get_absolute_url())
    return [
        compact(
            {
                "@context": SCHEMA_ORG,
                "@type": "Event",
                "name": offer.title,
                "description": offer.description,
                "url": url,
                "startDate": timezone.localtime(slot.starts_at).isoformat(),
                "endDate": timezone.localtime(slot.ends_at).isoformat(),
                "eventStatus": "https://schema.org/EventScheduled",
                "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
                "location": place,
                "organizer": organizer,
                "isAccessibleForFree": True,
                "maximumAttendeeCapacity": slot.capacity,
                "remainingAttendeeCapacity": slot.places_left,
            }
        )
        for slot in slots
        if slot.is_bookable
    ]


def offer_json_ld(request, offer, slots):
    """The documents of the offer's page (a list, possibly empty)."""
    if offer.status != OfferStatus.PUBLISHED or not offer.organisation.active:
        return []
    if offer.is_internship:
        return [job_posting(request, offer)]
    if offer.held_at_school:  # a guest lecture: at the booker's school, no public place
        return []
    return events(request, offer, slots)
