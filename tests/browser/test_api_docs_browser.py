"""The open data API's documentation page in a real browser: Swagger UI from the portal's own
static files renders under the portal's Content-Security-Policy (no violation, no request to
another host), lists every operation, and expanding one shows its parameters. Screenshots go
to screenshots/api-docs-*.png."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.api.conftest import build_catalogue

pytestmark = pytest.mark.browser

OPERATIONS = [
    "/api/v1/programmes",
    "/api/v1/programmes/{slug}",
    "/api/v1/courses",
    "/api/v1/offers",
    "/api/v1/offers/{offer_id}",
    "/api/v1/partners",
    "/api/v1/partners/{slug}",
    "/api/v1/competence-areas",
    "/api/v1/demand-supply",
]


def test_developer_reads_the_api_documentation(live_server, page, shot, transactional_db):
    build_catalogue(1)
    problems, hosts = [], set()
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))

    page.goto(live_server.url + "/api/")  # leads to the documentation
    expect(page).to_have_url(live_server.url + "/api/v1/docs")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Teknikcollege Stockholm")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.get_by_role("link", name="OpenAPI-dokumentet (JSON)")).to_have_attribute(
        "href", "/api/v1/openapi.json"
    )
    # Swagger UI has read the document and lists every operation.
    expect(page.locator(".opblock").first).to_be_visible()
    listed = page.locator(".opblock-summary-path").all_inner_texts()
    assert [path.replace("\u200b", "") for path in listed] == OPERATIONS or sorted(
        path.replace("\u200b", "") for path in listed
    ) == sorted(OPERATIONS)
    expect(page.locator(".opblock-summary-method").first).to_have_text("GET")
    expect(page.locator(".info a.link", has_text="CC0 1.0 Universal")).to_be_visible()
    shot(page, "api-docs-sv")

    # An operation opens with its parameters and its answer's schema.
    page.locator(".opblock-summary", has_text="/api/v1/offers").first.click()
    expect(page.locator(".parameters .parameter__name", has_text="municipality")).to_be_visible()
    shot(page, "api-docs-offers", full_page=False)

    # "Try it out" calls the API from the page (connect-src 'self') and shows the answer.
    offers = page.locator(".opblock.is-open")
    offers.get_by_role("button", name="Try it out").click()
    offers.get_by_role("button", name="Execute").click()
    expect(offers.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    expect(offers.locator(".live-responses-table")).to_contain_text('"count": 2')
    shot(page, "api-docs-offers-tried", full_page=False)

    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert not problems, problems
    assert hosts == {urlsplit(live_server.url).netloc}, hosts


def test_the_document_is_readable_without_javascript(live_server, browser, transactional_db):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/api/v1/docs?lang=en")
    expect(page.get_by_text("The interactive description below needs JavaScript")).to_be_visible()
    page.get_by_role("link", name="The OpenAPI document (JSON)").click()
    assert '"openapi": "3.1.0"' in page.content()
    context.close()
