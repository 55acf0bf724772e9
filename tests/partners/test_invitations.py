"""Invitations: a project lead or an organisation admin invites contacts by e-mail; the link
creates the account (or joins a signed-in one) once, for the invited address only."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from college_portal.accounts.models import Role, User
from partners.models import Invitation, Membership, MembershipRole
from partners.services import InvitationError, accept_invitation, invite
from tests.factories import PASSWORD
from tests.helpers import link_path, make_invitation, url

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Fräsning-5-axlig!"


def admin_invite_url(organisation):
    return url("admin:partners_organisation_invite", pk=organisation.pk)


def invite_data(addresses, language="sv", role=MembershipRole.REPRESENTATIVE):
    return {"addresses": addresses, "role": role, "language": language}


def accept_data(**overrides):
    return {
        "full_name": "Sara Nyberg",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }


@pytest.fixture
def invited(company, lead, mailoutbox, django_capture_on_commit_callbacks):
    """sara@example.org invited to LK Precision by the lead; returns the link's path."""
    with django_capture_on_commit_callbacks(execute=True):
        invite(organisation=company, email="Sara@Example.org", invited_by=lead, language="sv")
    (message,) = mailoutbox
    mailoutbox.clear()
    return link_path(message)


# --- Sending, from the admin ---------------------------------------------------------------


def test_admin_invite_reports_an_invalid_address_and_sends_nothing(
    lead_client, company, mailoutbox, django_capture_on_commit_callbacks
):
    with translation.override("en"):
        page = reverse("admin:partners_organisation_invite", args=[company.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(page, invite_data("a@x.se; B@x.se\nbad"))

    assert response.status_code == 200
    assert response.context["form"].errors["addresses"] == [
        "These are not valid e-mail addresses: bad"
    ]
    assert "bad" in response.content.decode()
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_admin_invite_sends_one_email_per_address(
    lead_client, company, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(
            admin_invite_url(company), invite_data("a@x.se; B@x.se\n  a@x.se ,", language="en")
        )

    assert response.status_code == 302
    assert response["Location"] == url("admin:partners_organisation_change", object_id=company.pk)
    assert sorted(m.to[0] for m in mailoutbox) == ["a@x.se", "b@x.se"]
    assert sorted(Invitation.objects.values_list("email", flat=True)) == ["a@x.se", "b@x.se"]
    for message in mailoutbox:
        assert message.subject == (
            "Invitation to represent LK Precision AB in Teknikcollege Stockholm"
        )
        assert link_path(message).startswith("/en/")


def test_invitation_email_follows_the_chosen_language(
    lead_client, company, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lead_client.post(admin_invite_url(company), invite_data("sv@x.se", language="sv"))
        lead_client.post(admin_invite_url(company), invite_data("en@x.se", language="en"))

    by_address = {m.to[0]: m for m in mailoutbox}
    swedish, english = by_address["sv@x.se"], by_address["en@x.se"]
    assert english.subject == "Invitation to represent LK Precision AB in Teknikcollege Stockholm"
    assert swedish.subject != english.subject
    assert "LK Precision AB" in swedish.subject
    assert link_path(swedish).startswith("/sv/")
    assert link_path(english).startswith("/en/")
    assert Invitation.objects.get(email="sv@x.se").language == "sv"


def test_non_staff_cannot_open_the_admin_invite_page(client, rep, company):
    client.force_login(rep)

    opened = client.get(admin_invite_url(company), follow=True)
    posted = client.post(admin_invite_url(company), invite_data("a@x.se"), follow=True)

    assert opened.redirect_chain[0][0].startswith(url("admin:login"))
    assert opened.status_code == posted.status_code == 403
    assert not Invitation.objects.exists()


# --- Accepting -----------------------------------------------------------------------------


def test_new_person_accepts_through_the_emailed_link(client, company, invited):
    page = client.get(invited)
    assert page.status_code == 200
    assert "sara@example.org" in page.content.decode()

    response = client.post(invited, accept_data(), follow=True)

    user = User.objects.get(email="sara@example.org")
    assert user.role == Role.COMPANY_REP
    assert user.full_name == "Sara Nyberg"
    assert user.check_password(NEW_PASSWORD)
    assert Membership.objects.filter(user=user, organisation=company).exists()
    assert Invitation.objects.get().accepted_by == user
    assert response.redirect_chain[-1][0] == url("dashboard")
    assert response.context["user"] == user
    assert "LK Precision AB" in response.content.decode()


def test_invited_school_staff_get_the_school_staff_role(
    client, school, lead, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(organisation=school, email="apl@skola.se", invited_by=lead)

    client.post(link_path(mailoutbox[0]), accept_data(full_name="Ali Karimi"))

    user = User.objects.get(email="apl@skola.se")
    assert user.role == Role.SCHOOL_STAFF
    assert user.memberships.get().organisation == school


def test_invited_admin_role_is_kept(client, company, lead):
    make_invitation(company, "chef@lk.se", token="chef-token", role=MembershipRole.ADMIN)

    client.post(url("partners:invitation", token="chef-token"), accept_data())

    assert Membership.objects.get(user__email="chef@lk.se").role == MembershipRole.ADMIN


def test_mismatched_passwords_create_no_account(client, company, invited):
    response = client.post(invited, accept_data(password2="något annat"))

    assert response.status_code == 200
    assert response.context["form"].errors["password2"]
    assert not User.objects.filter(email="sara@example.org").exists()


def test_expired_link_shows_a_clear_page_and_joins_nobody(client, company):
    invitation = make_invitation(company, "sen@lk.se", token="old-token", expires_in_days=-1)
    link = url("partners:invitation", lang="en", token="old-token")

    page = client.get(link)
    posted = client.post(link, accept_data())

    assert page.status_code == posted.status_code == 410
    assert "This invitation has expired" in page.content.decode()
    assert not User.objects.filter(email="sen@lk.se").exists()
    assert not Membership.objects.exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_used_link_cannot_be_used_again(client, company, invited):
    client.post(invited, accept_data())
    client.logout()

    again = client.get(invited)
    posted = client.post(invited, accept_data(full_name="Someone Else"))

    assert again.status_code == posted.status_code == 410
    assert again.context["reason"] == posted.context["reason"]
    assert User.objects.get(email="sara@example.org").full_name == "Sara Nyberg"
    assert Membership.objects.count() == 1


def test_tampered_token_gives_a_404_page_that_explains(client, company, invited):
    tampered = invited.rstrip("/")[:-3] + "xyz/"

    response = client.get(tampered)

    assert response.status_code == 404
    assert response.context["reason"]
    assert str(response.context["reason"]) in response.content.decode()
    assert not Membership.objects.exists()


def test_tampered_token_explanation_in_english(client, company):
    make_invitation(company, "x@lk.se", token="the-real-token")

    response = client.get(url("partners:invitation", lang="en", token="the-real-tokem"))

    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_someone_else_signed_in_gets_410_and_nothing_changes(client, colleague, company, invited):
    client.force_login(colleague)

    page = client.get(invited)
    posted = client.post(invited, accept_data())

    assert page.status_code == posted.status_code == 410
    assert Invitation.objects.get().accepted_at is None
    assert not User.objects.filter(email="sara@example.org").exists()
    assert list(colleague.memberships.values_list("organisation", flat=True)) == [company.pk]
    colleague.refresh_from_db()
    assert colleague.email == "per@example.org"


def test_signed_in_invitee_joins_with_their_existing_account(client, company2, rep2, lead):
    make_invitation(company2, "jonas@example.org", token="second-org")  # rep2's address
    client.force_login(rep2)
    link = url("partners:invitation", token="second-org")

    page = client.get(link)
    response = client.post(link)

    assert page.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == url("dashboard")
    assert Membership.objects.filter(user=rep2, organisation=company2).count() == 1


def test_existing_account_must_sign_in_before_accepting(client, company, colleague):
    make_invitation(company, "per@example.org", token="per-token")

    response = client.post(url("partners:invitation", token="per-token"), accept_data())

    assert response.status_code == 410
    assert not User.objects.get(email="per@example.org").check_password(NEW_PASSWORD)
    assert User.objects.get(email="per@example.org").check_password(PASSWORD)


def test_student_cannot_join_an_organisation(client, student, company):
    make_invitation(company, student.email, token="student-token")
    client.force_login(student)

    response = client.post(url("partners:invitation", token="student-token"))

    assert response.status_code == 410
    assert not student.memberships.exists()
    assert Invitation.objects.get().accepted_at is None


def test_double_post_of_accept_makes_one_membership(client, company, invited):
    first = client.post(invited, accept_data())
    second = client.post(invited, accept_data())

    assert first.status_code == 302
    assert second.status_code == 410
    assert Membership.objects.filter(user__email="sara@example.org").count() == 1
    assert User.objects.filter(email="sara@example.org").count() == 1


def test_accepting_twice_in_the_service_is_refused(company, lead):
    invitation = make_invitation(company, "dubbel@lk.se", token="twice")
    user = accept_invitation(invitation_id=invitation.pk, full_name="A", password=NEW_PASSWORD)

    # Two requests may both pass the view's check before either commits; the locked re-check
    # inside the service is what stops the second.
    with pytest.raises(InvitationError):
        accept_invitation(invitation_id=invitation.pk, user=user)

    assert Membership.objects.filter(user=user).count() == 1


# --- Organisation admins invite to their own organisation only -----------------------------


def test_organisation_admin_invites_colleagues_to_own_organisation(
    client, rep, company, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(rep)
    page = url("partners:invite", slug=company.slug)

    assert client.get(page).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page, invite_data("ny@lk.se"))

    assert response.status_code == 302
    assert response["Location"] == url("dashboard")
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.organisation, invitation.invited_by) == (
        "ny@lk.se",
        company,
        rep,
    )
    assert [m.to for m in mailoutbox] == [["ny@lk.se"]]


def test_organisation_admin_cannot_invite_to_another_organisation(
    client, rep, company2, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(rep)
    page = url("partners:invite", slug=company2.slug)

    with django_capture_on_commit_callbacks(execute=True):
        opened = client.get(page)
        posted = client.post(page, invite_data("spion@x.se"))

    assert opened.status_code == posted.status_code == 404
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_representative_who_is_not_admin_cannot_invite(client, colleague, company):
    client.force_login(colleague)
    page = url("partners:invite", slug=company.slug)

    opened = client.get(page)
    posted = client.post(page, invite_data("ny@lk.se"))

    assert opened.status_code == posted.status_code == 404
    assert not Invitation.objects.exists()


def test_invite_service_refuses_another_organisation(rep, company2):
    with pytest.raises(PermissionDenied):
        invite(organisation=company2, email="ny@x.se", invited_by=rep)

    assert not Invitation.objects.exists()


def test_invite_service_skips_existing_members(lead_client, company, colleague, mailoutbox):
    response = lead_client.post(
        admin_invite_url(company), invite_data("per@example.org"), follow=True
    )

    assert not Invitation.objects.exists()
    assert any("per@example.org" in str(m) for m in response.context["messages"])


def test_invitation_expires_after_fourteen_days(company, lead):
    invitation = invite(organisation=company, email="ny@lk.se", invited_by=lead)

    remaining = invitation.expires_at - timezone.now()
    assert timedelta(days=13, hours=23) < remaining <= timedelta(days=14)


# --- Pasted lists --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pasted", "valid", "invalid"),
    [
        ("a@x.se; B@x.se\nbad", ["a@x.se", "b@x.se"], ["bad"]),
        ("Karin Berg <Karin@LK.se>, per@lk.se", ["karin@lk.se", "per@lk.se"], []),
        # Outlook's "Last, First <address>; …": the comma belongs to the name.
        ("Berg, Karin <karin@lk.se>; Ek, Jonas <jonas@lk.se>", ["karin@lk.se", "jonas@lk.se"], []),
        ('"Berg, Karin" <karin@lk.se>\nper@lk.se', ["karin@lk.se", "per@lk.se"], []),
        ("a@x.se, A@X.se,\n\n a@x.se ;", ["a@x.se"], []),
        ("a@x.se b@x.se", [], ["a@x.se b@x.se"]),
        ("Karin <karin-at-lk.se>", [], ["karin-at-lk.se"]),
    ],
)
def test_pasted_address_lists(pasted, valid, invalid):
    from partners.services import parse_addresses

    assert parse_addresses(pasted) == (valid, invalid)


def test_outlook_list_invites_everyone_in_it(
    lead_client, company, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(
            admin_invite_url(company),
            invite_data("Berg, Karin <karin@lk.se>; Ek, Jonas <jonas@lk.se>"),
        )

    assert response.status_code == 302
    assert sorted(m.to[0] for m in mailoutbox) == ["jonas@lk.se", "karin@lk.se"]


def test_student_sees_the_refusal_before_any_join_button(client, student, company):
    make_invitation(company, student.email, token="student-get-token")
    client.force_login(student)
    response = client.get(url("partners:invitation", token="student-get-token"))
    assert response.status_code == 410
    assert Membership.objects.filter(user=student).count() == 0


def test_inviting_to_an_inactive_organisation_is_refused(company, lead, mailoutbox):
    company.active = False
    company.save()
    with pytest.raises(ValidationError):
        invite(organisation=company, email="sara@example.org", invited_by=lead)
    assert not Invitation.objects.exists()
