"""The yearly report in a real browser: a project lead opens last year's report from the menu,
writes the steering group's assessment of a criterion and freezes the year; the page passes
axe's WCAG A/AA rules on screen, and printed (print media) it drops the site's header, menu,
footer and forms and starts each criterion on a new page. Screenshots: screenshots/yearly-*.png."""

import pytest
from playwright.sync_api import expect

from college_portal.yearly.models import FrozenReport
from partners.models import OrganisationKind, SteeringGroup
from tests.browser.test_foundation_journey import sign_in
from tests.factories import OrganisationFactory
from tests.helpers import live_url
from tests.yearly.conftest import LAST_YEAR, THIS_YEAR, evidence_of_year, seat

pytestmark = pytest.mark.browser


@pytest.fixture
def year_of_evidence(transactional_db, company, company2, school):
    municipality = OrganisationFactory(name="Södertälje kommun", kind=OrganisationKind.MUNICIPALITY)
    regional_group = SteeringGroup.objects.create(name="Regionala styrgruppen", level="regional")
    evidence_of_year(LAST_YEAR, company=company, school=school, group=regional_group, tag="A")
    evidence_of_year(THIS_YEAR, company=company, school=school, group=regional_group, tag="B")
    seat(regional_group, company2, start=regional_group.members.first().from_date, name="Jonas Ek")
    seat(
        regional_group, municipality, start=regional_group.members.first().from_date, name="Lena Ek"
    )


def test_lead_reads_assesses_prints_and_freezes_the_report(
    live_server, page, shot, axe, lead, year_of_evidence
):
    sign_in(page, live_server, lead.email, language="sv")
    page.goto(live_url(live_server, "dashboard"))
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Årsrapport").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Årsrapport per Teknikcollege-kriterium"
    )
    axe.check(page, "year list")
    page.get_by_role("link", name=f"Årsrapport {LAST_YEAR}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Årsrapport {LAST_YEAR} – Teknikcollege Stockholm"
    )
    expect(page.locator("section.criterion h2")).to_have_count(8)
    axe.check(page, "report (sv)")
    shot(page, "yearly-report-sv")

    # The steering group's assessment of criterion 3, saved and shown with its writer.
    field = page.get_by_label("Styrgruppens bedömning av Organisation och styrning")
    field.fill("Styrgruppen leds av industrin och har företagsmajoritet.")
    page.locator("#criterion-3").get_by_role("button", name="Spara bedömningen").click()
    expect(page.get_by_role("status")).to_contain_text("Bedömningen har sparats.")
    expect(page.locator("#criterion-3 .assessment")).to_have_text(
        "Styrgruppen leds av industrin och har företagsmajoritet."
    )
    axe.check(page, "report after saving an assessment")

    # Printed: no header, menu, footer or forms; each criterion from a new page.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.locator("#criterion-3 form")).to_be_hidden()
    breaks = page.locator("section.criterion").evaluate_all(
        "sections => sections.map(s => getComputedStyle(s).breakBefore)"
    )
    assert breaks == ["page"] * 8
    shot(page, "yearly-report-print")
    page.emulate_media(media="screen")

    # Freezing asks for the confirmation (the browser keeps the form until the box is
    # ticked), then the page says whose snapshot it shows.
    confirm = page.get_by_label(
        "Jag förstår att årets siffror och bedömningar inte längre kommer att ändras."
    )
    expect(confirm).to_have_attribute("required", "")
    page.get_by_role("button", name=f"Frys {LAST_YEAR}").click()
    assert not FrozenReport.objects.exists()
    page.get_by_label(
        "Jag förstår att årets siffror och bedömningar inte längre kommer att ändras."
    ).check()
    page.get_by_role("button", name=f"Frys {LAST_YEAR}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Rapporten för {LAST_YEAR} är fryst")
    expect(page.locator(".report-status")).to_contain_text("Anna Holm")
    expect(page.locator("textarea")).to_have_count(0)
    assert FrozenReport.objects.filter(year=LAST_YEAR).exists()
    axe.check(page, "frozen report")
    shot(page, "yearly-report-frozen-sv")

    # The same report in English, at a phone's width.
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_url(live_server, "yearly:detail", LAST_YEAR, lang="en"))
    expect(page.locator("#criterion-8 h2")).to_have_text(
        "8. Working life's participation in education"
    )
    axe.check(page, "report (en, 360 px)")
    shot(page, "yearly-report-en-narrow")

    assert not axe.report(), f"axe found WCAG A/AA violations:\n{axe.report()}"
