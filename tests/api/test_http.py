"""The API's HTTP rules: conditional GET (ETag and Last-Modified, 304), the rate limit (429 with
Retry-After), the language (?lang=, Accept-Language), CORS for reading, the licence link, no
writing, and 4xx (never 500) for malformed requests."""

import time

import pytest
from django.core.cache import cache

from tests.api.conftest import build_catalogue

pytestmark = pytest.mark.django_db

LICENCE = '<https://creativecommons.org/publicdomain/zero/1.0/>; rel="license"'
EVERY = [
    "/api/v1/programmes",
    "/api/v1/courses",
    "/api/v1/offers",
    "/api/v1/partners",
    "/api/v1/competence-areas",
    "/api/v1/demand-supply",
    "/api/v1/openapi.json",
    "/api/v1/docs",
]


# --- ETag and Last-Modified ---------------------------------------------------------------------


def test_etag_round_trip_gives_304_and_a_change_gives_200(client, catalogue):
    first = client.get("/api/v1/offers")
    etag = first["ETag"]
    assert etag.startswith('"') and first.status_code == 200

    again = client.get("/api/v1/offers", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert LICENCE in again["Link"]

    offer = catalogue["offers"][0]
    offer.title = "Ny rubrik"
    offer.save()
    changed = client.get("/api/v1/offers", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Ny rubrik" in [row["title"] for row in changed.json()["results"]]


def test_the_etag_differs_per_language(client, catalogue):
    swedish = client.get("/api/v1/offers", {"lang": "sv"})
    english = client.get("/api/v1/offers", {"lang": "en"})
    assert swedish["ETag"] != english["ETag"]
    assert client.get("/api/v1/offers", {"lang": "en"}, HTTP_IF_NONE_MATCH=swedish["ETag"]).status_code == 200


def test_last_modified_round_trip_gives_304(client, catalogue):
    first = client.get("/api/v1/programmes")
    since = first["Last-Modified"]
    assert since.endswith("GMT")
    assert client.get("/api/v1/programmes", HTTP_IF_MODIFIED_SINCE=since).status_code == 304
    # A malformed date is ignored, not an error.
    assert client.get("/api/v1/programmes", HTTP_IF_MODIFIED_SINCE="gestern").status_code == 200


def test_a_stored_answer_is_served_without_the_database(
    client, catalogue, settings, django_assert_num_queries
):
    settings.PUBLIC_PAGE_CACHE = True
    first = client.get("/api/v1/offers")
    with django_assert_num_queries(0):
        again = client.get("/api/v1/offers")
        not_modified = client.get("/api/v1/offers", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert not_modified.status_code == 304
    # A change to public content (the version key) makes the next answer fresh.
    from college_portal import pagecache

    catalogue["offers"][0].__class__.objects.filter(pk=catalogue["offers"][0].pk).update(title="Ändrad")
    pagecache.bump()
    titles = [row["title"] for row in client.get("/api/v1/offers").json()["results"]]
    assert "Ändrad" in titles


# --- rate limit ---------------------------------------------------------------------------------


def test_rate_limit_gives_429_with_retry_after(client, settings, catalogue):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    for _ in range(3):
        assert client.get("/api/v1/competence-areas").status_code == 200
    refused = client.get("/api/v1/competence-areas")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["Access-Control-Allow-Origin"] == "*"
    assert "detail" in refused.json()
    # Another client (address) is not refused.
    assert client.get("/api/v1/competence-areas", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_rate_limit_counts_the_address_the_trusted_proxy_gives(client, settings, catalogue):
    settings.API_RATE_LIMIT_PER_MINUTE = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxied = {"REMOTE_ADDR": "10.0.0.1"}
    assert client.get("/api/v1/competence-areas", HTTP_X_FORWARDED_FOR="198.51.100.1", **proxied).status_code == 200
    assert client.get("/api/v1/competence-areas", HTTP_X_FORWARDED_FOR="198.51.100.2", **proxied).status_code == 200
    assert client.get("/api/v1/competence-areas", HTTP_X_FORWARDED_FOR="198.51.100.1", **proxied).status_code == 429


def test_the_limit_resets_in_the_next_minute(client, settings, catalogue, monkeypatch):
    settings.API_RATE_LIMIT_PER_MINUTE = 1
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now)
    client.get("/api/v1/competence-areas")
    assert client.get("/api/v1/competence-areas").status_code == 429
    monkeypatch.setattr(time, "time", lambda: now + 61)
    assert client.get("/api/v1/competence-areas").status_code == 200


def test_a_failing_cache_does_not_refuse_anyone(client, catalogue, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "incr", broken)
    assert client.get("/api/v1/competence-areas").status_code == 200


# --- language -----------------------------------------------------------------------------------


def test_language_by_parameter_and_by_accept_language(client, catalogue):
    english = client.get("/api/v1/offers", {"lang": "en"})
    swedish = client.get("/api/v1/offers", {"lang": "sv"}, HTTP_ACCEPT_LANGUAGE="en")
    by_header = client.get("/api/v1/offers", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    default = client.get("/api/v1/offers", HTTP_ACCEPT_LANGUAGE="de")
    assert english["Content-Language"] == "en" and by_header["Content-Language"] == "en"
    assert swedish["Content-Language"] == "sv" and default["Content-Language"] == "sv"
    assert "Accept-Language" in english["Vary"]
    kinds = {r["kind"]["code"]: r["kind"]["label"] for r in english.json()["results"]}
    assert kinds["study_visit"] == "Study visit"
    kinds = {r["kind"]["code"]: r["kind"]["label"] for r in swedish.json()["results"]}
    assert kinds["study_visit"] == "Studiebesök"
    assert "/en/" in english.json()["results"][0]["url"]
    assert "/sv/" in swedish.json()["results"][0]["url"]


def test_an_unknown_language_is_refused(client):
    response = client.get("/api/v1/offers", {"lang": "xx"})
    assert response.status_code == 400
    assert "lang" in response.json()["detail"]


# --- CORS, the licence, no writing --------------------------------------------------------------


@pytest.mark.parametrize("address", EVERY)
def test_every_answer_has_cors_and_the_licence(client, catalogue, address):
    response = client.get(address)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert LICENCE in response["Link"]
    assert response["ETag"] and response["Last-Modified"]


def test_a_preflight_allows_reading_only(client):
    response = client.options(
        "/api/v1/offers",
        HTTP_ORIGIN="https://kommun.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_nothing_can_be_written(client, catalogue, method):
    response = getattr(client, method)("/api/v1/offers", {}, content_type="application/json")
    assert response.status_code == 405


@pytest.mark.parametrize("address", ["/api/", "/api/v1/"])
def test_api_root_leads_to_the_documentation(client, address):
    response = client.get(address)
    assert response.status_code == 302
    assert response["Location"] == "/api/v1/docs"


def test_the_documentation_page_uses_no_cdn(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://unpkg" not in html
    assert 'href="/api/v1/openapi.json"' in html  # the document without JavaScript


# --- malformed requests -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=0",
        "page=-1",
        "page=99999999999999999999999999",
        "page_size=1000",
        "page_size=abc",
        "lang=xx",
        "lang=",
        "q=" + "x" * 500,
        "q=a%00b",
        "municipality=%00",
        "level=nonsense",
        "kind=nonsense",
        "role=nonsense",
        "open_now=maybe",
        "area=99999999999999999999",
        "area=abc",
        "subject_area=zzz",
        "municipality=Atlantis",
        "provider=" + "p" * 300,
        "q=%ff%fe",
    ],
)
@pytest.mark.parametrize(
    "address",
    ["/api/v1/programmes", "/api/v1/offers", "/api/v1/partners", "/api/v1/courses", "/api/v1/competence-areas"],
)
def test_malformed_parameters_give_4xx_not_500(client, address, query):
    response = client.get(f"{address}?{query}")
    assert response.status_code < 500, (address, query, response.content[:300])
    if response.status_code != 200:
        assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    "address",
    [
        "/api/v1/programmes/nonexistent",
        "/api/v1/programmes/" + "x" * 300,
        "/api/v1/offers/0",
        "/api/v1/offers/99999999999999999999999",
        "/api/v1/offers/abc",
        "/api/v1/partners/nonexistent",
        "/api/v1/programmes/a%00b",
        "/api/v2/programmes",
    ],
)
def test_malformed_or_unknown_addresses_give_4xx(client, address):
    response = client.get(address)
    assert 400 <= response.status_code < 500, (address, response.status_code)


def test_a_page_past_the_last_is_empty(client):
    build_catalogue(1)
    body = client.get("/api/v1/offers", {"page": 50}).json()
    assert body["results"] == [] and body["count"] == 2 and body["next"] is None


def test_head_answers_the_headers_of_a_get(client, catalogue):
    get = client.get("/api/v1/offers")
    head = client.head("/api/v1/offers")
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == get["ETag"]
    assert head["Content-Length"] == str(len(get.content))
    assert client.head("/api/v1/offers", HTTP_IF_NONE_MATCH=get["ETag"]).status_code == 304


def test_the_staff_second_factor_rule_leaves_anonymous_clients_alone(client, settings, catalogue):
    """REQUIRE_STAFF_MFA sends a project lead without TOTP to set it up from every page, the API
    included (tests/accounts/test_staff_mfa.py); a client with no session is never sent away."""
    settings.REQUIRE_STAFF_MFA = True
    assert client.get("/api/v1/offers").status_code == 200
    assert client.get("/api/v1/docs").status_code == 200


PARAMETERS = ["page", "page_size", "lang", "q", "level", "municipality", "provider", "open_now",
              "kind", "programme", "company", "role", "subject_area", "area"]  # fmt: skip


def test_any_query_string_gives_an_answer_never_a_500(catalogue):
    """Property-based: any value of any parameter, on any list (NUL and other control bytes,
    long, non-Latin, numeric-looking text) answers 200 or a 4xx."""
    from django.test import Client
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings
    from hypothesis import strategies as st

    visitor = Client()
    text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=300)
    numbers = st.integers(min_value=-(10**30), max_value=10**30).map(str)

    @hypothesis_settings(
        max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(
        address=st.sampled_from(EVERY[:5]),
        query=st.dictionaries(st.sampled_from(PARAMETERS), text | numbers, max_size=4),
    )
    def check(address, query):
        cache.clear()  # the rate limit would answer 429 after a while
        response = visitor.get(address, query)
        assert response.status_code < 500, (address, query)

    check()


@pytest.mark.parametrize("address", ["/api/v1/nothing", "/api/v1/offers/1/applicants", "/api/v1/x%20y"])
def test_an_unknown_address_answers_json_404_with_the_apis_headers(client, address):
    response = client.get(address, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "/api/v1/docs" in response.json()["detail"]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert 'rel="license"' in response["Link"]
