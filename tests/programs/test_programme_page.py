"""A programme's page: its courses in order with the total, its intakes, what industry requires
and which course gives it (gaps marked), only accepted requirements in public, structured data for
search engines, a fixed number of queries however big the programme, and drafts hidden."""

import json
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from programs.models import CompetenceRequirement, Intake
from tests.factories import (
    CourseFactory,
    IntakeFactory,
    ProgrammeFactory,
    RequirementFactory,
    RequirementSetterFactory,
    programme_with_courses,
)
from tests.helpers import page, table_by_caption, table_rows, url

pytestmark = pytest.mark.django_db

Status = CompetenceRequirement.Status


def programme_page(client, programme):
    response = client.get(url("programs:detail", programme.slug))
    assert response.status_code == 200
    return page(response)


def coverage_items(document):
    """(title, gap?, covering text) of each requirement in the coverage section."""
    items = document.find("ul", cls="coverage-list")
    if items is None:
        return []
    return [
        (li.find("h3").text, "coverage-gap" in li.classes, li.find_all("p")[-1].text)
        for li in items.find_all("li", cls="coverage-item")
    ]


def captioned(document, caption):
    with translation.override("sv"):
        return table_by_caption(document, gettext(caption))


def courses_table(document):
    return captioned(document, "Courses in order")


@pytest.fixture
def programme(db):
    # Alphabetical order differs from the order of the plan on purpose.
    programme, courses = programme_with_courses(
        ["Säkerhet i verkstaden", "Ritteknik", "CNC-svarvning", "Mätteknik"],
        name="Industritekniska programmet",
        description="Treårigt program.",
    )
    points = [50, 100, 200, 150]
    for course, p in zip(courses, points, strict=True):
        course.points = p
        course.save()
    return programme


def test_courses_are_listed_in_the_order_of_the_plan_with_their_total(client, programme):
    table = courses_table(programme_page(client, programme))
    rows = table_rows(table)
    assert [row[1] for row in rows] == [
        "Säkerhet i verkstaden",
        "Ritteknik",
        "CNC-svarvning",
        "Mätteknik",
    ]
    assert [row[3] for row in rows] == ["50", "100", "200", "150"]
    assert table_rows(table, "tfoot")[0][-1] == "500"


def test_the_intakes_are_shown_with_start_deadline_seats_and_whether_open(client, programme):
    today = timezone.localdate()
    open_start = today + timedelta(days=150)
    IntakeFactory(programme=programme, start_date=open_start, seats=16)
    closed_start = today + timedelta(days=500)
    IntakeFactory(
        programme=programme,
        start_date=closed_start,
        application_deadline=closed_start - timedelta(days=30),
        seats=24,
        status=Intake.Status.PLANNED,
    )
    document = programme_page(client, programme)
    intakes = captioned(document, "Intakes")
    rows = table_rows(intakes)
    with translation.override("sv"):
        expected_starts = [formats.date_format(d, "j F Y") for d in (open_start, closed_start)]
        deadline = formats.date_format(open_start - timedelta(days=60), "j F Y")
    assert [row[0] for row in rows] == expected_starts
    assert rows[0][1] == deadline
    assert [row[2] for row in rows] == ["16", "24"]
    assert rows[0][3] != rows[1][3]  # "open for applications" against "planned"
    assert intakes.find_all("tr")[1].find("span", cls="badge-ok") is not None
    assert intakes.find_all("tr")[2].find("span", cls="badge-ok") is None


def test_coverage_lists_accepted_requirements_with_their_courses_and_marks_gaps(client, programme):
    plan = {c.name: c for c in programme.courses.all()}
    outside = CourseFactory(name="Femaxlig fräsning")  # a course of another programme
    other = ProgrammeFactory(name="YH CNC-tekniker")
    other.plan.create(course=outside, order=1)
    company = RequirementSetterFactory(name="LK Precision AB")
    RequirementFactory(
        title="Läser ritningar enligt ISO GPS",
        organisation=company,
        importance=3,
        programmes=[programme],
        covered_by=[plan["Ritteknik"], plan["Mätteknik"]],
    )
    RequirementFactory(
        title="Kör en femaxlig CNC-fräs",
        organisation=company,
        importance=3,
        programmes=[programme, other],
        covered_by=[outside],  # covered elsewhere, a gap here
    )
    RequirementFactory(
        title="Förstår lean-produktion", organisation=company, importance=1, programmes=[programme]
    )
    document = programme_page(client, programme)
    items = coverage_items(document)
    assert [(title, gap) for title, gap, _ in items] == [
        ("Kör en femaxlig CNC-fräs", True),
        ("Läser ritningar enligt ISO GPS", False),
        ("Förstår lean-produktion", True),
    ]
    covering = dict((title, text) for title, _, text in items)
    assert "Ritteknik, Mätteknik" in covering["Läser ritningar enligt ISO GPS"]
    assert "Femaxlig fräsning" not in covering["Kör en femaxlig CNC-fräs"]
    gap_badges = document.find("ul", cls="coverage-list").find_all("span", cls="badge-error")
    assert len(gap_badges) == 2
    # The requirement setter is named and linked.
    assert document.find("a", href=url("partners:detail", company.slug)) is not None

    # The other programme has that course: there, the same requirement is covered by it.
    [(title, gap, text)] = coverage_items(programme_page(client, other))
    assert (title, gap) == ("Kör en femaxlig CNC-fräs", False)
    assert "Femaxlig fräsning" in text


def test_proposed_and_rejected_requirements_are_not_shown(client, programme, rep, company, lead):
    RequirementFactory(title="Accepterat krav", organisation=company, programmes=[programme])
    RequirementFactory(
        title="Föreslaget krav",
        organisation=company,
        status=Status.PROPOSED,
        programmes=[programme],
    )
    RequirementFactory(
        title="Avslaget krav",
        organisation=company,
        status=Status.REJECTED,
        rejection_reason="Finns redan som krav.",
        programmes=[programme],
    )
    for user in (None, rep, lead):  # not even to the proposer or a project lead on this page
        if user:
            client.force_login(user)
        document = programme_page(client, programme)
        assert [title for title, _, _ in coverage_items(document)] == ["Accepterat krav"]
        content = document.text
        assert "Föreslaget krav" not in content
        assert "Avslaget krav" not in content
        assert "Finns redan som krav." not in content


def test_structured_data_describes_the_programme_for_search_engines(client, programme):
    programme.description = 'CNC & mätning </script><script>alert("x")</script>'
    programme.save()
    start = timezone.localdate() + timedelta(days=100)
    IntakeFactory(programme=programme, start_date=start, seats=18)
    response = client.get(url("programs:detail", programme.slug))
    scripts = page(response).find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    data = json.loads(scripts[0].raw_text)
    assert data["@type"] == "EducationalOccupationalProgram"
    assert data["@context"] == "https://schema.org"
    assert data["name"] == "Industritekniska programmet"
    assert data["description"] == programme.description  # escaped in HTML, intact as JSON
    assert data["url"] == "http://testserver" + url("programs:detail", programme.slug)
    assert data["provider"]["name"] == programme.provider.name
    assert [c["name"] for c in data["hasCourse"]] == [
        "Säkerhet i verkstaden",
        "Ritteknik",
        "CNC-svarvning",
        "Mätteknik",
    ]
    assert date.fromisoformat(data["startDate"]) == start
    assert data["maximumEnrollment"] == 18
    assert b"<script>alert" not in response.content


def programme_of_size(name, courses, requirements):
    programme, plan = programme_with_courses(
        [CourseFactory(name=f"{name} kurs {i}") for i in range(courses)], name=name
    )
    IntakeFactory(programme=programme)
    setters = [RequirementSetterFactory() for _ in range(min(requirements, 3))]
    for i in range(requirements):
        RequirementFactory(
            title=f"{name} krav {i}",
            organisation=setters[i % len(setters)],
            programmes=[programme],
            covered_by=plan[i % 2 :: 7][:3] if i % 4 else [],
        )
    return programme


# Measured on SQLite and PostgreSQL alike for an anonymous visitor: the programme with its
# school, the plan with its courses, intakes, requirements with their setters, their coverage,
# and the related-offers section of the placements app.
DETAIL_QUERIES = 8  # 6, and 2 for the occupations (a third when there are some to name)


def detail_queries(client, programme):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("programs:detail", programme.slug))
    assert response.status_code == 200
    return len(queries)


def test_a_big_programme_needs_no_more_queries_than_a_small_one(client, db):
    small = programme_of_size("Liten", courses=1, requirements=1)
    big = programme_of_size("Stor", courses=50, requirements=20)
    assert len(coverage_items(programme_page(client, big))) == 20
    assert len(table_rows(courses_table(programme_page(client, big)))) == 50
    assert detail_queries(client, small) == detail_queries(client, big) == DETAIL_QUERIES


@pytest.mark.parametrize("who", ["anonymous", "student", "rep", "teacher"])
def test_an_unpublished_programme_is_not_found_by_visitors(client, request, who):
    draft = ProgrammeFactory(name="Utkast", published=False)
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert client.get(url("programs:detail", draft.slug)).status_code == 404


def test_an_unpublished_programme_is_shown_to_project_leads(client, lead):
    draft = ProgrammeFactory(name="Utkast", published=False)
    client.force_login(lead)
    assert client.get(url("programs:detail", draft.slug)).status_code == 200


def test_an_unknown_programme_is_not_found(client, db):
    assert client.get(url("programs:detail", "finns-inte")).status_code == 404
