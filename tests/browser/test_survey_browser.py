"""A satisfaction survey in a real browser, without signing in: the supervisor opens the
e-mailed link, sends it half filled in and is told what is missing, answers all four
statements and a comment, and is thanked; the link then says it has been answered. Every page
passes axe's WCAG A/AA rules. Screenshots go to screenshots/survey-*.png."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from college_portal.notifications.models import Notification
from college_portal.surveys.models import SurveyAnswer
from college_portal.surveys.services import send_survey_invitations
from placements.models import ApplicationStatus
from tests.factories import ApplicationFactory, OfferFactory
from tests.helpers import sv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_answers_a_survey_without_signing_in(live_server, page, shot, axe, company):
    offer = OfferFactory(organisation=company, contact_email="handledare@lkprecision.example")
    ApplicationFactory(
        offer=offer,
        status=ApplicationStatus.COMPLETED,
        completed_at=timezone.now() - timedelta(days=1),
    )
    send_survey_invitations()
    path = Notification.objects.get(email="handledare@lkprecision.example").context["path"]
    assert path.startswith("/sv/enkat/")

    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Short survey"))
    expect(page.locator("main")).to_contain_text("LK Precision AB")
    axe.check(page, "survey form")

    # Two statements answered, two left out: both are named, nothing is saved.
    expectations = page.get_by_role("group", name=sv("The placement met our expectations."))
    expectations.get_by_label("4 – Instämmer till stor del").check()
    page.get_by_role("group", name=sv("Communication with the school worked well.")).get_by_label(
        "5 – Instämmer helt"
    ).check()
    page.get_by_role("button", name=sv("Send my answer")).click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator(".error-summary li")).to_have_count(2)
    expect(expectations.get_by_label("4 – Instämmer till stor del")).to_be_checked()
    shot(page, "survey-01-missing-answers")
    axe.check(page, "survey form with errors")
    assert not SurveyAnswer.objects.exists()

    page.get_by_role(
        "group", name=sv("The student learned what the education needs.")
    ).get_by_label("3 – Instämmer delvis").check()
    page.get_by_role(
        "group", name=sv("We would take a student from the programme again.")
    ).get_by_label("5 – Instämmer helt").check()
    page.get_by_label(sv("Anything else you want to tell us?")).fill("Eleven var nyfiken.")
    shot(page, "survey-02-filled-in")
    page.get_by_role("button", name=sv("Send my answer")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Thank you for your answer"))
    shot(page, "survey-03-thanks")
    axe.check(page, "survey thanks")

    answer = SurveyAnswer.objects.get()
    assert (answer.expectations, answer.learning, answer.communication, answer.recommend) == (
        4,
        3,
        5,
        5,
    )

    page.goto(live_server.url + path)
    expect(page.locator("main")).to_contain_text(
        sv("This survey has already been answered. Thank you!")
    )
    axe.check(page, "survey answered")
    assert axe.report() == ""
