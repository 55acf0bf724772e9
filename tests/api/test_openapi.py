"""The OpenAPI document is valid OpenAPI, documents only reading, states the licence, and every
operation it documents answers with data its own schema accepts (list, detail, in both
languages, with filters)."""

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from tests.api.conftest import build_catalogue

pytestmark = pytest.mark.django_db

OPENAPI = "/api/v1/openapi.json"


@pytest.fixture
def document(client):
    response = client.get(OPENAPI)
    assert response.status_code == 200
    return response.json()


def schema_of(document, path):
    """The schema of a GET's 200 answer, with the document's components for its references."""
    content = document["paths"][path]["get"]["responses"]["200"]["content"]
    return {**content["application/json"]["schema"], "components": document["components"]}


def test_the_document_is_valid_openapi_3(document):
    validate(document)
    assert document["openapi"].startswith("3.")


def test_the_document_states_the_licence(document):
    licence = document["info"]["license"]
    assert licence["url"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert "CC0" in licence["name"]
    assert "CC0" in document["info"]["description"]


def test_only_reading_is_documented(document):
    methods = {method for operations in document["paths"].values() for method in operations}
    assert methods == {"get"}
    assert all(path.startswith("/api/v1/") for path in document["paths"])


def test_every_documented_operation_answers_as_documented(client, document):
    made = build_catalogue(2)
    arguments = {
        "{slug}": made["programmes"][0].slug,
        "{offer_id}": str(made["offers"][0].pk),
    }
    partner_detail = "/api/v1/partners/{slug}"
    answered = set()
    for path in document["paths"]:
        address = path
        for name, value in arguments.items():
            address = address.replace(name, value)
        if path == partner_detail:
            address = path.replace("{slug}", made["companies"][0].slug)
        validator = OAS31Validator(schema_of(document, path))
        for language in ("sv", "en"):
            response = client.get(address, {"lang": language})
            assert response.status_code == 200, (address, response.content[:300])
            body = response.json()
            validator.validate(body)
            if "results" in body:
                assert body["results"], f"{address} answered no data to check"
        answered.add(path)
    assert answered == set(document["paths"])
    assert len(answered) >= 9


@pytest.mark.parametrize(
    ("address", "query"),
    [
        ("/api/v1/programmes", {"level": "gymnasieskola", "municipality": "Södertälje", "open_now": "true", "q": "Industriteknik"}),
        ("/api/v1/offers", {"kind": "study_visit", "municipality": "Södertälje", "q": "Studiebesök"}),
        ("/api/v1/partners", {"kind": "company", "role": "internship_host", "q": "Svarv"}),
        ("/api/v1/courses", {"q": "Svarvning", "subject_area": "cnc"}),
    ],
)
def test_filtered_answers_match_the_schema(client, document, address, query):
    build_catalogue(2)
    response = client.get(address, {**query, "page_size": 1, "page": 2})
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    OAS31Validator(schema_of(document, address)).validate(body)
    assert body["count"] == 2 and body["pages"] == 2 and len(body["results"]) == 1
    assert body["previous"] and body["next"] is None
