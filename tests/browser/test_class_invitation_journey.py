"""A class invitation in a real browser, on the demo partnership and in Swedish: the demo
teacher follows "Invite a class" from her dashboard, pastes two addresses (one mistyped), is
told which one was left out; the new student opens the e-mailed link in a browser of her own,
creates her account from it, confirms her address, comes back to the invitation and joins; the
teacher sees her as joined. Every page of the portal's own passes axe's WCAG A/AA rules.
Screenshots go to screenshots/class-invitation-*.png."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from placements.models import StudentProfile
from tests.browser.test_placement_journeys import TEACHER, sign_in
from tests.helpers import sv, url

pytestmark = pytest.mark.browser

NEW_STUDENT = "ny.elev@example.org"
NEW_PASSWORD = "Svarv-och-fras-2026"
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/\S+/confirm-email/[^/\s]+/)")


def test_teacher_invites_a_class_and_a_new_student_joins(
    live_server, page, new_page, shot, demo, axe, mailoutbox
):
    invite_path = url("placements:invite_class")

    # The teacher follows "Invite a class" from her dashboard.
    sign_in(page, live_server, TEACHER)
    page.locator("main").get_by_role("link", name=sv("Invite a class")).click()
    expect(page).to_have_url(live_server.url + invite_path)
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Invite a class"))
    axe.check(page, "invite a class (teacher)")

    # Sending without a class name is refused with an error summary.
    page.get_by_label(sv("The students' e-mail addresses")).fill(NEW_STUDENT)
    page.get_by_role("button", name=sv("Send invitations")).click()
    expect(page.locator(".error-summary")).to_be_visible()
    shot(page, "class-invitation-01-form-error")
    axe.check(page, "invite a class, class missing (teacher)")

    # One valid address and one mistyped: the valid one is invited, the other reported.
    page.get_by_label(sv("Class"), exact=True).fill("TE24B")
    page.get_by_label(sv("The students' e-mail addresses")).fill(f"{NEW_STUDENT}\nny.elev@")
    page.get_by_role("button", name=sv("Send invitations")).click()
    expect(page).to_have_url(live_server.url + invite_path + "?class=TE24B")
    expect(page.locator(".message-warning")).to_contain_text("ny.elev@")
    expect(page.get_by_label(sv("Class"), exact=True)).to_have_value("TE24B")
    expect(page.get_by_role("row").filter(has_text=NEW_STUDENT)).to_contain_text(
        sv("Not yet accepted")
    )
    shot(page, "class-invitation-02-sent")
    axe.check(page, "invite a class, one address left out (teacher)")

    (message,) = mailoutbox
    assert message.to == [NEW_STUDENT]
    (link,) = re.findall(r"https?://\S+", message.body)
    path = urlsplit(link).path
    assert path.startswith("/sv/klassinbjudan/")
    mailoutbox.clear()

    # The student opens the link in her own browser and creates her account from it.
    student = new_page()
    student.goto(live_server.url + path)
    expect(student.get_by_role("heading", level=1)).to_contain_text("TE24B")
    expect(student.locator("main")).to_contain_text(NEW_STUDENT)
    shot(student, "class-invitation-03-link-signed-out")
    axe.check(student, "class invitation, signed out (student)")
    student.locator("main").get_by_role("link", name=sv("Create student account")).click()
    student.locator("#id_full_name").fill("Nora Elev")
    student.locator("#id_email").fill(NEW_STUDENT)
    student.locator("#id_password1").fill(NEW_PASSWORD)
    student.locator("#id_password2").fill(NEW_PASSWORD)
    student.locator("main form button[type=submit]").click()
    expect(student).to_have_url(live_server.url + url("account_email_verification_sent"))

    # She confirms her address; back on the invitation, signed in, she joins the class.
    (confirmation,) = mailoutbox
    student.goto(live_server.url + CONFIRM_LINK.search(confirmation.body).group(1))
    student.locator("main form button[type=submit]").click()
    expect(student).to_have_url(live_server.url + path)
    join = student.get_by_role("button", name=re.compile("TE24B"))
    expect(join).to_be_visible()
    shot(student, "class-invitation-04-link-signed-in")
    axe.check(student, "class invitation, signed in (student)")
    join.click()
    expect(student).to_have_url(live_server.url + url("dashboard"))
    expect(student.locator(".message-success")).to_contain_text("TE24B")
    shot(student, "class-invitation-05-joined")

    # The link is spent; the teacher sees the student as joined.
    student.goto(live_server.url + path)
    expect(student.locator("[role=alert]")).to_have_text(
        sv("This invitation has already been used.")
    )
    axe.check(student, "class invitation, used (student)")
    page.goto(live_server.url + invite_path)
    expect(page.get_by_role("row").filter(has_text=NEW_STUDENT)).to_contain_text(sv("Joined"))
    shot(page, "class-invitation-06-joined-teacher")

    profile = StudentProfile.objects.select_related("school", "school_confirmed_by").get(
        user__email=NEW_STUDENT
    )
    assert profile.school.name == "Täljegymnasiet"
    assert profile.school_confirmed_by.email == TEACHER
    report = axe.report()
    assert not report, f"axe found WCAG A/AA violations:\n{report}"
