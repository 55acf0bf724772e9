"""Reference codes (issue 13, part 1): Skolverket's course codes from a shipped snapshot in the
Syllabus API's shape (Gy11 courses and Gy25 subject levels side by side), JobTech Taxonomy
concepts with SSYK 2012 codes, SCB's municipality codes, the skolenhetskod, the demo's
municipal organisation numbers, and the occupation on programme pages."""

import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from stdnum import luhn
from stdnum.se import orgnr

from partners.models import Organisation, OrganisationKind
from partners.municipalities import (
    COUNTY_CODE,
    MUNICIPALITIES,
    MUNICIPALITY_CODES,
    municipality_code,
    municipality_name,
)
from programs.models import CompetenceArea, Course, Curriculum, TaxonomyConcept
from programs.reference import COURSES_SNAPSHOT, TAXONOMY_SNAPSHOT
from programs.selectors import programme_occupations
from tests.factories import (
    CompetenceAreaFactory,
    CourseFactory,
    RequirementFactory,
    SchoolFactory,
    programme_with_courses,
)
from tests.helpers import ORGANISATION_INLINES, database_state, inline_management_data, page, url

pytestmark = pytest.mark.django_db

SHIPPED_CODES = {
    ("DARDAT01S", "gy11"),
    ("PRUPRD01S", "gy11"),
    ("PRDPRO01", "gy11"),
    ("PROO100TX", "gy25"),
}


def run(command, *args):
    with open("/dev/null", "w") as out, translation.override("en"):
        call_command(command, *args, stdout=out)


def course_rows():
    return sorted(
        Course.objects.values_list(
            "code", "curriculum", "name", "points", "subject_code", "subject_name",
            "syllabus_version", "syllabus_url", "subject_area", "description",
        )
    )  # fmt: skip


# --- Skolverket's courses ----------------------------------------------------------------------


def test_the_course_snapshot_imports_gy11_courses_and_gy25_levels_side_by_side():
    run("import_courses")

    assert set(Course.objects.values_list("code", "curriculum")) == SHIPPED_CODES
    dar = Course.objects.get(code="DARDAT01S")
    assert (dar.name, dar.points, dar.subject_code, dar.subject_name) == (
        "Datorstyrd produktion 1", 100, "DAR", "Datorstyrd produktion",
    )  # fmt: skip
    assert dar.syllabus_url.startswith("https://syllabuswebb.skolverket.se/")
    assert Course.objects.get(code="PRUPRD01S").syllabus_version == 5
    assert Course.objects.get(code="PROO100TX").curriculum == Curriculum.GY25
    assert dar.skolverket_label == "DARDAT01S (Gy11)"


def test_importing_the_snapshot_twice_changes_nothing(capsys):
    run("import_courses")
    first = course_rows()

    with translation.override("en"):
        call_command("import_courses")

    assert course_rows() == first
    assert "0 created, 0 updated, 4 unchanged" in capsys.readouterr().out


def test_a_new_import_corrects_skolverkets_fields_but_keeps_the_portals_own():
    run("import_courses")
    course = Course.objects.get(code="PRDPRO01")
    Course.objects.filter(pk=course.pk).update(
        name="Produktionskunskap", points=50, subject_area="safety", description="Vår egen text."
    )

    run("import_courses")

    course.refresh_from_db()
    assert (course.name, course.points) == ("Produktionskunskap 1", 100)
    assert (course.subject_area, course.description) == ("safety", "Vår egen text.")
    assert Course.objects.filter(code="PRDPRO01").count() == 1


def test_the_same_code_may_exist_once_per_curriculum(tmp_path):
    snapshot = {
        "subjects": [
            {"code": "ABC", "name": "Gy11-ämne", "typeOfSyllabus": "SUBJECT_SYLLABUS",
             "courses": [{"code": "ABCDEF01", "name": "Kurs 1", "points": "100"}]},
            {"code": "ABCD", "name": "Gy25-ämne", "typeOfSyllabus": "GRADE_SUBJECT_SYLLABUS",
             "courses": [{"code": "ABCDEF01", "name": "Nivå 1", "points": 100}]},
        ]
    }  # fmt: skip
    path = tmp_path / "both.json"
    path.write_text(json.dumps(snapshot), encoding="utf-8")

    run("import_courses", str(path))

    assert sorted(Course.objects.values_list("curriculum", "name")) == [
        ("gy11", "Kurs 1"),
        ("gy25", "Nivå 1"),
    ]


def valid_subject(code="DAR", course_code="DARDAT01S"):
    return {
        "code": code,
        "name": "Datorstyrd produktion",
        "typeOfSyllabus": "SUBJECT_SYLLABUS",
        "courses": [{"code": course_code, "name": "Datorstyrd produktion 1", "points": "100"}],
    }


def subjects(*extra_courses, third=None):
    """Two valid subjects and a third with the given courses: an error deep in the file."""
    third = third or {"code": "PRU", "name": "Produktionsutrustning",
                      "typeOfSyllabus": "SUBJECT_SYLLABUS", "courses": list(extra_courses)}  # fmt: skip
    return {"subjects": [valid_subject(), valid_subject("PRD", "PRDPRO01"), third]}


MALFORMED = [
    pytest.param("{ not json", "not valid JSON (line 1, column 3", id="not-json"),
    pytest.param([], "(top level): expected an object.", id="a-list"),
    pytest.param({"subject": []}, "(top level): 'subjects' missing.", id="no-subjects"),
    pytest.param({"subjects": {}}, "(top level): 'subjects' must be a list.", id="subjects-not-list"),
    pytest.param(subjects({"name": "Kurs", "points": "100"}),
                 "subjects[2].courses[0]: 'code' missing.", id="course-code-missing"),
    pytest.param(subjects({"code": "PRU PRD", "name": "Kurs", "points": "100"}),
                 "subjects[2].courses[0]: 'code' is not a valid code: 'PRU PRD'.", id="bad-code"),
    pytest.param(subjects({"code": "PRUPRD01S", "name": "Kurs", "points": "hundra"}),
                 "subjects[2].courses[0]: 'points' must be a whole number", id="points-words"),
    pytest.param(subjects({"code": "PRUPRD01S", "name": "Kurs", "points": 0}),
                 "subjects[2].courses[0]: 'points' must be between 1 and 1000.", id="points-zero"),
    pytest.param(subjects({"code": "PRUPRD01S", "name": "", "points": 100}),
                 "subjects[2].courses[0]: 'name' missing.", id="name-empty"),
    pytest.param(subjects(third=valid_subject()),
                 "subjects[2].courses[0]: the code DARDAT01S appears twice (first at subjects[0].courses[0]).",
                 id="duplicate"),
    pytest.param(subjects(third={**valid_subject("XYZ"), "typeOfSyllabus": "KURSPLAN"}),
                 "subjects[2]: 'typeOfSyllabus' must be one of SUBJECT_SYLLABUS, GRADE_SUBJECT_SYLLABUS",
                 id="unknown-syllabus-type"),
    pytest.param(subjects({"code": "PRUPRD01S", "name": "Kurs", "points": 100,
                           "typeOfSyllabus": "LEVEL_IN_GRADE_SUBJECT_SYLLABUS"}),
                 "subjects[2].courses[0]: 'typeOfSyllabus' 'LEVEL_IN_GRADE_SUBJECT_SYLLABUS' does not belong",
                 id="level-in-gy11-subject"),
    pytest.param(subjects(third={**valid_subject("XYZ"), "courses": []}),
                 "subjects[2]: 'courses' is empty.", id="no-courses"),
    pytest.param(subjects(third={**valid_subject("XYZ"), "version": "5"}),
                 "subjects[2]: 'version' must be a whole number", id="version-text"),
    pytest.param(subjects(third={**valid_subject("XYZ"), "url": "http://example.org"}),
                 "subjects[2]: 'url' must start with https://.", id="insecure-url"),
]  # fmt: skip


@pytest.mark.parametrize(("content", "message"), MALFORMED)
def test_a_malformed_file_is_refused_with_a_clear_message_and_changes_nothing(
    tmp_path, content, message
):
    CourseFactory(code="DARDAT01S", name="Gammalt namn", curriculum="gy11")
    before = database_state()
    path = tmp_path / "snapshot.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")

    with pytest.raises(CommandError) as refused, translation.override("en"):
        call_command("import_courses", str(path))

    assert message in str(refused.value)
    assert str(refused.value).endswith("Nothing was imported.")
    assert database_state() == before


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match=r"nothing-here\.json: no such file"):
        with translation.override("en"):
            call_command("import_courses", str(tmp_path / "nothing-here.json"))
    assert not Course.objects.exists()


def test_the_message_is_in_swedish_for_a_swedish_admin(tmp_path):
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(subjects({"name": "Kurs", "points": "100"})), encoding="utf-8")
    with pytest.raises(CommandError) as refused, translation.override("sv"):
        call_command("import_courses", str(path))
    assert "subjects[2].courses[0]: 'code' saknas." in str(refused.value)


@pytest.mark.parametrize(
    "snapshot", [COURSES_SNAPSHOT, TAXONOMY_SNAPSHOT], ids=["courses", "taxonomy"]
)
def test_the_shipped_snapshots_record_their_source_and_date(snapshot):
    data = json.loads(snapshot.read_text(encoding="utf-8"))
    assert data["source"]["publisher"] and data["source"]["evidence"]
    assert date.fromisoformat(data["retrieved"]) == date.fromisoformat(data["source"]["retrieved"])
    assert any("could not be confirmed" in note for note in data["notes"])


def test_every_shipped_subject_names_its_evidence():
    data = json.loads(COURSES_SNAPSHOT.read_text(encoding="utf-8"))
    assert {s["code"] for s in data["subjects"]} == set(data["source"]["evidence"])


# --- JobTech Taxonomy and SSYK 2012 -------------------------------------------------------------


def test_the_taxonomy_snapshot_imports_ssyk_groups_idempotently():
    run("import_occupations")
    rows = sorted(TaxonomyConcept.objects.values_list("concept_id", "concept_type", "ssyk_code"))
    run("import_occupations")

    assert (
        sorted(TaxonomyConcept.objects.values_list("concept_id", "concept_type", "ssyk_code"))
        == rows
    )
    assert ("vaEp_iBS_c5h", "ssyk-level-4", "7223") in rows
    machinists = TaxonomyConcept.objects.get(ssyk_code="7223")
    assert machinists.label_sv == "Maskinställare och maskinoperatörer, metallarbete"
    with translation.override("en"):
        assert machinists.label == "Metal working machine tool setters and operators"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param({"concepts": []}, "(top level): 'data' missing.", id="no-data"),
        pytest.param({"data": {"concepts": [{"id": "abc_def_ghi", "type": "yrke", "preferred_label": "X"}]}},
                     "data.concepts[0]: 'type' must be one of", id="bad-type"),
        pytest.param({"data": {"concepts": [{"id": "abc_def_ghi", "type": "ssyk-level-4", "preferred_label": "X"}]}},
                     "data.concepts[0]: 'ssyk_code_2012' missing.", id="group-without-code"),
        pytest.param({"data": {"concepts": [{"id": "abc_def_ghi", "type": "skill", "preferred_label": "X",
                                             "ssyk_code_2012": "72231"}]}},
                     "data.concepts[0]: 'ssyk_code_2012' is not a valid code", id="five-digits"),
    ],
)  # fmt: skip
def test_a_malformed_taxonomy_file_is_refused_and_changes_nothing(tmp_path, content, message):
    run("import_occupations")
    before = database_state()
    path = tmp_path / "taxonomy.json"
    path.write_text(json.dumps(content), encoding="utf-8")

    with pytest.raises(CommandError) as refused, translation.override("en"):
        call_command("import_occupations", str(path))

    assert message in str(refused.value)
    assert database_state() == before


# --- SCB's municipality codes ------------------------------------------------------------------


def test_all_26_municipalities_of_stockholm_county_have_their_scb_code():
    assert len(MUNICIPALITIES) == len(MUNICIPALITY_CODES) == 26
    assert set(MUNICIPALITY_CODES) == set(MUNICIPALITIES)
    codes = list(MUNICIPALITY_CODES.values())
    assert len(set(codes)) == 26
    assert all(len(c) == 4 and c.isdigit() and c.startswith(COUNTY_CODE) for c in codes)
    assert COUNTY_CODE == "01"
    known = {"Södertälje": "0181", "Huddinge": "0126", "Stockholm": "0180",
             "Upplands Väsby": "0114", "Nykvarn": "0140", "Nynäshamn": "0192", "Botkyrka": "0127"}  # fmt: skip
    assert {name: municipality_code(name) for name in known} == known


def test_municipality_code_and_name_look_up_each_other():
    for name in MUNICIPALITIES:
        assert municipality_name(municipality_code(name)) == name
    assert municipality_code("") == municipality_code("Uppsala") == ""
    assert municipality_name("0380") == ""


# --- Schools: skolenhetskod and municipal organisation numbers --------------------------------


def school_form(code, kind=OrganisationKind.SCHOOL):
    return {
        "name": "Nya tekniska gymnasiet",
        "slug": "nya-tekniska-gymnasiet",
        "organisation_number": "212000-3005",
        "kind": kind,
        "municipality": "Botkyrka",
        "school_unit_code": code,
        "active": "on",
        **inline_management_data(*ORGANISATION_INLINES),
    }


def test_a_lead_records_a_schools_skolenhetskod_in_admin(lead_client):
    response = lead_client.post(reverse("admin:partners_organisation_add"), school_form("12345678"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    school = Organisation.objects.get(slug="nya-tekniska-gymnasiet")
    assert school.school_unit_code == "12345678"
    found = lead_client.get(reverse("admin:partners_organisation_changelist"), {"q": "12345678"})
    assert "Nya tekniska gymnasiet" in found.content.decode()


EIGHT_DIGITS = "A school unit code (skolenhetskod) has exactly 8 digits, like 12345678."
# Nine characters cannot be typed into the field (maxlength 8); posted anyway, Django says so.
TOO_LONG = "Ensure this value has at most 8 characters (it has 9)."


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1234567", EIGHT_DIGITS),
        ("1234567a", EIGHT_DIGITS),
        ("１２３４５６７８", EIGHT_DIGITS),  # full-width digits are not ASCII digits
        ("123456789", TOO_LONG),
    ],
)
def test_a_skolenhetskod_that_is_not_8_digits_is_refused_with_a_clear_message(
    lead_client, typed, message
):
    with translation.override("en"):
        address = reverse("admin:partners_organisation_add")

    response = lead_client.post(address, school_form(typed))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["school_unit_code"] == [message]
    assert message in response.content.decode()
    assert not Organisation.objects.filter(slug="nya-tekniska-gymnasiet").exists()


def test_only_a_school_has_a_skolenhetskod(lead_client):
    with translation.override("en"):
        address = reverse("admin:partners_organisation_add")

    response = lead_client.post(address, school_form("12345678", kind=OrganisationKind.COMPANY))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["school_unit_code"] == [
        "Only a school has a school unit code."
    ]


def test_two_schools_cannot_share_a_skolenhetskod_but_many_have_none(lead_client):
    SchoolFactory(school_unit_code="12345678")
    SchoolFactory(school_unit_code="")
    SchoolFactory(school_unit_code="")

    with translation.override("en"):
        address = reverse("admin:partners_organisation_add")

    response = lead_client.post(address, school_form("12345678"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["school_unit_code"] == [
        "Another school already has this school unit code."
    ]


def test_the_partner_page_shows_the_skolenhetskod_and_the_municipality_code(client):
    school = SchoolFactory(name="Kodskolan", school_unit_code="87654321", municipality="Huddinge")
    document = page(client.get(url("partners:detail", school.slug)))
    facts = document.find("dl", cls="facts").text
    assert "87654321" in facts
    assert "0126" in facts


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    run("load_demo")


def test_the_demos_municipal_schools_have_luhn_valid_municipal_numbers(demo):
    schools = Organisation.objects.filter(kind=OrganisationKind.SCHOOL)
    assert schools.count() >= 2
    for school in schools:
        digits = school.organisation_number.replace("-", "")
        assert school.organisation_number.startswith("212000-"), school
        assert luhn.is_valid(digits) and orgnr.is_valid(digits)
    municipalities = Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY)
    assert all(m.organisation_number.startswith("212000-") for m in municipalities)


def test_the_demo_uses_only_confirmed_skolverket_codes(demo):
    coded = set(Course.objects.exclude(code="").values_list("code", "curriculum"))
    assert coded == SHIPPED_CODES
    assert not Course.objects.filter(
        code__in=["PRDPRD0", "SKÄSKÄ0", "DATDAT01", "MÄTMÄT0"]
    ).exists()
    assert set(CompetenceArea.objects.exclude(ssyk_code="").values_list("ssyk_code", flat=True)) == {
        "7223", "7233", "7212",
    }  # fmt: skip


def test_reloading_the_demo_renumbers_schools_loaded_with_company_numbers(settings):
    settings.DEBUG = True
    SchoolFactory(name="Täljegymnasiet", slug="taljegymnasiet", organisation_number="556923-4569")

    run("load_demo")

    assert Organisation.objects.get(slug="taljegymnasiet").organisation_number == "212000-1009"


# --- The occupation on programme pages ----------------------------------------------------------


@pytest.fixture
def cnc_programme(db):
    run("import_occupations")
    machinists = TaxonomyConcept.objects.get(ssyk_code="7223")
    area = CompetenceAreaFactory(name_sv="CNC-fräsning", name_en="CNC milling", concept=machinists)
    area.full_clean()  # takes the concept's SSYK code and name
    area.save()
    course = CourseFactory(name="Datorstyrd produktion 1")
    course.areas.add(area)
    programme, _ = programme_with_courses([course], name="CNC-operatör", municipality="Södertälje")
    return programme


def facts_of(client, programme, lang):
    document = page(client.get(url("programs:detail", programme.slug, lang=lang)))
    return document.find("dl", cls="facts").text


def test_the_programme_page_shows_the_occupation_in_swedish(client, cnc_programme):
    facts = facts_of(client, cnc_programme, "sv")
    assert "Yrke" in facts
    assert "Maskinställare och maskinoperatörer, metallarbete (SSYK 7223)" in facts
    assert "kommunkod 0181" in facts


def test_the_programme_page_shows_the_occupation_in_english(client, cnc_programme):
    facts = facts_of(client, cnc_programme, "en")
    assert "Occupation" in facts
    assert "Metal working machine tool setters and operators (SSYK 7223)" in facts
    assert "municipality code 0181" in facts


def test_a_requirements_own_ssyk_code_adds_an_occupation(client, cnc_programme):
    RequirementFactory(title="Svetsar rostfritt", ssyk_code="7212", programmes=[cnc_programme])
    RequirementFactory(
        title="Förslag", ssyk_code="7233", programmes=[cnc_programme], status="proposed"
    )

    occupations = programme_occupations([cnc_programme])[cnc_programme.pk]

    assert [o.ssyk_code for o in occupations] == ["7212", "7223"]  # not the proposed one's
    assert occupations[0].concept_id == "wQ1E_Bzk_ZyA"
    assert "Svetsare och gasskärare (SSYK 7212)" in facts_of(client, cnc_programme, "sv")


def test_a_programme_without_occupations_shows_no_empty_heading(client, db):
    programme, _ = programme_with_courses(["Ritteknik"], name="Utan yrke")
    assert "Yrke" not in facts_of(client, programme, "sv")


def test_the_courses_table_shows_each_codes_curriculum(client, cnc_programme):
    run("import_courses")
    gy25 = Course.objects.get(code="PROO100TX")
    programme, _ = programme_with_courses([gy25, CourseFactory(code="", name="Egen kurs")])
    document = page(client.get(url("programs:detail", programme.slug, lang="en")))
    text = document.find("table").text
    assert "PROO100TX Gy25 subject level" in text
    assert "local course" in text


def test_occupations_take_the_same_queries_for_one_programme_as_for_many(cnc_programme):
    def queries(programmes):
        with CaptureQueriesContext(connection) as captured:
            programme_occupations(programmes)
        return len(captured)

    many = [cnc_programme]
    for n in range(6):
        area = CompetenceAreaFactory(ssyk_code=f"72{n}1")
        course = CourseFactory()
        course.areas.add(area)
        programme, _ = programme_with_courses([course, CourseFactory()])
        RequirementFactory(ssyk_code="7233", programmes=[programme])
        many.append(programme)

    assert queries([cnc_programme]) == queries(many) == 3
    assert len(programme_occupations(many)[many[-1].pk]) == 2


# --- Admin ------------------------------------------------------------------------------------


def test_the_new_fields_are_editable_in_admin(lead_client):
    run("import_courses")
    run("import_occupations")
    course = Course.objects.get(code="DARDAT01S")
    form = page(lead_client.get(reverse("admin:programs_course_change", args=[course.pk])))
    for field in [
        "code",
        "curriculum",
        "subject_code",
        "subject_name",
        "syllabus_version",
        "syllabus_url",
    ]:
        assert form.find(name=field) is not None, field
    concepts = lead_client.get(reverse("admin:programs_taxonomyconcept_changelist"), {"q": "7223"})
    assert "vaEp_iBS_c5h" in concepts.content.decode()
    requirement_form = page(lead_client.get(reverse("admin:programs_competencerequirement_add")))
    assert requirement_form.find(name="ssyk_code") is not None
    assert requirement_form.find(name="concept") is not None


def test_an_area_tagged_with_a_concept_in_admin_takes_its_ssyk_code(lead_client):
    run("import_occupations")
    concept = TaxonomyConcept.objects.get(ssyk_code="7233")

    response = lead_client.post(
        reverse("admin:programs_competencearea_add"),
        {"name_sv": "Underhåll", "name_en": "Maintenance", "concept": concept.pk, "order": "5",
         "active": "on", "_save": "1"},
    )  # fmt: skip

    assert response.status_code == 302
    area = CompetenceArea.objects.get(name_sv="Underhåll")
    assert (area.ssyk_code, area.occupation) == (
        "7233",
        "Underhållsmekaniker och maskinreparatörer",
    )
