"""Swedish full-text search in the programme catalogue: stemmed words, word prefixes, course
names, the exact title first, hostile input harmless, and a renamed course found by its new name.
PostgreSQL has the real search; SQLite (the embedded default) falls back to icontains."""

import pytest
from django.db import connection

from programs.models import Course
from tests.factories import CourseFactory, ProgrammeFactory, programme_with_courses
from tests.helpers import page, url

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Swedish full-text search (tsvector, stemming, prefixes) needs PostgreSQL; "
    "run with DATABASE_URL=postgres://…",
)
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the icontains fallback is used on SQLite only"
)


def found(client, text, **filters):
    """Names of the programmes the catalogue lists for a search, in the order shown."""
    response = client.get(url("programs:list"), {"q": text, **filters})
    assert response.status_code == 200
    cards = page(response).find("ul", cls="card-list")
    return [card.find("h2").text for card in cards.find_all("li", cls="card")] if cards else []


@pytest.fixture
def machining(db):
    """Programmes whose names do not give away their courses."""
    turning, _ = programme_with_courses(
        ["CNC-svarvning", "Ritningsläsning"], name="Industriteknik Södertälje"
    )
    milling, _ = programme_with_courses(["Fräsning i fleroperationsmaskin"], name="Verkstadsteknik")
    welding, _ = programme_with_courses(["Svetsning MIG/MAG"], name="Svetsutbildning")
    return turning, milling, welding


@postgres_only
class TestSwedishSearch:
    def test_a_whole_word_finds_the_programme_with_that_course(self, client, machining):
        assert found(client, "svarvning") == ["Industriteknik Södertälje"]

    def test_the_start_of_a_word_finds_it(self, client, machining):
        assert found(client, "svarv") == ["Industriteknik Södertälje"]
        assert found(client, "fräs") == ["Verkstadsteknik"]

    def test_another_form_of_the_word_finds_it(self, client, machining):
        assert found(client, "fräsningen") == ["Verkstadsteknik"]
        assert found(client, "FRÄSNINGEN") == ["Verkstadsteknik"]

    def test_every_word_must_match(self, client, machining):
        assert found(client, "svarv ritning") == ["Industriteknik Södertälje"]
        assert found(client, "svarv svets") == []

    def test_the_programme_description_is_searched_too(self, client, db):
        ProgrammeFactory(name="Vuxenutbildning", description="Gängning och borrning i CNC-maskin.")
        ProgrammeFactory(name="Annat")
        assert found(client, "borrning") == ["Vuxenutbildning"]

    def test_the_exact_title_is_listed_first(self, client, db):
        # Each of these mentions "CNC-operatör" more often than the one named exactly so.
        for i in range(3):
            programme_with_courses(
                ["CNC-operatör grund", "CNC-operatör fördjupning", "CNC-operatör praktik"],
                name=f"Alfa {i}: CNC-operatör med inriktning CNC-operatör",
                description="CNC-operatör, CNC-operatör, CNC-operatör.",
            )
        ProgrammeFactory(name="CNC-operatör")
        ProgrammeFactory(name="Svetsare")
        assert found(client, "CNC-operatör")[0] == "CNC-operatör"
        assert found(client, "cnc-operatör")[0] == "CNC-operatör"
        assert len(found(client, "CNC-operatör")) == 4

    @pytest.mark.parametrize(
        "text",
        [
            "'&|!:*()",
            "svarv:*&",
            "!! & | <-> <2>",
            "\\ ' \" ;",
            "fräs'); DROP TABLE programs_programme; --",
            "² ³ ½ _ __:*",
            "och att det",  # Swedish stop words only
        ],
    )
    def test_operators_and_punctuation_are_harmless(self, client, machining, text):
        response = client.get(url("programs:list"), {"q": text})
        assert response.status_code == 200
        # The page still works afterwards (no aborted transaction, nothing dropped).
        assert found(client, "svarvning") == ["Industriteknik Södertälje"]

    def test_search_combines_with_the_filters(self, client, machining):
        turning, milling, _ = machining
        assert found(client, "svarv", municipality=turning.municipality, open_now="on") == []
        assert found(client, "svarv", level=turning.level) == ["Industriteknik Södertälje"]

    def test_a_renamed_course_is_found_by_its_new_name(self, client, machining):
        course = Course.objects.get(name="Svetsning MIG/MAG")
        assert found(client, "gängfräsning") == []
        course.name = "Gängfräsning"
        course.save()
        assert found(client, "gängfräsning") == ["Svetsutbildning"]
        assert found(client, "svetsning") == []

    def test_a_course_added_to_a_programme_makes_it_findable(self, client, machining):
        _, milling, _ = machining
        assert found(client, "slipning") == []
        milling.plan.create(course=CourseFactory(name="Slipning och honing"), order=9)
        assert found(client, "slipning") == ["Verkstadsteknik"]


@sqlite_only
def test_without_postgresql_a_word_of_a_course_name_still_finds_the_programme(client, machining):
    assert found(client, "svarvning") == ["Industriteknik Södertälje"]
    assert found(client, "fräsning") == ["Verkstadsteknik"]
    assert found(client, "svarv ritning") == ["Industriteknik Södertälje"]
    assert found(client, "'&|!:*()") == sorted(p.name for p in machining)


@postgres_only
def test_a_word_in_the_name_ranks_above_the_same_word_in_the_description(client, db):
    # The stored vector weighs the name A and descriptions C; ranking on it (not on its text
    # re-parsed without weights) lists the name match first, although the other programme
    # mentions the word more often and comes first in the alphabet.
    ProgrammeFactory(
        name="Automation och verkstadsteknik",
        description="Hydraulik i teori, hydraulik i praktik, hydraulik i service.",
    )
    ProgrammeFactory(name="Hydraulik och pneumatik i Södertälje", description="")
    assert found(client, "hydraulik") == [
        "Hydraulik och pneumatik i Södertälje",
        "Automation och verkstadsteknik",
    ]
