"""schema.org JSON-LD on every public page type, in both languages: each script parses, names
schema.org as its context, has the properties its type requires, and uses no property that
schema.org does not define for that type (a small allow-list per type, from schema.org's own
type pages). A title holding "</script>" stays inside its script."""

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone, translation

from programs.models import CompetenceArea, Intake
from tests.factories import (
    CourseFactory,
    IntakeFactory,
    OfferFactory,
    ProgrammeCourseFactory,
)
from tests.helpers import url

pytestmark = pytest.mark.django_db

THING = {"@context", "@type", "name", "description", "url", "sameAs", "identifier"}
# schema.org's properties of each type we write (the type's own and those it inherits).
ALLOWED = {
    "Organization": THING | {"address", "logo", "areaServed"},
    "EducationalOccupationalProgram": THING
    | {
        "provider",
        "programType",
        "educationalProgramMode",
        "educationalCredentialAwarded",
        "programPrerequisites",
        "timeToComplete",
        "numberOfCredits",
        "occupationalCategory",
        "hasCourse",
        "offers",
        "startDate",
        "applicationDeadline",
        "maximumEnrollment",
    },
    "Course": THING | {"courseCode", "numberOfCredits", "inLanguage", "provider"},
    "Offer": THING
    | {
        "availabilityEnds",
        "validThrough",
        "price",
        "priceCurrency",
        "inventoryLevel",
        "availableAtOrFrom",
    },
    "JobPosting": THING
    | {
        "title",
        "datePosted",
        "validThrough",
        "employmentType",
        "jobStartDate",
        "totalJobOpenings",
        "qualifications",
        "hiringOrganization",
        "jobLocation",
        "directApply",
    },
    "Event": THING
    | {
        "startDate",
        "endDate",
        "eventStatus",
        "eventAttendanceMode",
        "location",
        "organizer",
        "isAccessibleForFree",
        "maximumAttendeeCapacity",
        "remainingAttendeeCapacity",
    },
    "Place": THING | {"address"},
    "PostalAddress": THING
    | {"streetAddress", "addressLocality", "addressRegion", "addressCountry"},
    "PropertyValue": THING | {"propertyID", "value"},
    "CategoryCode": THING | {"codeValue", "inCodeSet"},
    "CategoryCodeSet": THING,
    "QuantitativeValue": THING | {"value"},
    "AdministrativeArea": THING,
}
REQUIRED = {
    "Organization": {"name", "url", "address"},
    "EducationalOccupationalProgram": {
        "name",
        "url",
        "provider",
        "offers",
        "occupationalCategory",
        "educationalCredentialAwarded",
        "timeToComplete",
        "programPrerequisites",
        "hasCourse",
    },
    "Course": {"name", "courseCode", "provider"},
    "Offer": {"availabilityEnds", "validThrough", "availableAtOrFrom"},
    "JobPosting": {
        "title",
        "description",
        "datePosted",
        "validThrough",
        "employmentType",
        "hiringOrganization",
        "jobLocation",
    },
    "Event": {"name", "startDate", "endDate", "location", "organizer"},
    "Place": {"address"},
    "PostalAddress": {"addressRegion", "addressCountry"},
}
SCRIPT = re.compile(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', re.S)


def json_ld(client, address):
    response = client.get(address)
    assert response.status_code == 200, address
    return [json.loads(raw) for raw in SCRIPT.findall(response.content.decode())]


def check(node, path="$"):
    """Every typed node: allowed properties only, required ones present; returns the types."""
    found = []
    if isinstance(node, list):
        for i, item in enumerate(node):
            found += check(item, f"{path}[{i}]")
    elif isinstance(node, dict):
        kind = node.get("@type")
        if kind is not None:
            assert kind in ALLOWED, f"{path}: {kind} is not a type we allow"
            extra = set(node) - ALLOWED[kind]
            assert not extra, f"{path}: {kind} has no property {sorted(extra)} in schema.org"
            missing = REQUIRED.get(kind, set()) - set(node)
            assert not missing, f"{path}: {kind} lacks {sorted(missing)}"
            found.append(kind)
        for key, value in node.items():
            found += check(value, f"{path}.{key}")
    return found


@pytest.fixture
def pages(world, company):
    company.website = "https://lkprecision.example"
    company.save()
    programme = world["programme"]
    area = CompetenceArea.objects.create(
        name_sv="CNC-svarvning",
        name_en="CNC turning",
        ssyk_code="7223",
        occupation="Maskinställare och maskinoperatörer, metallarbete",
    )
    course = CourseFactory(
        code="DARDAT01S", curriculum="gy11", name="Datorstyrd produktion 1", points=100
    )
    course.areas.set([area])
    ProgrammeCourseFactory(programme=programme, course=course, order=1)
    today = timezone.localdate()
    IntakeFactory(
        programme=programme, start_date=today + timedelta(days=200), status=Intake.Status.OPEN
    )
    IntakeFactory(
        programme=programme,
        start_date=today + timedelta(days=565),
        application_deadline=today + timedelta(days=400),
        status=Intake.Status.OPEN,
        seats=24,
    )
    IntakeFactory(
        programme=programme, start_date=today + timedelta(days=900), status=Intake.Status.PLANNED
    )
    return {
        "home": url("home"),
        "about": url("about"),
        "catalogue": url("programs:list"),
        "programme": url("programs:detail", programme.slug),
        "offer list": url("placements:offer_list"),
        "internship": url("placements:offer_detail", world["open_offer"].pk),
        "study visit": url("placements:offer_detail", world["visit"].pk),
        "partner list": url("partners:list"),
        "partner": url("partners:detail", company.slug),
    }


EXPECTED = {
    "home": "Organization",
    "about": "Organization",
    "programme": "EducationalOccupationalProgram",
    "internship": "JobPosting",
    "study visit": "Event",
    "partner": "Organization",
}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_public_page_has_valid_structured_data(client, pages, lang):
    for page, address in pages.items():
        documents = json_ld(client, _english(address) if lang == "en" else address)
        for document in documents:
            assert document["@context"] == "https://schema.org", page
            check(document, page)
        if page in EXPECTED:
            assert EXPECTED[page] in [d["@type"] for d in documents], page


def _english(swedish_path):
    with translation.override("sv"):
        match = resolve(swedish_path)
    with translation.override("en"):
        return reverse(match.view_name, args=match.args, kwargs=match.kwargs)


def test_programme_lists_every_open_intake_its_occupation_and_provider(client, pages, world):
    (data,) = json_ld(client, pages["programme"])
    assert data["@type"] == "EducationalOccupationalProgram"
    assert "inLanguage" not in data and "location" not in data
    assert [offer["validThrough"] for offer in data["offers"]] == [
        i.application_deadline.isoformat()
        for i in world["programme"].intakes.filter(status="open").order_by("start_date")
    ]
    assert len(data["offers"]) == 2
    assert data["offers"][1]["inventoryLevel"]["value"] == 24
    assert data["offers"][0]["availableAtOrFrom"]["address"]["addressLocality"] == "Södertälje"
    assert data["occupationalCategory"] == [
        {
            "@type": "CategoryCode",
            "codeValue": "7223",
            "inCodeSet": {"@type": "CategoryCodeSet", "name": "SSYK 2012"},
            "name": "Maskinställare och maskinoperatörer, metallarbete",
        }
    ]
    provider = data["provider"]
    assert provider["@type"] == "Organization"
    assert provider["name"] == world["programme"].provider.name
    assert provider["url"] == "http://testserver" + url(
        "partners:detail", world["programme"].provider.slug
    )
    assert provider["address"]["addressRegion"] == "Stockholms län"
    courses = {c["courseCode"]: c for c in data["hasCourse"]}
    assert courses["DARDAT01S"]["name"] == "Datorstyrd produktion 1"
    assert courses["DARDAT01S"]["provider"]["url"] == provider["url"]


def test_internship_is_a_job_posting_for_interns_without_the_contact_person(client, pages, world):
    (data,) = json_ld(client, pages["internship"])
    offer = world["open_offer"]
    assert data["employmentType"] == "INTERN"
    assert data["title"] == offer.title
    assert data["validThrough"] == offer.application_deadline.isoformat()
    assert data["hiringOrganization"]["name"] == "LK Precision AB"
    assert data["hiringOrganization"]["sameAs"] == "https://lkprecision.example"
    assert data["jobLocation"]["address"]["streetAddress"] == offer.address
    assert data["jobLocation"]["identifier"]["value"] == "0181"  # SCB: Södertälje
    text = json.dumps(data, ensure_ascii=False)
    assert offer.contact_email not in text and offer.contact_name not in text


def test_study_visit_has_one_event_per_bookable_time(client, pages, world):
    documents = json_ld(client, pages["study visit"])
    assert [d["startDate"][:16] for d in documents] == [
        timezone.localtime(s.starts_at).isoformat()[:16]
        for s in world["visit"].slots.order_by("starts_at")
    ]
    assert documents[0]["remainingAttendeeCapacity"] == 19


def test_unpublished_offers_carry_no_structured_data(client, world, rep):
    client.force_login(rep)
    assert json_ld(client, url("placements:offer_detail", world["draft"].pk)) == []


def test_a_title_holding_a_script_end_tag_stays_inside_its_script(client, company):
    title = 'Svarvning </script><script>alert("x")</script> & fräsning'
    offer = OfferFactory(organisation=company, title=title, description="</SCRIPT> <!-- x")
    response = client.get(url("placements:offer_detail", offer.pk))
    html = response.content.decode()
    assert '<script>alert("x")</script>' not in html
    (data,) = json_ld(client, url("placements:offer_detail", offer.pk))
    assert data["title"] == title
    assert data["description"] == "</SCRIPT> <!-- x"


def test_programme_page_runs_as_many_queries_with_many_courses_and_intakes(
    client, world, django_assert_max_num_queries
):
    programme = world["programme"]
    address = url("programs:detail", programme.slug)

    def grow(n, start):
        today = timezone.localdate()
        for i in range(n):
            course = CourseFactory()
            course.areas.set(
                [
                    CompetenceArea.objects.create(
                        name_sv=f"Område {start + i}", name_en="x", ssyk_code="7223"
                    )
                ]
            )
            ProgrammeCourseFactory(programme=programme, course=course, order=start + i)
            IntakeFactory(
                programme=programme,
                start_date=today + timedelta(days=100 + start + i),
                status=Intake.Status.OPEN,
            )

    grow(1, 0)
    client.get(address)
    with CaptureQueriesContext(connection) as few:
        client.get(address)
    grow(15, 10)
    with django_assert_max_num_queries(len(few)):
        client.get(address)
