"""The API never answers a field that holds personal data: every field of every answer, at
every depth, is on an allow-list of fields reviewed as public, and nothing a person wrote or is
called (contact persons, applicants, bookers, their e-mail and phone) appears anywhere."""

import pytest

from tests.api.conftest import SECRET, build_catalogue

pytestmark = pytest.mark.django_db

# Every field the API may answer, reviewed: names of organisations, programmes, courses and
# areas; codes; dates; counts; public addresses. None holds a person's data.
ALLOWED = {
    # paging
    "count", "page", "pages", "page_size", "next", "previous", "results",
    # labels and references
    "code", "label", "slug", "name", "url", "id",
    # programmes
    "level", "provider", "municipality", "description", "study_pace", "length_weeks",
    "language", "intakes", "start_date", "application_deadline", "seats", "status",
    "open_for_applications", "courses", "points", "term", "order", "total_points",
    "requirements", "title", "importance", "requirement_setter", "covered", "covered_by", "gaps",
    # courses
    "subject_area", "areas", "programmes",
    # offers: the organisation and its website are the offer's public contact
    "kind", "prerequisites", "address", "organisation", "organisation_website",
    "period_start", "period_end", "places", "free_places", "times", "starts_at", "ends_at",
    "capacity", "published_at",
    # partners: a legal person's organisation number only (never a sole trader's)
    "organisation_number", "website", "logo", "roles",
    # competence areas and the demand/supply aggregate
    "name_sv", "name_en", "ssyk_code", "occupation",
    # reference codes: SCB, Skolverket, JobTech Taxonomy
    "municipality_code", "school_unit_code", "curriculum", "subject_code", "subject_name",
    "syllabus_version", "syllabus_url", "concept", "concept_id", "type", "occupations",
    "round", "year", "min_companies", "municipalities", "area", "need_1", "need_3", "need_5",
    "hidden_because",
}  # fmt: skip

# Fields that would hold a person's data, never to be added to the list above.
PERSONAL = {
    "contact_name", "contact_email", "contact_phone", "email", "phone", "full_name",
    "student", "applicant", "applications", "booked_by", "bookings", "created_by",
    "proposed_by", "decided_by", "user", "members", "memberships", "motivation", "cv",
}  # fmt: skip

ADDRESSES = [
    "/api/v1/programmes",
    "/api/v1/courses",
    "/api/v1/offers",
    "/api/v1/partners",
    "/api/v1/competence-areas",
    "/api/v1/demand-supply",
]


def fields(value, path=""):
    """Every (path, field name) in an answer, recursively."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield f"{path}.{key}", key
            yield from fields(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for inner in value:
            yield from fields(inner, f"{path}[]")


def answers(client, made):
    details = [
        f"/api/v1/programmes/{made['programmes'][0].slug}",
        f"/api/v1/offers/{made['offers'][0].pk}",
        f"/api/v1/offers/{made['visits'][0].pk}",
        f"/api/v1/partners/{made['companies'][0].slug}",
    ]
    for address in ADDRESSES + details:
        for language in ("sv", "en"):
            response = client.get(address, {"lang": language})
            assert response.status_code == 200, address
            yield address, response


def test_every_field_of_every_answer_is_on_the_allow_list(client):
    made = build_catalogue(2)
    seen = set()
    for address, response in answers(client, made):
        for path, name in fields(response.json()):
            assert name in ALLOWED, f"{address}: {path} is not on the allow-list"
            seen.add(name)
    assert not ALLOWED & PERSONAL
    # The list is no larger than what the API answers: a field removed from the API is
    # removed here too.
    assert ALLOWED - seen == set()


def test_no_person_or_hidden_thing_appears_in_any_answer(client):
    made = build_catalogue(2)
    for address, response in answers(client, made):
        text = response.content.decode()
        for word in (SECRET, "hemlig", "070-1234567", "Karin", "@example.org"):
            assert word.lower() not in text.lower(), f"{address} holds {word}"


def test_a_sole_traders_number_is_never_published():
    from college_portal.api.endpoints import public_organisation_number

    assert public_organisation_number("556677-8899") == "556677-8899"  # an aktiebolag
    assert public_organisation_number("212000-0142") == "212000-0142"  # a municipality
    assert public_organisation_number("850101-1234") is None  # a person's identity number
    assert public_organisation_number("") is None


def test_the_api_sets_no_cookie_and_reads_no_session(client, django_user_model):
    made = build_catalogue(1)
    response = client.get("/api/v1/offers")
    assert not response.cookies
    # Signed in or not, the same public answer: the API does not look at who asks.
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=False))
    signed_in = client.get("/api/v1/offers")
    assert signed_in.json() == response.json()
    assert len(signed_in.json()["results"]) == 2
    assert made
