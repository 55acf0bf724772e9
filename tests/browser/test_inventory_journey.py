"""A company representative answers the needs inventory in a real browser, on the demo
partnership and in Swedish: LK Precision's representative finds the open round on the dashboard,
types a need that shrinks from 1 to 3 years, reads the error next to the figure and in the
summary at the top, corrects it and saves; the dashboard then says it is answered. Every page
passes axe's WCAG A/AA rules. Screenshots go to screenshots/inventory-*.png."""

import pytest
from django.utils import formats, translation
from playwright.sync_api import expect

from partners.models import Organisation
from programs.models import CompetenceArea, InventoryRound, NeedAnswer
from tests.browser.test_placement_journeys import COMPANY, sign_in
from tests.helpers import sv, url

pytestmark = pytest.mark.browser


def test_representative_answers_the_needs_inventory(live_server, page, shot, demo, axe):
    inventory_round = InventoryRound.objects.filter(closed_at__isnull=True).latest("year")
    lk = Organisation.objects.get(name="LK Precision AB")
    turning = CompetenceArea.objects.get(name_sv="CNC-svarvning")
    answer_path = url("programs:inventory_answer", inventory_round.pk, lk.slug)
    with translation.override("sv"):
        deadline = formats.date_format(inventory_round.deadline, "j F Y")

    # (a) The dashboard shows the open round as a task with its deadline.
    sign_in(page, live_server, COMPANY)
    task = page.locator("section", has=page.locator("#inventory-title"))
    expect(task).to_contain_text(inventory_round.title)
    expect(task).to_contain_text(sv("To do"))
    expect(task).to_contain_text(deadline)
    shot(page, "inventory-01-dashboard-task")
    axe.check(page, "dashboard with the inventory task")

    # (b) The answer page: a row per competence area, every input named for screen readers.
    task.get_by_role("link", name=inventory_round.title).click()
    expect(page).to_have_url(live_server.url + answer_path)
    expect(page.get_by_role("heading", level=1)).to_have_text(inventory_round.title)
    table = page.get_by_role("table")
    expect(table.get_by_role("rowheader")).to_have_count(
        CompetenceArea.objects.filter(active=True).count()
    )
    one_year = page.get_by_label(f"CNC-svarvning, {sv('Within 1 year').lower()}")
    three_years = page.get_by_label(f"CNC-svarvning, {sv('Within 3 years').lower()}")
    five_years = page.get_by_label(f"CNC-svarvning, {sv('Within 5 years').lower()}")
    expect(one_year).to_have_value("0")
    shot(page, "inventory-02-answer-page")
    axe.check(page, "answer page")

    # (c) More people within 1 year (5) than within 3 years (3): refused, said where and why.
    one_year.fill("5")
    three_years.fill("3")
    five_years.fill("8")
    page.get_by_label(f"CNC-svarvning, {sv('Comment').lower()}").fill(
        "Pensionsavgångar i svarvavdelningen."
    )
    page.get_by_role("button", name=sv("Save the answer")).click()
    rule = sv(
        "The need within 3 years includes the first year: it cannot be smaller than the need "
        "within 1 year (%(value)s)."
    ) % {"value": 5}
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(rule)
    expect(page.locator(f"#id_area-{turning.pk}-within_3_years_error")).to_contain_text(rule)
    expect(three_years).to_have_attribute("aria-invalid", "true")
    expect(one_year).to_have_value("5")  # what was typed is kept to correct
    assert not NeedAnswer.objects.filter(round=inventory_round, organisation=lk).exists()
    shot(page, "inventory-03-error-5-over-3")
    axe.check(page, "answer page with the error")

    # The summary's link leads to the figure to correct.
    summary.get_by_role("link").click()
    expect(three_years).to_be_focused()

    # (d) Corrected and saved: thanks, and until when it can change.
    three_years.fill("6")
    page.get_by_label(f"CNC-fräsning, {sv('Within 5 years').lower()}").fill("2")
    page.get_by_role("button", name=sv("Save the answer")).click()
    expect(page).to_have_url(live_server.url + answer_path)
    expect(page.locator(".messages")).to_contain_text(
        sv("Thank you: your answer has been saved. You can change it until %(day)s.")
        % {"day": deadline}
    )
    expect(three_years).to_have_value("6")
    shot(page, "inventory-04-saved")
    axe.check(page, "answer page saved")
    saved = NeedAnswer.objects.get(
        round=inventory_round, organisation=lk, area=turning, current=True
    )
    assert (saved.within_1_year, saved.within_3_years, saved.within_5_years) == (5, 6, 8)
    assert saved.comment == "Pensionsavgångar i svarvavdelningen."

    # (e) The dashboard's task now says it is answered.
    page.goto(live_server.url + url("dashboard"))
    expect(task).to_contain_text(sv("Answered"))
    expect(task).not_to_contain_text(sv("To do"))
    shot(page, "inventory-05-dashboard-answered")
    axe.check(page, "dashboard, answered")

    assert axe.report() == ""
