"""The programme catalogue: filters that combine, pagination that keeps them, the number found,
help when nothing matches, unpublished programmes for project leads only, bad input harmless,
and as many queries for 40 programmes as for 5."""

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from programs.models import Intake, Level
from tests.factories import IntakeFactory, ProgrammeFactory, SchoolFactory
from tests.helpers import page, url

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def listing(response):
    """Names of the programmes on the page, in order."""
    assert response.status_code == 200
    cards = page(response).find("ul", cls="card-list")
    return [card.find("h2").text for card in cards.find_all("li", cls="card")] if cards else []


def result_count(response):
    """The number in "N programmes found"."""
    text = page(response).find("p", cls="result-count").text
    numbers = re.findall(r"\d+", text)
    assert len(numbers) == 1, text
    return int(numbers[0])


def get(client, **params):
    return client.get(url("programs:list"), params)


@pytest.fixture
def schools(db):
    return SchoolFactory(name="Täljegymnasiet"), SchoolFactory(name="Sjödalsgymnasiet")


@pytest.fixture
def target_and_decoys(schools):
    """One programme that passes every filter below and four that each fail exactly one."""
    talje, sjodal = schools
    common = {"level": Level.ADULT, "municipality": "Huddinge", "provider": talje}

    def programme(name, with_open_intake=True, **overrides):
        programme = ProgrammeFactory(name=name, **{**common, **overrides})
        if with_open_intake:
            IntakeFactory(programme=programme)
        return programme

    programme("Målet")
    programme("Fel nivå", level=Level.HIGHER_VOCATIONAL)
    programme("Fel kommun", municipality="Södertälje")
    programme("Fel skola", provider=sjodal)
    closed = programme("Ingen öppen antagning", with_open_intake=False)
    # Closed, and open but past its deadline: neither is open for applications now.
    IntakeFactory(programme=closed, status=Intake.Status.CLOSED)
    IntakeFactory(
        programme=closed,
        start_date=TODAY() + timedelta(days=30),
        application_deadline=TODAY() - timedelta(days=1),
        status=Intake.Status.OPEN,
    )
    return {
        "level": Level.ADULT,
        "municipality": "Huddinge",
        "provider": talje.slug,
        "open_now": "on",
    }


ONE_FILTER_REMOVES = {
    "level": "Fel nivå",
    "municipality": "Fel kommun",
    "provider": "Fel skola",
    "open_now": "Ingen öppen antagning",
}


def test_all_filters_together_leave_only_the_programme_matching_all(client, target_and_decoys):
    response = get(client, **target_and_decoys)
    assert listing(response) == ["Målet"]
    assert result_count(response) == 1


@pytest.mark.parametrize("left_out", sorted(ONE_FILTER_REMOVES))
def test_each_filter_removes_its_own_programme(client, target_and_decoys, left_out):
    filters = {k: v for k, v in target_and_decoys.items() if k != left_out}
    assert sorted(listing(get(client, **filters))) == sorted(
        ["Målet", ONE_FILTER_REMOVES[left_out]]
    )


def test_without_filters_everything_published_is_listed_by_name(client, target_and_decoys):
    assert listing(get(client)) == sorted(["Målet", *ONE_FILTER_REMOVES.values()])


def test_pages_of_twenty_keep_the_filters_in_the_next_page_link(client, schools):
    talje, _ = schools
    for i in range(25):
        ProgrammeFactory(
            name=f"CNC {i:02d}", level=Level.ADULT, municipality="Huddinge", provider=talje
        )
    for i in range(3):  # filtered away on every page
        ProgrammeFactory(
            name=f"CNC gymnasiet {i}", level=Level.UPPER_SECONDARY, municipality="Huddinge"
        )

    first = get(client, level=Level.ADULT, municipality="Huddinge")
    assert listing(first) == [f"CNC {i:02d}" for i in range(20)]
    assert result_count(first) == 25

    next_link = page(first).find("a", rel="next")
    href = html.unescape(next_link.attrs["href"])
    params = parse_qs(urlsplit(href).query)
    assert params == {"level": [Level.ADULT], "municipality": ["Huddinge"], "page": ["2"]}

    second = client.get(url("programs:list") + href)
    assert listing(second) == [f"CNC {i:02d}" for i in range(20, 25)]
    assert result_count(second) == 25
    assert page(second).find("a", rel="next") is None
    previous = parse_qs(
        urlsplit(html.unescape(page(second).find("a", rel="prev").attrs["href"])).query
    )
    assert previous == {"level": [Level.ADULT], "municipality": ["Huddinge"], "page": ["1"]}


def test_the_number_of_programmes_found_is_shown(client, target_and_decoys):
    assert result_count(get(client)) == 5
    assert result_count(get(client, municipality="Huddinge", level=Level.ADULT)) == 3


def test_nothing_found_shows_what_to_try_instead(client, target_and_decoys):
    response = get(client, municipality="Nacka")
    assert listing(response) == []
    assert result_count(response) == 0
    empty = page(response).find("div", cls="empty")
    assert empty is not None
    with translation.override("sv"):
        tips = [
            gettext("Search for a shorter word, e.g. “svarv” or “fräs”."),
            gettext("Choose “All” for level, municipality or school."),
            gettext("Untick “Open for applications now” to see coming intakes too."),
        ]
    assert [li.text for li in empty.find_all("li")] == tips
    # …and a way back to everything.
    assert page(response).find("a", href=url("programs:list")) is not None


def test_a_found_list_shows_no_suggestions(client, target_and_decoys):
    assert page(get(client)).find("div", cls="empty") is None


class TestUnpublished:
    @pytest.fixture
    def programmes(self, db):
        ProgrammeFactory(name="Publicerad")
        ProgrammeFactory(name="Utkast", published=False)

    def test_hidden_from_visitors_students_and_representatives(
        self, client, programmes, student, rep
    ):
        assert listing(get(client)) == ["Publicerad"]
        for user in (student, rep):
            client.force_login(user)
            assert listing(get(client)) == ["Publicerad"]
            assert result_count(get(client)) == 1

    def test_visible_to_project_leads_and_marked(self, client, programmes, lead):
        client.force_login(lead)
        response = get(client)
        assert listing(response) == ["Publicerad", "Utkast"]
        cards = page(response).find("ul", cls="card-list").find_all("li", cls="card")
        badges = [bool(card.find("span", cls="badge-warn")) for card in cards]
        assert badges == [False, True]


@pytest.mark.parametrize(
    "params",
    [
        {"level": "bogus"},
        {"page": "abc"},
        {"page": "-1"},
        {"page": "99999"},
        {"municipality": "Atlantis"},
        {"provider": "no-such-school"},
        {"open_now": "maybe"},
        {"q": "x" * 500},
        # A NUL in the query answers 400 before the page (tests/test_input_hardening.py).
        {"level": "bogus", "page": "abc", "provider": "", "q": ""},
    ],
)
def test_invalid_filter_values_do_not_break_the_page(client, target_and_decoys, params):
    response = get(client, **params)
    assert response.status_code == 200
    # The bad value is ignored: programmes are still listed, and counted right.
    assert result_count(response) == len(listing(response)) > 0


def test_a_page_number_beyond_the_end_shows_the_last_page(client, schools):
    for i in range(25):
        ProgrammeFactory(name=f"Program {i:02d}")
    assert listing(get(client, page="9")) == [f"Program {i:02d}" for i in range(20, 25)]


def catalogue_queries(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = get(client, **params)
    assert response.status_code == 200
    return len(queries)


def many_programmes(start, stop, schools):
    for i in range(start, stop):
        programme = ProgrammeFactory(
            name=f"Utbildning {i:03d}",
            provider=schools[i % 2],
            municipality="Huddinge",
            level=Level.ADULT,
        )
        IntakeFactory(programme=programme)
        IntakeFactory(programme=programme, start_date=TODAY() + timedelta(days=400))


@pytest.mark.parametrize(
    "params",
    [{}, {"level": Level.ADULT, "municipality": "Huddinge", "open_now": "on", "q": "utbildning"}],
    ids=["unfiltered", "filtered"],
)
def test_the_catalogue_needs_as_many_queries_for_40_programmes_as_for_5(
    client, schools, lead, params
):
    many_programmes(0, 5, schools)
    few = catalogue_queries(client, **params)
    many_programmes(5, 40, schools)
    many = catalogue_queries(client, **params)
    assert many == few
    client.force_login(lead)
    assert catalogue_queries(client, **params, page="2") == catalogue_queries(client, **params)


def test_the_school_filter_offers_only_schools_with_programmes_in_the_catalogue(client, schools):
    from django.core.cache import cache

    talje, sjodal = schools
    ProgrammeFactory(name="CNC-teknik", provider=talje)
    ProgrammeFactory(name="Opublicerat", provider=sjodal, published=False)
    cache.clear()  # the page itself, not a cached copy
    response = get(client, provider=talje.slug)
    content = response.content.decode()
    assert f'<option value="{talje.slug}" selected>{talje.name}</option>' in content
    assert sjodal.slug not in content
    assert '<label for="id_provider">' in content and 'id="id_provider"' in content
    assert listing(response) == ["CNC-teknik"]
