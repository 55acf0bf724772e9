"""The legal pages in a real browser: reached from the footer, free of WCAG A/AA violations
(axe), readable at 320 pixels, and the feedback form's errors, thanks and expired-form page.
Screenshots go to screenshots/legal-*.png."""

import re

import pytest
from playwright.sync_api import expect

from college_portal.accounts.models import Role
from college_portal.notifications.models import Notification
from tests.factories import UserFactory
from tests.helpers import live_url

pytestmark = pytest.mark.browser


@pytest.fixture
def lead(transactional_db):
    return UserFactory(email="anna@example.org", role=Role.PROJECT_LEAD, is_staff=True)


def test_visitor_reads_the_legal_pages_and_reports_a_problem(live_server, page, shot, axe, lead):
    page.goto(live_url(live_server, "home", lang="sv"))
    footer = page.get_by_role("contentinfo")

    # The footer leads to each page; each is checked with axe and photographed.
    for link, heading, name in [
        ("Personuppgifter", "Så behandlar vi dina personuppgifter", "privacy"),
        ("Kontakt", "Kontakt", "contact"),
        ("Tillgänglighet", "Tillgänglighetsredogörelse för Teknikcollege Stockholms portal",
         "accessibility"),
    ]:  # fmt: skip
        footer.get_by_role("link", name=link, exact=True).click()
        expect(page).to_have_url(live_url(live_server, name, lang="sv"))
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        axe.check(page, name)
        shot(page, f"legal-{name}-sv")

    # The statement's button leads to the form; sent empty, it says what is missing.
    page.get_by_role("link", name="Rapportera en brist i tillgängligheten").first.click()
    expect(page).to_have_url(live_url(live_server, "accessibility_feedback", lang="sv"))
    axe.check(page, "feedback form")
    page.get_by_label("Ditt namn").fill("Sara Ek")
    page.get_by_role("button", name="Skicka").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Skriv vad som inte fungerade för dig.")
    message = page.get_by_label("Ditt meddelande")
    expect(message).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Ditt namn")).to_have_value("Sara Ek")
    axe.check(page, "feedback form with an error")
    shot(page, "legal-feedback-error-sv")
    assert Notification.objects.count() == 0

    # Filled in and sent: thanks, and one mail to the project lead in the outbox.
    message.fill("Knappen Skicka ansökan syns inte när sidan är förstorad.")
    page.get_by_role("button", name="Skicka").click()
    expect(page.get_by_role("status")).to_contain_text("Tack! Ditt meddelande har skickats")
    axe.check(page, "feedback sent")
    shot(page, "legal-feedback-sent-sv")
    assert list(Notification.objects.values_list("kind", "email")) == [
        ("accessibility_feedback", lead.email)
    ]

    assert not axe.report(), f"axe found WCAG A/AA violations:\n{axe.report()}"


def test_english_pages_fit_a_narrow_screen(live_server, page, shot, axe):
    page.set_viewport_size({"width": 320, "height": 640})
    for name in ("privacy", "accessibility", "contact", "accessibility_feedback"):
        page.goto(live_url(live_server, name, lang="en"))
        expect(page.locator("html")).to_have_attribute("lang", "en")
        # WCAG 1.4.10 reflow: no sideways scrolling at 320 CSS pixels.
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, name
        axe.check(page, f"{name} (en, 320 px)")
    shot(page, "legal-feedback-en-narrow")
    assert not axe.report(), f"axe found WCAG A/AA violations:\n{axe.report()}"


def test_a_form_sent_after_its_cookie_is_gone_gets_the_expired_form_page(
    live_server, page, shot, axe, lead
):
    page.goto(live_url(live_server, "accessibility_feedback", lang="en"))
    page.get_by_label("Your message").fill("The contrast of the footer is too low.")
    page.context.clear_cookies()

    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("The form has expired")
    expect(page.locator("main")).to_contain_text(re.compile("Go back, reload the page"))
    expect(page.locator("main")).to_contain_text("Check that cookies are allowed")
    axe.check(page, "expired form")
    shot(page, "legal-csrf-expired-en")
    assert Notification.objects.count() == 0
    assert not axe.report(), f"axe found WCAG A/AA violations:\n{axe.report()}"
