"""The language switch: the same page in the other language, remembered for signed-in users."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.helpers import url

pytestmark = pytest.mark.django_db


def switch(client, next_url, language):
    return client.post(reverse("set_language"), {"next": next_url, "language": language})


def test_switch_leads_to_the_same_page_in_english(client):
    swedish = url("partners:list")
    assert swedish.startswith("/sv/")

    response = switch(client, swedish, "en")

    assert response.status_code == 302
    assert response.url == url("partners:list", lang="en")
    assert response.url.startswith("/en/")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(response.url)
    assert page.status_code == 200
    assert '<html lang="en">' in page.content.decode()


def test_switch_back_to_swedish(client):
    response = switch(client, url("about", lang="en"), "sv")

    assert response.status_code == 302
    assert response.url == url("about")


def test_switch_saves_signed_in_users_language(client, student):
    client.force_login(student)

    response = switch(client, url("partners:list"), "en")

    assert response.url == url("partners:list", lang="en")
    student.refresh_from_db()
    assert student.language == "en"
    # The next login lands in English, whatever page the user signs in from.
    client.logout()
    response = client.post(
        url("account_login"), {"login": student.email, "password": "test-pass-2026!"}
    )
    assert response.url == url("dashboard", lang="en")


def test_switch_ignores_unknown_language(client, student):
    client.force_login(student)

    switch(client, url("partners:list"), "de")

    student.refresh_from_db()
    assert student.language == "sv"


def test_switch_does_not_redirect_off_site(client):
    response = switch(client, "https://evil.example/sv/", "en")

    assert response.status_code == 302
    assert "evil.example" not in response.url


def test_switch_is_post_only(client):
    assert client.get(reverse("set_language"), {"language": "en"}).status_code == 405


def test_language_chosen_before_signing_in_is_kept_after(client, student):
    from tests.factories import PASSWORD

    assert student.language == "sv"
    switch(client, url("home"), "en")

    response = client.post(
        url("account_login", lang="en"), {"login": student.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == url("dashboard", lang="en")
    student.refresh_from_db()
    assert student.language == "en"


def test_first_visit_in_the_default_language_keeps_a_stored_english_preference(client, student):
    from tests.factories import PASSWORD

    student.language = "en"
    student.save()

    response = client.post(url("account_login"), {"login": student.email, "password": PASSWORD})

    assert response.url == url("dashboard", lang="en")
    student.refresh_from_db()
    assert student.language == "en"
