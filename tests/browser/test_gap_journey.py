"""Demand against supply in a real browser, in Swedish: a project lead opens "Behov och
utbildning" from the menu, reads the chart and its table, compares the need within 3 years
with the students who complete in Södertälje, drills down to the companies and programmes
behind turning and downloads the workbook; a visitor reads the public "Här finns jobben", where
milling's need (two companies) is hidden, in Swedish and, on a narrow screen, in English; the
school's teacher enters the year's admitted and completed students. Every page passes axe's
WCAG A/AA rules. Screenshots go to screenshots/gap-*.png (the charts alone too)."""

import re

import pytest
from playwright.sync_api import expect

from college_portal.accounts.models import Role
from tests.browser.conftest import SCREENSHOTS
from tests.factories import PASSWORD, MembershipFactory, SchoolFactory, UserFactory
from tests.helpers import live_url, sv, url
from tests.programs.gap_market import YEAR, build_market

pytestmark = pytest.mark.browser

LEAD, TEACHER = "anna@example.org", "maria@example.org"


@pytest.fixture
def market(transactional_db):
    school = SchoolFactory(name="Täljegymnasiet")
    UserFactory(email=LEAD, full_name="Anna Holm", role=Role.PROJECT_LEAD, is_staff=True)
    MembershipFactory(
        organisation=school,
        user__email=TEACHER,
        user__full_name="Maria Lund",
        user__role=Role.SCHOOL_STAFF,
    )
    return build_market(school)


def sign_in(page, live_server, email):
    page.goto(live_url(live_server, "account_login"))
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form").get_by_role("button", name=re.compile("logga in", re.I)).click()
    expect(page).to_have_url(live_url(live_server, "dashboard"))


def chart_shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.locator("main figure.gap-chart").screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_lead_compares_need_with_supply_and_drills_down(live_server, page, shot, axe, market):
    sign_in(page, live_server, LEAD)
    page.get_by_role("navigation").get_by_role("link", name=sv("Demand and supply")).click()
    expect(page).to_have_url(live_url(live_server, "programs:gap"))
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Demand and supply"))

    # The chart is one image named by its title and description; its figures are in the table.
    chart = page.get_by_role("img", name=re.compile("Angivet behov inom 1 år mot utbud"))
    expect(chart).to_be_visible()
    table = page.locator("#gap-areas")
    turning = table.get_by_role("row").filter(has_text="CNC-svarvning")
    expect(turning).to_contain_text("▲ Brist")
    expect(turning.get_by_role("cell")).to_have_text(
        ["5", "30", "60", "90", "2", "24", "22", "5", "24", "6", "80 %", "▲ Brist"]
    )
    shot(page, "gap-01-lead-sv")
    chart_shot(page, "gap-chart-lead-sv")
    axe.check(page, "demand and supply (lead)")

    # Need within 3 years against those who complete, in Södertälje only.
    form = page.locator("main form.filters")
    form.get_by_label(sv("Need within")).select_option("3")
    form.get_by_label(sv("Supply counted as")).select_option("completed")
    form.get_by_label(sv("Municipality")).select_option("Södertälje")
    form.get_by_role("button", name=sv("Show")).click()
    expect(page.locator("main [role=status]")).to_contain_text("Kommun: Södertälje.")
    expect(turning.get_by_role("cell").nth(9)).to_have_text("40")  # 40 needed, nobody completes
    shot(page, "gap-02-lead-3-years-completed-sodertalje")
    chart_shot(page, "gap-chart-lead-3-years-completed")
    axe.check(page, "demand and supply, filtered (lead)")

    # The workbook keeps the choices.
    with page.expect_download() as download:
        page.get_by_role("link", name=sv("Download as Excel (XLSX)")).click()
    assert download.value.suggested_filename == f"behov-och-utbildning-{YEAR}-sodertalje.xlsx"

    # Behind turning: the three companies in Södertälje and the programme there.
    table.get_by_role("link", name="CNC-svarvning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CNC-svarvning")
    companies = page.locator("#gap-companies tbody tr")
    expect(companies).to_have_count(3)
    programmes = page.locator("#gap-programmes tbody tr")
    expect(programmes).to_have_count(1)
    expect(programmes.get_by_role("cell")).to_have_text(
        ["Täljegymnasiet", "Södertälje", "Svarvning 1", "16", "14", "0"]
    )
    shot(page, "gap-03-area-turning")
    axe.check(page, "an area's companies and programmes (lead)")
    assert axe.report() == ""


def test_visitor_reads_where_the_jobs_are(live_server, page, new_page, shot, axe, market):
    page.goto(live_url(live_server, "home"))
    page.get_by_role("navigation").get_by_role("link", name=sv("Where the jobs are")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Where the jobs are"))
    areas = page.locator("#jobs-areas")
    expect(
        areas.get_by_role("row").filter(has_text="CNC-svarvning").get_by_role("cell")
    ).to_have_text(["30", "60", "90", "24", re.compile("CNC-operatör Huddinge")])
    expect(areas.get_by_role("row").filter(has_text="CNC-fräsning")).to_contain_text(
        "Färre än 3 företag har svarat"
    )
    expect(page.locator("main")).not_to_contain_text("Huddinge Fräs")
    shot(page, "gap-04-public-sv")
    chart_shot(page, "gap-chart-public-sv")
    axe.check(page, "where the jobs are (visitor, Swedish)")

    narrow = new_page()
    narrow.set_viewport_size({"width": 360, "height": 800})
    narrow.goto(live_url(live_server, "programs:jobs", lang="en"))
    expect(narrow.get_by_role("heading", level=1)).to_have_text("Where the jobs are")
    expect(narrow.locator("#jobs-areas")).to_contain_text("Fewer than 3 companies answered")
    shot(narrow, "gap-05-public-en-narrow")
    axe.check(narrow, "where the jobs are (visitor, English, 360 px)")
    assert axe.report() == ""


def test_teacher_enters_the_years_figures(live_server, page, shot, axe, market):
    sign_in(page, live_server, TEACHER)
    page.locator("main").get_by_role("link", name="Industritekniska programmet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Admitted and completed students"))
    year = (
        page.locator("main form.supply-year")
        .filter(has=page.locator("legend", has_text=str(YEAR)))
        .first
    )
    expect(year).to_contain_text("Nu: 14 antagna, 0 slutförda")

    year.get_by_label("Antagna").fill("-3")
    year.get_by_role("button", name=f"Spara {YEAR}").click()
    expect(page.locator(".error-summary")).to_be_visible()
    shot(page, "gap-06-supply-error")
    axe.check(page, "supply figures, an error (teacher)")

    year = (
        page.locator("main form.supply-year")
        .filter(has=page.locator("legend", has_text=str(YEAR)))
        .first
    )
    year.get_by_label("Antagna").fill("15")
    year.get_by_label("Slutförda").fill("0")
    year.get_by_role("button", name=f"Spara {YEAR}").click()
    expect(page.locator(".messages, [role=status]").first).to_contain_text(
        f"Sparat: 15 antagna och 0 slutförda {YEAR}."
    )
    year = (
        page.locator("main form.supply-year")
        .filter(has=page.locator("legend", has_text=str(YEAR)))
        .first
    )
    expect(year).to_contain_text("Nu: 15 antagna, 0 slutförda (angivet av Maria Lund")
    # The market's own earlier figure (99) and the teacher's 14 are kept as history.
    year.get_by_text("2 tidigare siffror").click()
    expect(year.locator("details li")).to_have_count(2)
    expect(year.locator("details li").first).to_contain_text("14 antagna, 0 slutförda")
    shot(page, "gap-07-supply-saved")
    axe.check(page, "supply figures, saved (teacher)")
    assert url("programs:supply", market.programme_a.slug) in page.url
    assert axe.report() == ""
