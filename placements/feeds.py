"""Public feeds of offers: the study-visit calendar (iCalendar, all times or one company's or
one municipality's, for calendar programs to subscribe to) and the Atom feed of new offers.

Both are under the language prefix (/sv/…, /en/…): their texts follow the address, like the
pages. Neither names a person: no contact person, no e-mail, no booker.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib.syndication.views import Feed
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from college_portal.opendata import cached_document
from partners.models import Organisation
from partners.municipalities import MUNICIPALITIES, municipality_name

from .models import Offer, OfferKind, Slot

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# A subscribed calendar holds the coming times; more than this many is not a calendar any
# more, and the feed's cost stays bounded.
MAX_TIMES = 1000
NEW_OFFERS = 50


def open_visit_times(**offer_filters):
    """Study-visit times a visitor can book now: the offer is open (published, its organisation
    active, its last day not passed: `Offer.objects.open_for_application`), the time is ahead and
    not cancelled (`Slot.objects.bookable`) and has a free place. One query."""
    offers = Offer.objects.open_for_application().filter(kind=OfferKind.STUDY_VISIT)
    return (
        Slot.objects.bookable()
        .filter(places_taken__lt=F("capacity"), offer__in=offers.filter(**offer_filters))
        .select_related("offer__organisation")
        .order_by("starts_at", "pk")[:MAX_TIMES]
    )


def visit_calendar(times, *, name, base_url):
    """The times as an iCalendar document (bytes) named `name`; links start with `base_url`."""
    calendar = Calendar()
    calendar.add("prodid", "-//Teknikcollege Stockholm//portal//SV")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Stockholm")
    # Calendar programs look again every hour (the feed itself is current at every request).
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    stamp = timezone.now()
    for slot in times:
        offer = slot.offer
        event = Event()
        event.add("uid", f"visit-time-{slot.pk}@teknikcollege-stockholm")
        event.add("dtstamp", stamp)
        event.add("dtstart", slot.starts_at.astimezone(STOCKHOLM))
        event.add("dtend", slot.ends_at.astimezone(STOCKHOLM))
        event.add(
            "summary",
            _("Study visit: %(title)s (%(organisation)s)")
            % {"title": offer.title, "organisation": offer.organisation.name},
        )
        event.add(
            "location",
            ", ".join(p for p in (offer.organisation.name, offer.address, offer.municipality) if p),
        )
        link = base_url + offer.get_absolute_url()
        event.add(
            "description",
            _("Free places: %(left)d of %(capacity)d. Book on %(link)s")
            % {"left": slot.places_left, "capacity": slot.capacity, "link": link},
        )
        event.add("url", link)
        event.add("categories", [_("Study visit")])
        event.add("transp", "TRANSPARENT")  # a time one could book, not one booked
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()


def _calendar_response(request, key, name, **offer_filters):
    base_url = f"{request.scheme}://{request.get_host()}"

    def render():
        return visit_calendar(open_visit_times(**offer_filters), name=name, base_url=base_url)

    response = cached_document(
        request, f"visits:{key}:{get_language()}", "text/calendar; charset=utf-8", render
    )
    response["Content-Disposition"] = 'inline; filename="studiebesok.ics"'
    return response


def study_visit_calendar(request):
    """Every open study-visit time."""
    return _calendar_response(request, "all", _("Study visits – Teknikcollege Stockholm"))


def company_visit_calendar(request, slug):
    """One partner's open study-visit times; a partner the public does not see answers 404."""
    organisation = get_object_or_404(Organisation.objects.active().only("pk", "name"), slug=slug)
    return _calendar_response(
        request,
        f"org-{organisation.pk}",
        _("Study visits at %(organisation)s") % {"organisation": organisation.name},
        organisation=organisation,
    )


def municipality_visit_calendar(request, municipality):
    """The open study-visit times in one of the county's municipalities, by its name or its
    SCB code (Huddinge or 0126); any other answers 404."""
    name = municipality if municipality in MUNICIPALITIES else municipality_name(municipality)
    if not name:
        raise Http404
    return _calendar_response(
        request,
        f"municipality-{MUNICIPALITIES.index(name)}",
        _("Study visits in %(municipality)s") % {"municipality": name},
        municipality=name,
    )


class NewOffersFeed(Feed):
    """The newest offers the public offer list shows (`Offer.objects.listed`: published, open),
    newest first, in the language of the address."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        render = super().__call__
        return cached_document(
            request,
            f"offers-atom:{get_language()}",
            Atom1Feed.content_type,
            lambda: render(request, *args, **kwargs).content.decode(),
        )

    def title(self):
        return _("New internships and study visits – Teknikcollege Stockholm")

    def subtitle(self):
        return _(
            "Internships, study visits, guest lectures and teacher placements that partner companies offer."
        )

    def link(self):
        return reverse("placements:offer_list")

    def feed_url(self):
        return reverse("placements:offer_feed")

    def items(self):
        return (
            Offer.objects.listed()
            .select_related("organisation")
            .order_by("-published_at", "-pk")[:NEW_OFFERS]
        )

    def item_title(self, item):
        return item.title  # Atom's title is text: the XML writer escapes it, once

    def item_description(self, item):
        # The summary is HTML in Atom: the plain-text description escaped, in paragraphs.
        return linebreaks(item.description, autoescape=True)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at or item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.organisation.name

    def item_categories(self, item):
        return [item.get_kind_display(), item.municipality]
