"""An allocation round in a real browser, in Swedish: the teacher creates a round, adds her
class and the internships; each company confirms its places; the teacher opens the choices;
three students rank the two places with numbered selects; the teacher allocates; a student
who lost her first choice reads why; the company confirms its student. Screenshots go to
screenshots/round-*.png."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from placements.rounds.models import Allocation, AllocationStatus, Round, RoundStatus
from tests.factories import PASSWORD, OfferFactory
from tests.helpers import live_url, sv
from tests.rounds.helpers import confirmed_student

pytestmark = pytest.mark.browser


def sign_in(page, live_server, email):
    page.goto(live_url(live_server, "account_login"))
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form").get_by_role("button", name=re.compile("logga in", re.I)).click()
    expect(page).to_have_url(live_url(live_server, "dashboard"))


def test_a_round_from_creation_to_a_confirmed_student(
    live_server,
    page,
    new_page,
    shot,
    axe,
    transactional_db,
    school,
    teacher,
    company,
    rep,
    company2,
    rep2,
):
    students = [
        confirmed_student(
            school, teacher, full_name=name, email=f"{name.split()[0].lower()}@example.org"
        )
        for name in ("Elsa Lindqvist", "Omar Haddad", "Sara Nilsson")
    ]
    lk = OfferFactory(organisation=company, title="CNC-svarvning hos LK", places=2)
    OfferFactory(organisation=company2, title="Fräsning i Huddinge", places=1)
    today = timezone.localdate()

    # The teacher creates the round.
    sign_in(page, live_server, teacher.email)
    page.goto(live_url(live_server, "rounds:create"))
    page.get_by_label(sv("title")).fill("APL vt TE23A")
    page.get_by_label(sv("period starts")).fill(str(today + timedelta(days=30)))
    page.get_by_label(sv("period ends")).fill(str(today + timedelta(days=60)))
    page.get_by_label(sv("last day for students' choices")).fill(str(today + timedelta(days=7)))
    page.get_by_label(sv("last day for companies to confirm their places")).fill(
        str(today + timedelta(days=3))
    )
    page.get_by_role("button", name=sv("Create the round")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("APL vt TE23A")
    round_ = Round.objects.get()
    for student in students:
        page.get_by_label(re.compile(student.full_name)).check()
    page.get_by_role("button", name=sv("Add to the class list")).click()
    page.get_by_role("button", name=sv("Add all of them")).click()
    expect(page.get_by_role("row").filter(has_text=lk.title)).to_contain_text(
        sv("Not confirmed yet")
    )
    shot(page, "round-01-teacher-prepares")
    axe.check(page, "round, prepared (teacher)")

    # Each company confirms its places; LK lowers two to one.
    for member, places in ((rep, "1"), (rep2, "1")):
        company_page = new_page()
        sign_in(company_page, live_server, member.email)
        company_page.goto(live_url(live_server, "rounds:company_places"))
        company_page.get_by_label(sv("Places for the round")).fill(places)
        company_page.get_by_role("button", name=sv("Confirm the places")).click()
        expect(company_page.locator(".message-success")).to_be_visible()
        if member == rep:
            shot(company_page, "round-02-company-confirms")
            axe.check(company_page, "round places (company)")

    # The teacher opens the choices.
    page.reload()
    page.get_by_role("button", name=sv("Open the choices")).click()
    expect(page.locator(".message-success")).to_be_visible()

    # Every student wants Huddinge first, then LK (Sara only Huddinge).
    for n, student in enumerate(students):
        student_page = new_page()
        sign_in(student_page, live_server, student.email)
        rs = round_.students.get(student=student)
        student_page.goto(live_url(live_server, "rounds:choose", rs.pk))
        selects = student_page.get_by_label(sv("Rank"), exact=True)
        # The places are listed by company name: Huddinge Fräs AB, then LK Precision AB.
        selects.nth(0).select_option("1")
        if n < 2:
            selects.nth(1).select_option("2")
        student_page.get_by_label(sv("Why this place?")).first.fill("Jag vill lära mig fräsa.")
        if n == 0:
            shot(student_page, "round-03-student-ranks")
            axe.check(student_page, "round choices (student)")
        student_page.get_by_role("button", name=sv("Save my choices")).click()
        expect(student_page.locator(".message-success")).to_be_visible()

    # The teacher allocates (after ticking the confirmation).
    page.reload()
    page.get_by_label(sv("Close the choices now and allocate the places")).check()
    page.get_by_role("button", name=sv("Allocate")).click()
    expect(page.get_by_role("heading", name=sv("The matching"))).to_be_visible()
    round_.refresh_from_db()
    assert round_.status == RoundStatus.ALLOCATED
    shot(page, "round-04-teacher-sees-the-matching")
    axe.check(page, "round matching (teacher)")

    # A student who did not get Huddinge reads why.
    loser = Allocation.objects.filter(round_student__round=round_).exclude(explanation=[]).first()
    student_page = new_page()
    sign_in(student_page, live_server, loser.round_student.student.email)
    student_page.goto(live_url(live_server, "rounds:choose", loser.round_student_id))
    expect(
        student_page.get_by_role("heading", name=sv("Why not a place you ranked higher"))
    ).to_be_visible()
    expect(student_page.locator("main")).to_contain_text("lottnummer")
    shot(student_page, "round-05-student-reads-why")
    axe.check(student_page, "round result (student)")

    # LK confirms its student.
    company_page = new_page()
    sign_in(company_page, live_server, rep.email)
    company_page.goto(live_url(live_server, "rounds:company_places"))
    company_page.get_by_role("button", name=sv("Confirm the student")).click()
    expect(company_page.locator(".message-success")).to_be_visible()
    shot(company_page, "round-06-company-confirms-student")
    confirmed = Allocation.objects.get(place__offer=lk, status=AllocationStatus.CONFIRMED)
    assert confirmed.application.status == "accepted"
    axe.report()
