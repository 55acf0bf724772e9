"""The coverage matrix (accepted requirements × a programme's courses) for project leads, its CSV
download, and the report's "Coverage per programme": all equal to a computation made here, from
the rows, without the portal's own code."""

import csv
import io

import pytest
from django.utils import translation
from django.utils.translation import gettext

from programs.models import CompetenceRequirement, Coverage, Programme, ProgrammeCourse
from tests.factories import (
    CourseFactory,
    ProgrammeFactory,
    RequirementFactory,
    RequirementSetterFactory,
    programme_with_courses,
)
from tests.helpers import page, table_by_caption, table_rows, url

pytestmark = pytest.mark.django_db

Status = CompetenceRequirement.Status


@pytest.fixture
def curricula(db):
    """Three programmes sharing courses; requirements accepted, proposed and rejected, covered
    by courses inside and outside each programme, some by several, some by none."""
    c = {name: CourseFactory(name=name, code=code) for code, name in [
        ("RITRIT0", "Ritteknik"),
        ("DATDAT01", "Datorstyrd produktion 1"),
        ("DATDAT03", "Datorstyrd produktion 3"),
        ("MÄTMÄT0", "Mätteknik 1"),
        ("CADCAD0", "CAD/CAM 1"),
        ("ARBARB0", "Arbetsmiljö och säkerhet"),
    ]}  # fmt: skip
    gy, _ = programme_with_courses(
        [
            c["Arbetsmiljö och säkerhet"],
            c["Ritteknik"],
            c["Datorstyrd produktion 1"],
            c["Mätteknik 1"],
        ],
        name="Industritekniska programmet",
    )
    yh, _ = programme_with_courses(
        [c["Datorstyrd produktion 3"], c["CAD/CAM 1"], c["Mätteknik 1"], c["Ritteknik"]],
        name="CNC-tekniker (YH)",
    )
    empty = ProgrammeFactory(name="Ny utbildning utan krav")
    lk = RequirementSetterFactory(name="Precisionsverkstaden AB")
    scania = RequirementSetterFactory(name="Södertälje Växellådor AB")
    both = [gy, yh]
    RequirementFactory(
        title="Läser ritningar enligt ISO GPS",
        organisation=lk,
        importance=3,
        programmes=both,
        covered_by=[c["Ritteknik"]],
    )
    RequirementFactory(
        title="Kör en femaxlig CNC-fräs",
        organisation=lk,
        importance=3,
        programmes=both,
        covered_by=[c["Datorstyrd produktion 3"]],
    )
    RequirementFactory(
        title="CNC-svarvning med drivna verktyg",
        organisation=scania,
        importance=2,
        programmes=both,
        covered_by=[c["Datorstyrd produktion 1"], c["Datorstyrd produktion 3"]],
    )
    RequirementFactory(
        title="Mäter i CMM",
        organisation=scania,
        importance=2,
        programmes=[gy],
        covered_by=[c["Mätteknik 1"], c["CAD/CAM 1"]],
    )
    RequirementFactory(title="Förstår lean", organisation=lk, importance=1, programmes=both)
    RequirementFactory(
        title="Programmerar i CAM",
        organisation=scania,
        importance=1,
        programmes=[yh],
        covered_by=[c["CAD/CAM 1"]],
    )
    RequirementFactory(
        title="Föreslaget: svetsning",
        organisation=lk,
        status=Status.PROPOSED,
        programmes=both,
        covered_by=[c["Ritteknik"]],
    )
    RequirementFactory(
        title="Avslaget: gjutning",
        organisation=lk,
        status=Status.REJECTED,
        rejection_reason="Utanför området.",
        programmes=both,
        covered_by=[c["Mätteknik 1"]],
    )
    return gy, yh, empty


def expected_matrix(programme):
    """(course labels, [(title, [covered?…])]) computed straight from the tables."""
    plan = list(ProgrammeCourse.objects.filter(programme=programme).order_by("order"))
    requirements = CompetenceRequirement.objects.filter(
        programmes=programme, status=Status.ACCEPTED
    ).order_by("-importance", "title")
    pairs = set(Coverage.objects.values_list("requirement_id", "course_id"))
    return (
        [item.course.code for item in plan],
        [(r.title, [(r.pk, item.course_id) in pairs for item in plan]) for r in requirements],
    )


def matrix_url(programme):
    return url("programs:matrix", programme.slug)


def shown_matrix(response):
    assert response.status_code == 200
    table = page(response).find("table", cls="matrix")
    header = [th.text for th in table.find("thead").find_all("th")][1:-1]
    rows = []
    for tr in table.find("tbody").find_all("tr"):
        name = tr.find("th").children[0].strip()
        cells = tr.find_all("td")
        marks = [td.find("span", aria_hidden="true") is not None for td in cells[:-1]]
        gap_badge = cells[-1].find("span", cls="badge-error") is not None
        assert gap_badge == (not any(marks)), name
        rows.append((name, marks))
    return header, rows


@pytest.mark.parametrize("who", ["student", "rep", "teacher"])
def test_the_matrix_is_for_project_leads_only(client, request, curricula, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(matrix_url(curricula[0])).status_code == 403
    assert client.get(matrix_url(curricula[0]), {"format": "csv"}).status_code == 403


def test_visitors_are_sent_to_sign_in(client, curricula):
    response = client.get(matrix_url(curricula[0]))
    assert response.status_code == 302
    assert response.url.startswith(url("account_login"))


def test_the_matrix_shows_which_course_covers_which_requirement(client, lead, curricula):
    client.force_login(lead)
    for programme in curricula[:2]:
        assert shown_matrix(client.get(matrix_url(programme))) == expected_matrix(programme)


def test_the_matrix_of_the_example_programme_reads_as_expected(client, lead, curricula):
    """The independent computation itself, spelled out once for the upper-secondary programme."""
    client.force_login(lead)
    header, rows = shown_matrix(client.get(matrix_url(curricula[0])))
    assert header == ["ARBARB0", "RITRIT0", "DATDAT01", "MÄTMÄT0"]
    assert rows == [
        ("Kör en femaxlig CNC-fräs", [False, False, False, False]),  # its course is YH's
        ("Läser ritningar enligt ISO GPS", [False, True, False, False]),
        ("CNC-svarvning med drivna verktyg", [False, False, True, False]),
        ("Mäter i CMM", [False, False, False, True]),
        ("Förstår lean", [False, False, False, False]),
    ]


def test_a_programme_without_requirements_says_so(client, lead, curricula):
    client.force_login(lead)
    response = client.get(matrix_url(curricula[2]))
    assert response.status_code == 200
    assert page(response).find("table", cls="matrix") is None


def test_the_csv_download_has_the_same_cells(client, lead, curricula):
    client.force_login(lead)
    for programme in curricula[:2]:
        response = client.get(matrix_url(programme), {"format": "csv"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        assert response.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        header, body = rows[0], rows[1:]
        codes, expected = expected_matrix(programme)
        assert [label.split(" ")[0] for label in header[3:-1]] == codes
        assert [(row[0], [cell == "x" for cell in row[3:-1]]) for row in body] == expected
        for row in body:
            assert set(row[3:-1]) <= {"x", ""}
            assert row[-1] == (gettext_sv("yes") if "x" in row[3:-1] else gettext_sv("no – gap"))
        organisations = {r.title: r.organisation.name for r in CompetenceRequirement.objects.all()}
        assert all(row[1] == organisations[row[0]] for row in body)


def gettext_sv(text):
    with translation.override("sv"):
        return gettext(text)


def expected_coverage_per_programme():
    """[programme, accepted, covered, gaps] per programme, by name, computed row by row."""
    rows = []
    for programme in sorted(Programme.objects.all(), key=lambda p: p.name):
        plan = set(
            ProgrammeCourse.objects.filter(programme=programme).values_list("course_id", flat=True)
        )
        accepted = list(
            CompetenceRequirement.objects.filter(programmes=programme, status=Status.ACCEPTED)
        )
        covered = [
            r
            for r in accepted
            if plan
            & set(Coverage.objects.filter(requirement=r).values_list("course_id", flat=True))
        ]
        rows.append(
            [
                programme.name,
                str(len(accepted)),
                str(len(covered)),
                str(len(accepted) - len(covered)),
            ]
        )
    return rows


def test_the_report_counts_coverage_per_programme_like_the_matrix(client, lead, curricula):
    client.force_login(lead)
    response = client.get(url("report"))
    assert response.status_code == 200
    table = table_by_caption(page(response), gettext_sv("Coverage per programme"))
    expected = expected_coverage_per_programme()
    assert table_rows(table) == expected
    assert expected == [
        ["CNC-tekniker (YH)", "5", "4", "1"],
        ["Industritekniska programmet", "5", "3", "2"],
        ["Ny utbildning utan krav", "0", "0", "0"],
    ]
    # The same gaps as the matrices show.
    for programme in curricula[:2]:
        _, rows = expected_matrix(programme)
        gaps = sum(1 for _, cells in rows if not any(cells))
        assert [row[3] for row in table_rows(table) if row[0] == programme.name] == [str(gaps)]
