"""The programs admin as project leads use it: changelists of programmes, courses and
requirements answer within a fixed number of queries, with 50 rows as with one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import CompetenceRequirement
from tests.factories import (
    CourseFactory,
    IntakeFactory,
    RequirementFactory,
    RequirementSetterFactory,
    SchoolFactory,
    programme_with_courses,
)
from tests.helpers import page, url

pytestmark = pytest.mark.django_db


def build(start, stop):
    """Programmes with courses, intakes and requirements (covered and not) from setters."""
    schools = [SchoolFactory() for _ in range(2)]
    setters = [RequirementSetterFactory() for _ in range(2)]
    for i in range(start, stop):
        programme, courses = programme_with_courses(
            [CourseFactory(name=f"Kurs {i}"), CourseFactory(name=f"Kurs {i}b")],
            name=f"Program {i:02d}",
            provider=schools[i % 2],
        )
        IntakeFactory(programme=programme)
        RequirementFactory(
            title=f"Krav {i:02d}",
            organisation=setters[i % 2],
            status=list(CompetenceRequirement.Status)[i % 3],
            rejection_reason="Skäl." if i % 3 == 2 else "",
            programmes=[programme],
            covered_by=courses[: i % 3],
        )


# Measured on SQLite and PostgreSQL alike, the same with 1 row as with 50: session, user, the
# changelist's two counts (filtered and total), the page of rows, and one query per filter that
# lists choices from the database.
CHANGELIST_BUDGETS = {
    "programme": 6,  # + the "provider" filter's schools
    "course": 5,
    "competencerequirement": 7,  # + the "organisation" and "programmes" filters' choices
}


def changelist(client, model):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(f"admin:programs_{model}_changelist"))
    assert response.status_code == 200
    return response, len(queries)


@pytest.mark.parametrize("model", sorted(CHANGELIST_BUDGETS))
def test_changelists_stay_within_their_query_budget(client, lead, model):
    client.force_login(lead)
    build(0, 1)
    _, few = changelist(client, model)
    build(1, 50)
    response, many = changelist(client, model)
    rows = page(response).find("table", id="result_list").find("tbody").find_all("tr")
    assert len(rows) >= 50
    assert many == few == CHANGELIST_BUDGETS[model]


def test_the_changelists_show_counts_that_are_right(client, lead):
    client.force_login(lead)
    build(0, 3)
    response, _ = changelist(client, "programme")
    body = page(response).find("table", id="result_list")
    assert all(
        "2" in row.find("td", cls="field-course_count").text
        for row in body.find("tbody").find_all("tr")
    )
    response, _ = changelist(client, "competencerequirement")
    body = page(response).find("table", id="result_list").find("tbody")
    counts = {
        row.find("th", cls="field-title").text: row.find("td", cls="field-covering_courses").text
        for row in body.find_all("tr")
    }
    assert counts == {"Krav 00": "0", "Krav 01": "1", "Krav 02": "2"}
