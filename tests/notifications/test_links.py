"""Links in e-mail lead to the portal's real address: PORTAL_BASE_URL when set, otherwise the
host the request that caused the mail came in on, so a server on another port sends working
links; mail written outside any request falls back to the local default."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from college_portal.notifications.links import FALLBACK_BASE_URL
from college_portal.notifications.models import Notification
from college_portal.notifications.services import notify
from tests.factories import SlotFactory

pytestmark = pytest.mark.django_db

HOST = "portal.example:8123"


@pytest.fixture
def portal_host(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "portal.example"]
    settings.PORTAL_BASE_URL = ""


@pytest.fixture
def slot(company):
    return SlotFactory(offer__organisation=company)


def book_on(client, slot, student, commit, **extra):
    client.force_login(student)
    with translation.override("sv"):
        address = reverse("placements:book", args=[slot.offer_id])
    with commit():
        response = client.post(address, {"slot": slot.pk}, **extra)
    assert response.status_code == 302
    [message] = mail.outbox
    return message


def links(message):
    return re.findall(r"https?://[^\s\"<]+", message.body)


def calendar_url(message):
    [(_name, content, _type)] = message.attachments
    [event] = Calendar.from_ical(content).walk("VEVENT")
    return str(event["url"])


def test_mail_caused_by_a_request_links_to_the_host_it_came_in_on(
    client, portal_host, slot, student, commit
):
    message = book_on(client, slot, student, commit, HTTP_HOST=HOST)

    assert links(message), message.body
    assert all(link.startswith(f"http://{HOST}/") for link in links(message)), message.body
    assert calendar_url(message).startswith(f"http://{HOST}/")
    html = message.alternatives[0][0]
    assert f'href="http://{HOST}/' in html


def test_portal_base_url_wins_over_the_request_host(
    client, portal_host, settings, slot, student, commit
):
    settings.PORTAL_BASE_URL = "https://portal.teknikcollege.example"

    message = book_on(client, slot, student, commit, HTTP_HOST=HOST)

    assert links(message)
    assert all(link.startswith("https://portal.teknikcollege.example/") for link in links(message))
    assert calendar_url(message).startswith("https://portal.teknikcollege.example/")


def test_mail_written_after_a_request_does_not_keep_its_host(client, portal_host, student):
    client.force_login(student)
    client.get("/", HTTP_HOST=HOST)

    # A scheduled job, later, outside any request.
    notification = notify(kind="account_email", event_key="job:1", email=student.email)

    assert notification.context["base_url"] == FALLBACK_BASE_URL


def test_the_address_is_stored_with_the_notification(client, portal_host, slot, student, commit):
    """A worker or the scheduler may send it later, in another process."""
    book_on(client, slot, student, commit, HTTP_HOST=HOST)

    [notification] = Notification.objects.filter(kind="booking_confirmed")
    assert notification.context["base_url"] == f"http://{HOST}"
