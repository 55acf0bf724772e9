"""The portal's shell in a real browser: language switch, sign-in, accessibility (axe, keyboard,
form errors) and the phone layout. Screenshots of each step go to screenshots/foundation-*.png."""

import re

import pytest
from playwright.sync_api import expect

from college_portal.accounts.models import Role
from tests.factories import PASSWORD, UserFactory
from tests.helpers import axe_violations, live_url

pytestmark = pytest.mark.browser


def sign_in(page, live_server, email, password=PASSWORD, language="en"):
    page.goto(live_url(live_server, "account_login", lang=language))
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("main form").get_by_role(
        "button", name=re.compile("sign in|logga in", re.I)
    ).click()


@pytest.fixture
def elsa(transactional_db):
    # A student who reads the portal in English (the factory's default language is Swedish).
    return UserFactory(
        email="elsa@example.org", full_name="Elsa Lindqvist", role=Role.STUDENT, language="en"
    )


def test_visitor_switches_to_english_and_student_signs_in(live_server, page, shot, elsa):
    # A Swedish browser lands on the Swedish home page.
    page.goto(live_server.url + "/")
    expect(page).to_have_url(live_url(live_server, "home", lang="sv"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator(".skip-link")).to_have_text(re.compile(r"^Hoppa till"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Teknikcollege Stockholm")
    # The page speaks Swedish: the English wording of its call to action is nowhere.
    expect(page.get_by_role("link", name="Create student account")).to_have_count(0)
    switch = page.locator(".language-switch").get_by_role("button")
    expect(switch).to_have_text("English")
    expect(switch).to_have_attribute("lang", "en")
    shot(page, "foundation-01-home-sv")

    # The language switch keeps the page and changes its language.
    switch.click()
    expect(page).to_have_url(live_url(live_server, "home", lang="en"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".skip-link")).to_have_text("Skip to main content")
    expect(page.get_by_role("heading", level=1)).to_have_text("Teknikcollege Stockholm")
    expect(page.locator("main").get_by_role("link", name="Create student account")).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Home")
    ).to_have_attribute("aria-current", "page")
    expect(page.locator(".language-switch").get_by_role("button")).to_have_text("Svenska")
    shot(page, "foundation-02-home-en")

    # Sign in through the header link and allauth's form.
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Sign in").click()
    expect(page).to_have_url(live_url(live_server, "account_login", lang="en"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign In")
    page.get_by_label("Email").fill(elsa.email)
    page.get_by_label("Password").fill(PASSWORD)
    shot(page, "foundation-03-login-en")
    page.locator("main form").get_by_role("button", name="Sign In").click()

    # The dashboard greets the student by name.
    expect(page).to_have_url(live_url(live_server, "dashboard", lang="en"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Elsa")
    expect(page.locator("main")).to_contain_text("Elsa Lindqvist")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    shot(page, "foundation-04-dashboard-en")


def test_language_switch_keeps_a_deeper_page(live_server, page):
    page.goto(live_url(live_server, "about", lang="sv"))
    page.locator(".language-switch").get_by_role("button", name="English").click()
    expect(page).to_have_url(live_url(live_server, "about", lang="en"))
    expect(page.get_by_role("heading", level=1)).to_have_text("About Teknikcollege Stockholm")
    page.locator(".language-switch").get_by_role("button", name="Svenska").click()
    expect(page).to_have_url(live_url(live_server, "about", lang="sv"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")


def test_pages_have_no_wcag_violations(live_server, page, shot, elsa, company, rep):
    visited = {}

    def check(label):
        visited[label] = axe_violations(page)

    for label, name, language in [
        ("home (sv)", "home", "sv"),
        ("home", "home", "en"),
        ("about", "about", "en"),
        ("partners list", "partners:list", "en"),
        ("login", "account_login", "en"),
        ("signup", "account_signup", "en"),
        ("password reset", "account_reset_password", "en"),
    ]:
        page.goto(live_url(live_server, name, lang=language))
        check(label)

    page.goto(live_url(live_server, "partners:detail", lang="en", slug=company.slug))
    check("partner page")
    page.goto(live_url(live_server, "account_confirm_email", lang="en", key="expired-or-unknown"))
    check("e-mail confirmation (unknown key)")
    page.goto(live_server.url + "/en/no-such-page/")
    check("page not found")

    # Forms that came back with errors.
    page.goto(live_url(live_server, "account_signup", lang="en"))
    page.get_by_label("Email").fill("not-an-email")
    page.locator("main form").get_by_role("button", name="Sign Up").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check("signup with errors")
    sign_in(page, live_server, elsa.email, password="wrong password")
    expect(page.locator(".error-summary")).to_be_visible()
    check("login with an error")

    # Signed in: the dashboard and the account pages.
    sign_in(page, live_server, elsa.email)
    expect(page).to_have_url(live_url(live_server, "dashboard", lang="en"))
    check("dashboard")
    for label, name in [
        ("profile", "profile"),
        ("change password", "account_change_password"),
        ("e-mail addresses", "account_email"),
        ("two-factor authentication", "mfa_index"),
        ("sign out", "account_logout"),
    ]:
        page.goto(live_url(live_server, name, lang="en"))
        check(label)

    problems = {label: found for label, found in visited.items() if found}
    report = "\n".join(f"{label}:\n  " + "\n  ".join(found) for label, found in problems.items())
    if problems:
        print(report)
    assert not problems, f"axe found WCAG A/AA violations:\n{report}"


def test_first_tab_reaches_a_visible_skip_link(live_server, page, shot):
    page.goto(live_url(live_server, "home", lang="sv"))
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    box = skip.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0 and box["width"] > 40 and box["height"] > 24
    shot(page, "foundation-05-skip-link", full_page=False)

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_form_errors_are_tied_to_their_fields(live_server, page, shot, elsa):
    sign_in(page, live_server, elsa.email, password="wrong password")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text("not correct")
    shot(page, "foundation-06-login-error")

    page.goto(live_url(live_server, "account_signup", lang="en"))
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_label("Password", exact=True).fill("123")
    page.locator("main form").get_by_role("button", name="Sign Up").click()
    expect(page.locator(".error-summary")).to_be_focused()

    email = page.get_by_label("Email")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(re.compile("valid email address"))
    name = page.get_by_label("Full name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_accessible_description(re.compile("required"))
    password = page.get_by_label("Password", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    # The password's description holds its errors and its help (the password rules).
    expect(password).to_have_accessible_description(re.compile("too short.*at least 8 characters"))
    # The summary's links lead to the fields.
    page.locator(".error-summary").get_by_role("link", name=re.compile("^Email")).click()
    expect(email).to_be_focused()
    shot(page, "foundation-07-signup-errors")


def test_home_on_a_phone(live_server, new_context, shot, company):
    context = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(live_url(live_server, "home", lang="sv"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # Nothing sticks out sideways: no horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The brand and the language switch share the first row.
    brand = page.locator(".brand").bounding_box()
    switch = page.locator(".language-switch").bounding_box()
    assert abs(brand["y"] - switch["y"]) < 30
    shot(page, "foundation-08-home-phone")
    # WCAG 1.4.10 reflow: still no sideways scrolling at 320 CSS pixels.
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
