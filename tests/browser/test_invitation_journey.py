"""A project lead invites a company contact from the admin; the contact opens the e-mailed link
in their own browser, sets a name and password and lands on their dashboard as a member.
Screenshots of each step go to screenshots/invitation-*.png."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from college_portal.accounts.models import Role, User
from partners.models import Membership
from tests.factories import PASSWORD
from tests.helpers import live_url, url

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Fräsning-5-axlig!"


def test_lead_invites_a_contact_who_joins_through_the_link(
    live_server, page, browser, browser_context_args, shot, lead, company, mailoutbox
):
    # The project lead signs in through the login page (Swedish, the default).
    page.goto(live_url(live_server, "account_login"))
    page.locator("#id_login").fill(lead.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form").get_by_role("button", name=re.compile("logga in", re.I)).click()
    expect(page).to_have_url(live_url(live_server, "dashboard"))

    # … opens the organisation in the admin …
    page.goto(live_url(live_server, "admin:partners_organisation_changelist"))
    page.get_by_role("link", name="LK Precision AB", exact=True).click()
    change_url = live_url(live_server, "admin:partners_organisation_change", object_id=company.pk)
    expect(page).to_have_url(change_url)
    shot(page, "invitation-01-admin-organisation")

    # … and follows "Invite contacts" (Swedish UI: found by where it leads).
    invite_path = url("admin:partners_organisation_invite", pk=company.pk)
    page.locator(f'.object-tools a[href="{invite_path}"]').click()
    expect(page).to_have_url(live_server.url + invite_path)
    page.locator("#id_addresses").fill("sara.nyberg@lkprecision.se")
    expect(page.locator("#id_language")).to_have_value("sv")
    shot(page, "invitation-02-invite-form")
    page.locator('input[type="submit"]').click()

    expect(page).to_have_url(change_url)
    expect(page.locator(".messagelist .success")).to_contain_text("1")
    shot(page, "invitation-03-sent")

    # One e-mail, to the invited address, with a personal link.
    (message,) = mailoutbox
    assert message.to == ["sara.nyberg@lkprecision.se"]
    (link,) = re.findall(r"https?://\S+", message.body)
    path = urlsplit(link).path
    assert path.startswith("/sv/")

    # The contact opens the link in a browser of their own (no session of the lead's).
    context = browser.new_context(**browser_context_args)
    try:
        invitee = context.new_page()
        invitee.set_default_timeout(5_000)
        invitee.goto(live_server.url + path)
        expect(invitee.get_by_role("heading", level=1)).to_contain_text("LK Precision AB")
        expect(invitee.locator("main")).to_contain_text("sara.nyberg@lkprecision.se")
        shot(invitee, "invitation-04-accept-form")

        invitee.locator("#id_full_name").fill("Sara Nyberg")
        invitee.locator("#id_password1").fill(NEW_PASSWORD)
        invitee.locator("#id_password2").fill(NEW_PASSWORD)
        invitee.locator("main form button[type=submit]").click()

        # Signed in, on the dashboard, which shows the organisation they now represent.
        expect(invitee).to_have_url(live_url(live_server, "dashboard"))
        expect(invitee.get_by_role("heading", level=1)).to_contain_text("Sara")
        organisation_link = invitee.locator("main").get_by_role("link", name="LK Precision AB")
        expect(organisation_link).to_be_visible()
        expect(organisation_link).to_have_attribute(
            "href", url("partners:detail", slug=company.slug)
        )
        shot(invitee, "invitation-05-dashboard")

        # The link is spent: opening it again explains that it has been used.
        invitee.goto(live_server.url + path)
        expect(invitee.locator("[role=alert]")).to_be_visible()
        shot(invitee, "invitation-06-link-used")
    finally:
        context.close()

    sara = User.objects.get(email="sara.nyberg@lkprecision.se")
    assert sara.role == Role.COMPANY_REP
    assert Membership.objects.filter(user=sara, organisation=company).exists()
