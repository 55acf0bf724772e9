"""A student creates an account, confirms the e-mail address and lands on their dashboard."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from college_portal.accounts.models import Role, User
from college_portal.notifications.models import Notification
from tests.helpers import url

PASSWORD = "Svarv-och-fras-2026"
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/\S+/confirm-email/[^/\s]+/)")


def sign_up(client, language, email, full_name, capture):
    with capture(execute=True):
        response = client.post(
            url("account_signup", lang=language),
            {
                "full_name": full_name,
                "email": email,
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    return response


def confirm_link(message):
    found = CONFIRM_LINK.search(message.body)
    assert found, f"no confirmation link in the mail:\n{message.body}"
    return found.group(1)


@pytest.mark.django_db
def test_student_signs_up_confirms_and_lands_on_swedish_dashboard(
    client, django_capture_on_commit_callbacks
):
    response = sign_up(
        client, "sv", "Lina.Nord@Example.org", "Lina Nord", django_capture_on_commit_callbacks
    )

    # The address is not confirmed yet: the student is told to check the mailbox.
    assert response.status_code == 302
    assert response.url == url("account_email_verification_sent")
    user = User.objects.get(email__iexact="lina.nord@example.org")
    assert user.role == Role.STUDENT
    assert user.full_name == "Lina Nord"
    assert user.language == "sv"
    assert not EmailAddress.objects.get(user=user).verified

    # One verification mail, sent through the outbox, in Swedish.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    notification = Notification.objects.get(recipient=user)
    assert notification.status == Notification.Status.SENT
    assert notification.language == "sv"
    with translation.override("sv"):
        swedish_subject = gettext("Please Confirm Your Email Address")
        swedish_greeting = gettext("Hello,")
    assert swedish_subject != "Please Confirm Your Email Address"
    assert swedish_subject in message.subject
    assert message.body.startswith(swedish_greeting)
    assert "Please Confirm" not in message.subject
    # The portal's Swedish, not allauth's ("epost-adress", "mailet").
    assert "e-postadress" in message.body
    assert "epost" not in message.body and "mailet" not in message.body

    link = confirm_link(message)
    assert link.startswith("/sv/")
    # Opening the link shows a confirmation form; confirming is a POST (no GET side effect).
    assert client.get(link).status_code == 200
    assert not EmailAddress.objects.get(user=user).verified
    response = client.post(link, follow=True)

    assert EmailAddress.objects.get(user=user).verified
    assert response.redirect_chain[-1][0] == url("dashboard")
    assert response.context["user"] == user
    assert response.context["user"].is_authenticated
    page = response.content.decode()
    assert '<html lang="sv">' in page
    assert "Lina" in page
    assert "lina.nord@example.org" in page


@pytest.mark.django_db
def test_english_signup_stores_english_and_mails_in_english(
    client, django_capture_on_commit_callbacks
):
    response = sign_up(
        client, "en", "sam@example.org", "Sam Reed", django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    user = User.objects.get(email="sam@example.org")
    assert user.language == "en"
    assert user.role == Role.STUDENT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Please Confirm Your Email Address" in message.subject
    assert message.body.startswith("Hello,")
    link = confirm_link(message)
    assert link.startswith("/en/")

    response = client.post(link)
    assert response.status_code == 302
    assert response.url == url("dashboard", lang="en")


@pytest.mark.django_db
def test_signup_mail_names_the_site(client, django_capture_on_commit_callbacks):
    sign_up(client, "en", "kim@example.org", "Kim Berg", django_capture_on_commit_callbacks)

    body = mail.outbox[0].body
    # The portal greets as itself (not "Hello from <host>!") and names the domain the
    # account is for.
    assert "Hello from" not in body
    assert body.rstrip().endswith("Teknikcollege Stockholm")
    assert "register an account on testserver." in body


@pytest.mark.django_db
def test_signup_mail_waits_for_the_commit(client, django_capture_on_commit_callbacks):
    """The verification mail is an outbox row first; it goes out only after the commit."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            url("account_signup"),
            {
                "full_name": "Ida Ek",
                "email": "ida@example.org",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    assert mail.outbox == []
    assert Notification.objects.get(email="ida@example.org").status == "pending"
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_signup_with_taken_address_creates_no_second_account(
    client, student, django_capture_on_commit_callbacks
):
    sign_up(client, "sv", student.email, "Someone Else", django_capture_on_commit_callbacks)

    assert User.objects.filter(email__iexact=student.email).count() == 1
    assert User.objects.get(email=student.email).full_name == "Elsa Lindqvist"
