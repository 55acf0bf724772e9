"""Calendar files (.ics) for bookings of study visits, guest lectures and teacher placements."""

from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from college_portal.notifications.links import portal_base_url

from .selectors import booking_place

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def booking_calendar(booking, *, base_url=None):
    """The booking as an .ics; its link goes to `base_url` (the one a notification was written
    with), else to the portal's address for the current request."""
    slot = booking.slot
    offer = slot.offer
    calendar = Calendar()
    calendar.add("prodid", "-//Teknikcollege Stockholm//portal//SV")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"booking-{booking.pk}@teknikcollege-stockholm")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", slot.starts_at.astimezone(STOCKHOLM))
    event.add("dtend", slot.ends_at.astimezone(STOCKHOLM))
    event.add("summary", _("%(kind)s: %(title)s") % {"kind": offer.get_kind_display(), "title": offer.title})
    place = booking_place(booking)  # a guest lecture: the booker's school
    event.add(
        "location",
        place
        or ", ".join(p for p in (offer.organisation.name, offer.address, offer.municipality) if p),
    )
    event.add(
        "description",
        _("Booked places: %(count)d. Contact: %(name)s, %(email)s.")
        % {"count": booking.group_size, "name": offer.contact_name, "email": offer.contact_email},
    )
    event.add("url", (base_url or portal_base_url()) + offer.get_absolute_url())
    calendar.add_component(event)
    return calendar.to_ical()
