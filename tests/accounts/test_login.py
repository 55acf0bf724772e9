"""Signing in: by e-mail, rate-limited, into the user's own language, admin behind allauth."""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.adapter import get_adapter
from django.utils import translation

from tests.factories import PASSWORD, UserFactory
from tests.helpers import url

pytestmark = pytest.mark.django_db


def log_in(client, email, password=PASSWORD, language="sv"):
    return client.post(url("account_login", lang=language), {"login": email, "password": password})


def form_errors(response):
    return [str(error) for error in response.context["form"].non_field_errors()]


def test_login_with_email_lands_on_the_dashboard(client, student):
    response = log_in(client, "Elsa@Example.org")

    assert response.status_code == 302
    assert response.url == url("dashboard")
    page = client.get(response.url)
    assert page.status_code == 200
    assert page.context["user"] == student
    assert "Elsa Lindqvist" in page.content.decode()


def test_wrong_password_is_refused(client, student):
    response = log_in(client, student.email, "not-the-password")

    assert response.status_code == 200
    assert form_errors(response)
    assert not response.context["user"].is_authenticated
    with translation.override("sv"):
        expected = str(get_adapter().error_messages["email_password_mismatch"])
    assert expected in form_errors(response)


def test_repeated_failures_lock_the_login(client, student):
    for _attempt in range(5):
        response = log_in(client, student.email, "guess-again")
        assert response.status_code == 200

    # The sixth try is refused as too many, even with the right password.
    response = log_in(client, student.email)
    assert response.status_code == 200
    with translation.override("sv"):
        too_many = str(get_adapter().error_messages["too_many_login_attempts"])
    assert too_many in form_errors(response)
    assert not response.context["user"].is_authenticated
    assert "_auth_user_id" not in client.session


def test_failures_below_the_limit_do_not_lock(client, student):
    for _attempt in range(3):
        log_in(client, student.email, "guess-again")

    response = log_in(client, student.email)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(student.pk)


def test_english_user_lands_on_english_dashboard(client):
    user = UserFactory(email="sam@example.org", full_name="Sam Reed", language="en")

    response = log_in(client, user.email, language="sv")

    assert response.status_code == 302
    assert response.url == url("dashboard", lang="en")
    assert response.url.startswith("/en/")
    # The language is remembered for pages without a language prefix.
    assert response.cookies["portal_language"].value == "en"
    page = client.get(response.url)
    assert '<html lang="en">' in page.content.decode()


def test_swedish_user_signing_in_on_english_page_lands_on_swedish_dashboard(client, student):
    response = log_in(client, student.email, language="en")

    assert response.status_code == 302
    assert response.url == url("dashboard")


def test_admin_login_goes_through_allauth(client):
    admin_login = url("admin:login")

    response = client.get(admin_login)

    assert response.status_code == 302
    target = urlsplit(response.url)
    assert target.path == url("account_login")
    assert parse_qs(target.query)["next"] == [admin_login]


def test_admin_login_post_cannot_bypass_allauth(client, lead):
    response = client.post(url("admin:login"), {"username": lead.email, "password": PASSWORD})

    assert response.status_code == 302
    assert urlsplit(response.url).path == url("account_login")
    assert "_auth_user_id" not in client.session


def test_lead_reaches_admin_after_allauth_login(client, lead):
    admin_index = url("admin:index")
    response = client.post(
        url("account_login"),
        {"login": lead.email, "password": PASSWORD, "next": admin_index},
    )

    assert response.status_code == 302
    assert response.url == admin_index
    assert client.get(admin_index).status_code == 200


def test_unverified_user_cannot_log_in(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="new@example.org")
    user.emailaddress_set.update(verified=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = log_in(client, user.email)

    assert response.status_code == 302
    assert response.url == url("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert client.get(url("dashboard")).status_code == 302
