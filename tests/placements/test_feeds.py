"""The public feeds: the study-visit calendar (all, per partner, per municipality) that
calendar programs subscribe to, and the Atom feed of new offers. Parsed as a program would
(icalendar, xml.etree), in both languages, with a fixed number of queries however much data."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.test.utils import override_settings
from django.utils import timezone
from icalendar import Calendar

from placements.models import Offer, Slot
from tests.factories import BookingFactory, OfferFactory, OrganisationFactory, SlotFactory
from tests.helpers import url

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def calendar(client, address):
    response = client.get(address)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events(client, address):
    return {str(e["summary"]): e for e in calendar(client, address).walk("VEVENT")}


def titles(client, address):
    return sorted(
        summary.split(": ", 1)[1].rsplit(" (", 1)[0] for summary in events(client, address)
    )


def visit(title, organisation=None, municipality="Södertälje", **slot):
    offer = OfferFactory(
        study_visit=True,
        title=title,
        municipality=municipality,
        **({"organisation": organisation} if organisation else {}),
    )
    SlotFactory(offer=offer, **slot)
    return offer


@pytest.fixture
def visits(company, company2):
    """One open time of LK in Södertälje, one of Huddinge Fräs in Huddinge; and every kind of
    time the calendar must leave out."""
    now = timezone.now()
    visit("Öppet hus hos LK", company)
    visit("Fräsning i Huddinge", company2, municipality="Huddinge")
    full = visit("Fullbokat besök", company)
    Slot.objects.filter(offer=full).update(places_taken=20)
    visit(
        "Passerat besök",
        company,
        starts_at=now - timedelta(days=1),
        ends_at=now - timedelta(hours=22),
    )
    cancelled = visit("Inställt besök", company)
    Slot.objects.filter(offer=cancelled).update(cancelled_at=now)
    Offer.objects.filter(pk=visit("Utkast till besök", company).pk).update(status="draft")
    Offer.objects.filter(pk=visit("Stängt besök", company).pk).update(status="closed")
    Offer.objects.filter(pk=visit("Sista dag passerad", company).pk).update(
        application_deadline=timezone.localdate() - timedelta(days=1)
    )
    inactive = OrganisationFactory(name="Nedlagd Verkstad AB", active=False)
    visit("Inaktiv värd", inactive)
    # Not a study visit: a guest lecture is booked by school staff only, and an internship has
    # no times.
    lecture = visit("Gästföreläsning om CAM", company)
    Offer.objects.filter(pk=lecture.pk).update(kind="guest_lecture")
    OfferFactory(organisation=company, title="Praktik i svarvning")


def test_calendar_shows_only_open_times_with_free_places(client, visits):
    assert titles(client, url("placements:visit_calendar")) == [
        "Fräsning i Huddinge",
        "Öppet hus hos LK",
    ]


def test_past_and_cancelled_times_of_an_open_visit_are_left_out(client, company):
    now = timezone.now()
    offer = visit("Öppet hus hos LK", company)  # one time in a week
    SlotFactory(
        offer=offer, starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=2, hours=-2)
    )
    SlotFactory(
        offer=offer,
        starts_at=now + timedelta(days=3),
        ends_at=now + timedelta(days=3, hours=2),
        cancelled_at=now,
    )
    (event,) = calendar(client, url("placements:visit_calendar")).walk("VEVENT")
    assert event.decoded("DTSTART") == offer.slots.order_by("-starts_at").first().starts_at


def test_a_time_with_one_place_left_is_shown_and_disappears_once_full(client, company):
    offer = visit("Sista platsen", company, capacity=2)
    booking = BookingFactory(slot=offer.slots.get())
    event = events(client, url("placements:visit_calendar"))[
        "Studiebesök: Sista platsen (LK Precision AB)"
    ]
    assert "1 av 2" in str(event["description"])
    BookingFactory(slot=booking.slot)
    assert titles(client, url("placements:visit_calendar")) == []


def test_calendar_events_are_complete_and_name_no_person(client, company):
    offer = visit("Öppet hus hos LK", company)
    BookingFactory(slot=offer.slots.get(), booked_by__full_name="Elsa Lindqvist")
    parsed = calendar(client, url("placements:visit_calendar"))
    assert str(parsed["X-WR-CALNAME"]) == "Studiebesök – Teknikcollege Stockholm"
    assert [tz["TZID"] for tz in parsed.walk("VTIMEZONE")] == ["Europe/Stockholm"]
    (event,) = parsed.walk("VEVENT")
    slot = offer.slots.get()
    assert str(event["UID"]) == f"visit-time-{slot.pk}@teknikcollege-stockholm"
    assert event.decoded("DTSTART") == slot.starts_at
    assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert event.decoded("DTEND") == slot.ends_at
    assert str(event["URL"]) == "http://testserver" + url("placements:offer_detail", offer.pk)
    assert str(event["LOCATION"]) == "LK Precision AB, Verkstadsgatan 1, Södertälje"
    assert "19 av 20" in str(event["DESCRIPTION"])
    raw = client.get(url("placements:visit_calendar")).content.decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in raw  # subscribed programs look again hourly
    for personal in (offer.contact_name, offer.contact_email, "Elsa Lindqvist"):
        assert personal not in raw


def test_calendar_in_english_under_the_english_address(client, company):
    visit("Open house", company)
    parsed = calendar(client, url("placements:visit_calendar", lang="en"))
    assert str(parsed["X-WR-CALNAME"]) == "Study visits – Teknikcollege Stockholm"
    (event,) = parsed.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Study visit: Open house (LK Precision AB)"
    assert "/en/" in str(event["URL"])


def test_partner_calendar_holds_only_that_partners_times(client, visits, company, company2):
    assert titles(client, url("placements:visit_calendar_company", company.slug)) == [
        "Öppet hus hos LK"
    ]
    assert titles(client, url("placements:visit_calendar_company", company2.slug)) == [
        "Fräsning i Huddinge"
    ]
    name = calendar(client, url("placements:visit_calendar_company", company.slug, lang="en"))
    assert str(name["X-WR-CALNAME"]) == "Study visits at LK Precision AB"


def test_municipality_calendar_holds_only_that_municipalitys_times(client, visits):
    assert titles(client, url("placements:visit_calendar_municipality", "Huddinge")) == [
        "Fräsning i Huddinge"
    ]
    assert titles(client, url("placements:visit_calendar_municipality", "Södertälje")) == [
        "Öppet hus hos LK"
    ]
    assert titles(client, url("placements:visit_calendar_municipality", "Nacka")) == []
    # SCB's municipality code works as well as the name: 0126 is Huddinge.
    assert titles(client, url("placements:visit_calendar_municipality", "0126")) == [
        "Fräsning i Huddinge"
    ]


@pytest.mark.parametrize(
    "address",
    [
        lambda: url("placements:visit_calendar_company", "finns-inte"),
        lambda: url("placements:visit_calendar_company", "nedlagd-verkstad-ab"),
        lambda: url("placements:visit_calendar_municipality", "Gotham"),
        lambda: url("placements:visit_calendar_municipality", "huddinge"),
        lambda: url("placements:visit_calendar_municipality", "0999"),
        lambda: url("placements:visit_calendar_municipality", "0380"),  # Uppsala: not the county
        lambda: "/sv/studiebesok/kalender/kommun/%00.ics",
        lambda: "/sv/studiebesok/kalender/kommun/" + quote("<script>") + ".ics",
    ],
)
def test_unknown_partner_or_municipality_is_404_not_500(client, address):
    OrganisationFactory(name="Nedlagd Verkstad AB", active=False)
    assert client.get(address()).status_code in (400, 404)


def test_calendar_and_feed_ignore_query_strings(client, visits):
    base = url("placements:visit_calendar")
    assert client.get(base + "?lang=xx&page=-1&%C3%A5=1").status_code == 200
    assert client.get(url("placements:offer_feed") + "?page=abc").status_code == 200


# --- the Atom feed -----------------------------------------------------------------------------


def feed(client, lang="sv"):
    response = client.get(url("placements:offer_feed", lang=lang))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def entries(root):
    return [
        (e.find(ATOM + "title").text, e.find(ATOM + "link").get("href"))
        for e in root.iter(ATOM + "entry")
    ]


def test_atom_feed_lists_published_offers_newest_first_with_absolute_links(client, company):
    now = timezone.now()
    older = OfferFactory(
        organisation=company, title="Äldre praktik", published_at=now - timedelta(days=3)
    )
    newer = OfferFactory(
        organisation=company, title="Nyare praktik", published_at=now - timedelta(days=1)
    )
    OfferFactory(organisation=company, title="Utkast", draft=True)
    OfferFactory(organisation=company, title="Stängd", closed=True)
    OfferFactory(organisation=OrganisationFactory(active=False), title="Inaktiv")

    root = feed(client)

    assert entries(root) == [
        ("Nyare praktik", "http://testserver" + url("placements:offer_detail", newer.pk)),
        ("Äldre praktik", "http://testserver" + url("placements:offer_detail", older.pk)),
    ]
    assert (
        root.find(ATOM + "title").text
        == "Nya praktikplatser och studiebesök – Teknikcollege Stockholm"
    )
    assert root.find(ATOM + "link").get("href") == "http://testserver" + url(
        "placements:offer_list"
    )
    first = next(root.iter(ATOM + "entry"))
    assert first.find(ATOM + "author/" + ATOM + "name").text == "LK Precision AB"
    assert first.find(ATOM + "published") is not None
    body = ET.tostring(root, encoding="unicode")
    assert "karin@lkprecision.example" not in body and "Karin Berg" not in body


def test_atom_feed_in_english(client, company):
    offer = OfferFactory(organisation=company, title="Summer internship")
    root = feed(client, lang="en")
    assert root.find(ATOM + "title").text == (
        "New internships and study visits – Teknikcollege Stockholm"
    )
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert entries(root) == [
        (
            "Summer internship",
            "http://testserver" + url("placements:offer_detail", offer.pk, lang="en"),
        )
    ]


def test_atom_feed_escapes_titles_and_descriptions_once(client, company):
    OfferFactory(
        organisation=company,
        title='Svarvning & fräsning </title><script>alert("x")</script>',
        description="Rad ett <b>\n\nRad två & mer",
    )
    root = feed(client)  # parses: nothing broke out
    entry = next(root.iter(ATOM + "entry"))
    assert entry.find(ATOM + "title").text == (
        'Svarvning & fräsning </title><script>alert("x")</script>'
    )
    summary = entry.find(ATOM + "summary")
    assert summary.get("type") == "html"
    assert summary.text == "<p>Rad ett &lt;b&gt;</p>\n\n<p>Rad två &amp; mer</p>"


# --- the links on the pages --------------------------------------------------------------------


def test_offer_list_and_study_visit_page_link_to_the_calendars(client, company):
    offer = visit("Öppet hus hos LK", company)
    html = client.get(url("placements:offer_list")).content.decode()
    assert url("placements:visit_calendar") in html
    assert "Prenumerera på studiebesökens kalender" in html
    html = client.get(url("placements:offer_detail", offer.pk)).content.decode()
    assert url("placements:visit_calendar_company", company.slug) in html
    assert url("placements:visit_calendar_municipality", "Södertälje") in html
    english = client.get(url("placements:offer_detail", offer.pk, lang="en")).content.decode()
    assert url("placements:visit_calendar_company", company.slug, lang="en") in english
    assert "Subscribe to LK Precision AB’s study visits" in english


def test_every_page_announces_the_atom_feed(client):
    html = client.get(url("home", lang="en")).content.decode()
    assert (
        f'<link rel="alternate" type="application/atom+xml" '
        f'href="{url("placements:offer_feed", lang="en")}"'
    ) in html


# --- cost and freshness ------------------------------------------------------------------------


def _grow(company, n):
    for i in range(n):
        organisation = OrganisationFactory()
        offer = visit(f"Besök {i}", organisation)
        SlotFactory(offer=offer, starts_at=timezone.now() + timedelta(days=9, hours=i))
        OfferFactory(organisation=organisation)


@pytest.mark.parametrize(
    "address",
    [
        lambda c: url("placements:visit_calendar"),
        lambda c: url("placements:visit_calendar_company", c.slug),
        lambda c: url("placements:visit_calendar_municipality", "Södertälje"),
        lambda c: url("placements:offer_feed"),
    ],
)
def test_feeds_run_as_many_queries_for_many_offers_as_for_few(
    client, company, django_assert_max_num_queries, address
):
    _grow(company, 2)
    with django_assert_max_num_queries(3):
        assert client.get(address(company)).status_code == 200
    _grow(company, 30)
    with django_assert_max_num_queries(3):
        assert client.get(address(company)).status_code == 200


@pytest.mark.django_db(transaction=True)  # the cache's version is bumped after commit
def test_cached_calendar_is_never_stale_after_a_booking(client, company, django_assert_num_queries):
    offer = visit("Sista platsen", company, capacity=1)
    with override_settings(PUBLIC_PAGE_CACHE=True):
        assert titles(client, url("placements:visit_calendar")) == ["Sista platsen"]
        with django_assert_num_queries(0):  # from the cache
            assert titles(client, url("placements:visit_calendar")) == ["Sista platsen"]
        BookingFactory(slot=offer.slots.get())
        assert titles(client, url("placements:visit_calendar")) == []
