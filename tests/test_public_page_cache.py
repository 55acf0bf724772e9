"""Public pages cached for visitors: served from the cache without touching the database, never
stale after an edit, never one person's page served to another, and the language switch's
CSRF token still the visitor's own."""

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from tests.factories import OfferFactory, ProgrammeFactory
from tests.helpers import url

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the version is bumped after commit
    pytest.mark.usefixtures("page_cache_on"),
]


@pytest.fixture
def page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE = True

PAGES = ["home", "programs:list", "placements:offer_list", "partners:list"]


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def queries(client, address):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return response, len(captured)


@pytest.mark.parametrize("name", PAGES)
def test_a_visitors_second_look_needs_no_database(client, company, name):
    OfferFactory(organisation=company)
    _first, first = queries(client, url(name))
    second_response, second = queries(client, url(name))

    assert first > 0 and second == 0
    assert second_response.content.decode().count("<main") == 1


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_an_edit_shows_at_once_in_both_languages(client, company, lang):
    programme = ProgrammeFactory(name="CNC-operatör Södertälje")
    offer = OfferFactory(organisation=company, title="Praktik i svarvning", programmes=[programme])
    for name in PAGES:
        client.get(url(name, lang=lang))

    programme.name = "CNC-tekniker Södertälje"
    programme.save()
    offer.title = "Praktik i femaxlig fräsning"
    offer.save()
    company.name = "LK Precision Group AB"
    company.save()

    assert "CNC-tekniker Södertälje" in client.get(url("programs:list", lang=lang)).content.decode()
    offers = client.get(url("placements:offer_list", lang=lang)).content.decode()
    assert "Praktik i femaxlig fräsning" in offers and "Praktik i svarvning" not in offers
    assert "LK Precision Group AB" in client.get(url("partners:list", lang=lang)).content.decode()


def test_a_closed_offer_leaves_the_cached_list(client, rep, company):
    from placements import services

    offer = OfferFactory(organisation=company, title="Snart stängd praktik")
    assert offer.title in client.get(url("placements:offer_list")).content.decode()

    services.close_offer(user=rep, offer_id=offer.pk)

    assert offer.title not in client.get(url("placements:offer_list")).content.decode()


def test_signed_in_people_never_get_a_visitors_page_or_the_other_way(client, student):
    client.get(url("home"))  # a visitor's page is cached
    signed_in = Client()
    signed_in.force_login(student)

    page = signed_in.get(url("home")).content.decode()
    assert "Logga ut" in page

    visitor = Client().get(url("home")).content.decode()
    assert "Logga ut" not in visitor and "Logga in" in visitor


def test_the_language_switch_works_from_a_cached_page_without_a_token_or_cookie():
    first = Client(enforce_csrf_checks=True)
    first.get(url("programs:list"))
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(url("programs:list"))  # from the cache
    assert "csrfmiddlewaretoken" not in page.content.decode() and "Set-Cookie" not in page

    response = visitor.post(url("set_language"), {"language": "en", "next": url("programs:list")})

    assert response.status_code == 302 and response["Location"] == url("programs:list", lang="en")
    assert visitor.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_a_signed_in_persons_language_switch_is_still_checked_against_forgery(student):
    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(student)
    page = signed_in.get(url("programs:list")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    switch = {"language": "en", "next": url("programs:list")}

    forged = signed_in.post(url("set_language"), switch)
    student.refresh_from_db()
    assert forged.status_code == 403 and student.language != "en"

    accepted = signed_in.post(url("set_language"), {**switch, "csrfmiddlewaretoken": token})
    student.refresh_from_db()
    assert accepted.status_code == 302 and student.language == "en"


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}})
def test_without_a_cache_the_pages_are_rendered_as_before(client, company):
    OfferFactory(organisation=company, title="Praktik utan cache")
    _response, first = queries(client, url("placements:offer_list"))
    response, second = queries(client, url("placements:offer_list"))
    assert first == second > 0
    assert "Praktik utan cache" in response.content.decode()


def test_a_message_is_shown_to_its_reader_only():
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest

    Client().get(url("home"))  # a visitor's home page is cached
    reader = Client()
    reader.cookies["messages"] = CookieStorage(HttpRequest())._encode(
        [Message(constants.SUCCESS, "Tack, vi har tagit emot ditt meddelande.")]
    )

    assert "Tack, vi har tagit emot" in reader.get(url("home")).content.decode()
    for _ in range(2):
        assert "Tack, vi har tagit emot" not in Client().get(url("home")).content.decode()


def test_signed_in_offer_list_reads_its_list_from_the_cache(student, company):
    """The filter's choices, the count and the page of offers are the same for everyone:
    cached, so a signed-in person's second look reads only their session and account; and new
    as soon as an offer changes."""
    reader = Client()
    reader.force_login(student)
    OfferFactory(organisation=company)
    _page, first = queries(reader, url("placements:offer_list"))
    page, second = queries(reader, url("placements:offer_list"))
    assert first > 2 and second == 2
    assert "Logga ut" in page.content.decode()  # their own header, not a visitor's

    other = OfferFactory(organisation=ProgrammeFactory().provider, title="Skolans egen praktik")
    other.organisation.kind = "company"
    other.organisation.save()

    page = reader.get(url("placements:offer_list")).content.decode()
    assert f'<option value="{other.organisation.slug}">' in page


def test_programme_and_partner_pages_show_an_edit_at_once(client, company):
    programme = ProgrammeFactory(name="Svarvare Huddinge")
    OfferFactory(organisation=company, title="Praktik hos oss", programmes=[programme])
    programme_page = url("programs:detail", programme.slug)
    partner_page = url("partners:detail", company.slug)
    assert queries(client, programme_page)[1] > 0 and queries(client, programme_page)[1] == 0
    assert queries(client, partner_page)[1] > 0 and queries(client, partner_page)[1] == 0

    programme.description = "Ny beskrivning av utbildningen i svarvning."
    programme.save()
    company.description = "Vi fräser detaljer till flygindustrin."
    company.save()

    assert "Ny beskrivning av utbildningen" in client.get(programme_page).content.decode()
    assert "Vi fräser detaljer till flygindustrin." in client.get(partner_page).content.decode()


def test_a_stored_page_keeps_its_headers_and_sets_no_cookie():
    first = Client()
    rendered = first.get(url("programs:list", lang="en"))
    second = Client()
    stored = second.get(url("programs:list", lang="en"))

    for header in ("Content-Language", "Content-Security-Policy", "X-Frame-Options", "Vary"):
        assert stored[header] == rendered[header]
    assert stored["Content-Language"] == "en"
    assert stored.content.decode().count("<main") == 1
    # Nothing of the first visitor's is replayed to the second: no cookie at all.
    assert not first.cookies and not second.cookies


def test_a_page_with_a_csrf_token_gets_each_visitors_own(student, rf):
    """Should a cached page ever hold a form with a token, each visitor gets a token and
    cookie of their own, never the first visitor's."""
    from django.middleware.csrf import get_token
    from django.template import engines

    from college_portal.pagecache import PublicPageCacheMiddleware, public_page

    template = engines["django"].from_string("<form>{% csrf_token %}</form>")

    @public_page
    def view(request):
        from django.http import HttpResponse

        get_token(request)
        return HttpResponse(template.render({}, request))

    def through(request):
        from django.middleware.csrf import CsrfViewMiddleware

        return CsrfViewMiddleware(view)(request)

    middleware = PublicPageCacheMiddleware(through)
    first = middleware(rf.get("/sv/form/"))
    second = middleware(rf.get("/sv/form/"))
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    assert token.search(second.content.decode()) and "\x00" not in second.content.decode()
    assert token.search(first.content.decode())[1] != token.search(second.content.decode())[1]
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value


def test_a_stored_page_is_not_served_to_an_unknown_host(client):
    client.get(url("home"))
    response = client.get(url("home"), HTTP_HOST="evil.example")
    assert response.status_code == 400


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_an_offer_page_shows_places_taken_at_once(client, rep, company, student, lang):
    """The offer page is cached for visitors; accepting a student or booking a study-visit time
    shows on it at the next request."""
    from placements import services
    from tests.factories import ApplicationFactory, BookingFactory, SlotFactory

    internship = OfferFactory(organisation=company, places=2)
    application = ApplicationFactory(offer=internship, student=student)
    slot = SlotFactory(offer=OfferFactory(organisation=company, study_visit=True), capacity=20)
    internship_page = url("placements:offer_detail", internship.pk, lang=lang)
    visit_page = url("placements:offer_detail", slot.offer_id, lang=lang)
    assert queries(client, internship_page)[1] > 0 and queries(client, internship_page)[1] == 0
    before = client.get(visit_page).content.decode()
    assert "20 / 20" in before

    services.decide(user=rep, application_id=application.pk, decision="accept")
    places = {"sv": "1 plats kvar", "en": "1 place left"}[lang]
    assert places in client.get(internship_page).content.decode()

    BookingFactory(slot=slot, group_size=3)
    assert "17 / 20" in client.get(visit_page).content.decode()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_signed_in_offer_list_shows_an_edit_at_once_and_keeps_each_search_apart(
    student, company, lang
):
    reader = Client()
    reader.force_login(student)
    offer = OfferFactory(organisation=company, title="Praktik i svarvning")
    OfferFactory(organisation=company, title="Praktik i fräsning")
    address = url("placements:offer_list", lang=lang)
    assert "Praktik i svarvning" in reader.get(address).content.decode()
    searched = reader.get(address, {"q": "fräsning"}).content.decode()
    assert "Praktik i fräsning" in searched and "Praktik i svarvning" not in searched

    offer.title = "Praktik i slipning"
    offer.save()

    page = reader.get(address).content.decode()
    assert "Praktik i slipning" in page and "Praktik i svarvning" not in page
    # The list in each language is its own (the filter's labels, the count).
    swedish = reader.get(url("placements:offer_list", lang="sv")).content.decode()
    english = reader.get(url("placements:offer_list", lang="en")).content.decode()
    assert "offers found" in english and "offers found" not in swedish


def test_only_pages_marked_public_are_stored(rf):
    """A page its view did not mark with @public_page (a form, a page about one person) is
    rendered for every request, even for a visitor with no cookie."""
    from django.http import HttpResponse

    from college_portal.pagecache import PublicPageCacheMiddleware, public_page

    calls = []

    def unmarked(request):
        calls.append("unmarked")
        return HttpResponse(f"<p>{len(calls)}</p>")

    @public_page
    def marked(request):
        calls.append("marked")
        return HttpResponse("<p>public</p>")

    for view, address in ((unmarked, "/sv/form/"), (marked, "/sv/public/")):
        middleware = PublicPageCacheMiddleware(view)
        middleware(rf.get(address))
        middleware(rf.get(address))
    assert calls.count("unmarked") == 2 and calls.count("marked") == 1
