"""sitemap.xml lists every public page in Swedish and English with its hreflang alternates, and
nothing a visitor cannot open; robots.txt points to it and keeps crawlers out of the signed-in
parts. Both run a fixed number of queries however many programmes, offers and partners."""

import xml.etree.ElementTree as ET

import pytest

from programs.models import Programme
from tests.factories import OfferFactory, OrganisationFactory, ProgrammeFactory, SlotFactory
from tests.helpers import url

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
HOST = "http://testserver"


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return {
        entry.find("s:loc", NS).text: {
            link.get("hreflang"): link.get("href") for link in entry.findall("x:link", NS)
        }
        for entry in root.findall("s:url", NS)
    }


@pytest.fixture
def site(world):
    """The world's public and private things, and more of each kind that must stay out."""
    hidden = {
        "programme": ProgrammeFactory(name="Opublicerat program", published=False),
        "offer": OfferFactory(organisation=world["company"], title="Stängd", closed=True),
        "organisation": OrganisationFactory(name="Nedlagd AB", active=False),
    }
    OfferFactory(organisation=hidden["organisation"], title="Inaktiv värds erbjudande")
    return {**world, "hidden": hidden}


def public_pages(world):
    """Every public page the HTML lists lead to, as (name, args)."""
    from partners.models import Organisation
    from placements.models import Offer

    pages = [(name, ()) for name in ("home", "about", "privacy", "accessibility", "contact")]
    pages += [("programs:list", ()), ("programs:jobs", ())]
    pages += [("programs:detail", (p.slug,)) for p in Programme.objects.filter(published=True)]
    pages += [("placements:offer_list", ())]
    pages += [
        ("placements:offer_detail", (o.pk,))
        for o in Offer.objects.filter(status="published", organisation__active=True)
    ]
    pages += [("partners:list", ())]
    pages += [("partners:detail", (o.slug,)) for o in Organisation.objects.filter(active=True)]
    return pages


def test_sitemap_lists_every_public_page_in_both_languages_with_alternates(client, site):
    entries = sitemap(client)
    expected = set()
    for name, args in public_pages(site):
        swedish, english = HOST + url(name, *args), HOST + url(name, *args, lang="en")
        expected |= {swedish, english}
        for address in (swedish, english):
            assert entries[address] == {"sv": swedish, "en": english, "x-default": swedish}
    assert set(entries) == expected
    # The pages really are public: each answers a visitor.
    for address in list(entries)[:: max(1, len(entries) // 12)]:
        assert client.get(address.removeprefix(HOST)).status_code == 200, address


def test_sitemap_uses_translated_addresses(client, site):
    entries = sitemap(client)
    assert HOST + "/sv/program/" in entries or HOST + url("programs:list") in entries
    assert HOST + url("programs:list") != HOST + url("programs:list", lang="en")
    assert HOST + url("placements:offer_list", lang="en") in entries


def test_sitemap_holds_nothing_that_is_not_public(client, site):
    addresses = "\n".join(sitemap(client))
    hidden = site["hidden"]
    for name, args in [
        ("programs:detail", (hidden["programme"].slug,)),
        ("placements:offer_detail", (hidden["offer"].pk,)),
        ("placements:offer_detail", (site["draft"].pk,)),
        ("partners:detail", (hidden["organisation"].slug,)),
        ("dashboard", ()),
        ("account_login", ()),
        ("account_signup", ()),
        ("report", ()),
        ("placements:offer_create", ()),
        ("admin:index", ()),
    ]:
        for lang in ("sv", "en"):
            assert HOST + url(name, *args, lang=lang) + "\n" not in addresses + "\n", (name, lang)


def _grow(n):
    for _ in range(n):
        organisation = OrganisationFactory()
        ProgrammeFactory()
        SlotFactory(offer=OfferFactory(organisation=organisation, study_visit=True))
        OfferFactory(organisation=organisation)


def test_sitemap_and_robots_run_as_many_queries_for_many_pages_as_for_few(
    client, django_assert_max_num_queries
):
    _grow(2)
    with django_assert_max_num_queries(8):
        few = len(sitemap(client))
    _grow(25)
    with django_assert_max_num_queries(8):
        assert len(sitemap(client)) > few
    with django_assert_max_num_queries(0):
        assert client.get("/robots.txt").status_code == 200


# --- robots.txt --------------------------------------------------------------------------------


def robots(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    return lines, [line.split(": ", 1)[1] for line in lines if line.startswith("Disallow: ")]


def test_robots_points_to_the_sitemap_and_closes_the_signed_in_parts(client, world):
    lines, disallowed = robots(client)
    assert lines[0] == "User-agent: *"
    assert "Sitemap: http://testserver/sitemap.xml" in lines

    def closed(path):
        return any(path.startswith(prefix) for prefix in disallowed)

    for lang in ("sv", "en"):
        for name, args in [
            ("dashboard", ()),
            ("profile", ()),
            ("my_data", ()),
            ("report", ()),
            ("account_login", ()),
            ("account_signup", ()),
            ("admin:index", ()),
            ("placements:application_detail", (world["application"].pk,)),
            ("placements:booking_detail", (world["booking"].pk,)),
            ("placements:student_profile", ()),
            ("programs:requirement_new", ()),
            ("programs:gap", ()),
        ]:
            assert closed(url(name, *args, lang=lang)), (name, lang)
    assert closed("/private/agreements/x.pdf")


def test_robots_closes_no_page_of_the_sitemap(client, world):
    _lines, disallowed = robots(client)
    for address in sitemap(client):
        path = address.removeprefix(HOST)
        assert not any(path.startswith(prefix) for prefix in disallowed), path
