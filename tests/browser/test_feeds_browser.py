"""A visitor on a study visit's page finds the calendar subscriptions (labelled, in Swedish and
English), free of WCAG A/AA violations (axe); the calendar link answers with an iCalendar
document. Screenshots go to screenshots/feeds-*.png."""

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from tests.factories import OfferFactory, OrganisationFactory, PartnerRoleFactory, SlotFactory
from tests.helpers import live_url

pytestmark = pytest.mark.browser


@pytest.fixture
def visit(transactional_db):
    company = OrganisationFactory(name="LK Precision AB", municipality="Södertälje")
    PartnerRoleFactory(organisation=company, role="study_visit_host")
    offer = OfferFactory(
        organisation=company,
        study_visit=True,
        title="Studiebesök i CNC-verkstaden",
        description="Vi visar fleroperationsmaskiner, mätrummet och hur en order går genom verkstaden.",
    )
    SlotFactory(offer=offer, capacity=25)
    return offer


@pytest.mark.parametrize(
    ("lang", "heading", "link"),
    [
        ("sv", "Studiebesök i din kalender", "Prenumerera på studiebesöken hos LK Precision AB"),
        ("en", "Study visits in your calendar", "Subscribe to LK Precision AB’s study visits"),
    ],
)
def test_visitor_finds_the_calendar_subscription_on_a_study_visit(
    live_server, page, shot, axe, visit, lang, heading, link
):
    page.goto(live_url(live_server, "placements:offer_detail", visit.pk, lang=lang))
    section = page.get_by_role("region", name=heading)
    expect(section).to_be_visible()
    subscribe = section.get_by_role("link", name=link)
    expect(subscribe).to_be_visible()
    axe.check(page, f"study visit page ({lang})")
    section.scroll_into_view_if_needed()
    shot(page, f"feeds-study-visit-{lang}")

    response = page.request.get(live_server.url + subscribe.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(response.body()).walk("VEVENT")
    assert "Studiebesök i CNC-verkstaden" in str(event["SUMMARY"])
    assert axe.report() == ""
