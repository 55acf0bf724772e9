"""Rate limits count the right people: the client's address as the trusted proxy reports it
(never an address a client writes itself), a school network's class gets its burst, and wrong
passwords lock an account only for the address they came from."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from college_portal.accounts.ratelimits import _parse_networks
from tests.factories import PASSWORD, UserFactory
from tests.helpers import url

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
PROXY = "10.0.0.2"  # the TLS proxy in front of the portal


@pytest.fixture
def behind_one_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def log_in(client, email, password, forwarded_for=None):
    headers = {"REMOTE_ADDR": PROXY}
    if forwarded_for:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(url("account_login"), {"login": email, "password": password}, **headers)


def too_many(response):
    with translation.override("sv"):
        message = str(get_adapter().error_messages["too_many_login_attempts"])
    form = response.context and response.context.get("form")
    return bool(form) and message in [str(e) for e in form.non_field_errors()]


def signed_in(client, user):
    return client.session.get("_auth_user_id") == str(user.pk)


def test_bad_passwords_from_one_address_do_not_block_another(client, student, behind_one_proxy):
    for attempt in range(10):
        log_in(client, f"guess{attempt}@example.org", "wrong", forwarded_for="198.51.100.7")
    blocked = log_in(client, student.email, PASSWORD, forwarded_for="198.51.100.7")

    assert blocked.status_code == 200
    assert too_many(blocked), "the guessing address is limited"
    response = log_in(client, student.email, PASSWORD, forwarded_for="198.51.100.8")
    assert response.status_code == 302
    assert signed_in(client, student)


def test_the_address_is_the_one_our_proxy_appended(client, student, behind_one_proxy):
    # A client may write anything in front; the last entry is the one our proxy added.
    for attempt in range(10):
        log_in(client, f"guess{attempt}@example.org", "wrong", f"203.0.113.{attempt}, 198.51.100.7")

    assert too_many(log_in(client, student.email, PASSWORD, "203.0.113.99, 198.51.100.7"))


def test_a_class_behind_a_trusted_school_network_signs_in_together(
    client, settings, behind_one_proxy
):
    settings.TRUSTED_SCHOOL_NETWORKS = ["10.20.0.0/16", "192.0.2.0/24"]
    students = [UserFactory(email=f"elev{i}@example.org") for i in range(40)]

    answers = []
    for person in students:
        answers.append(log_in(client, person.email, PASSWORD, "10.20.3.4").status_code)
        client.logout()

    assert answers == [302] * 40


def test_an_untrusted_network_gets_the_ordinary_limit(client, settings, behind_one_proxy):
    settings.TRUSTED_SCHOOL_NETWORKS = ["10.20.0.0/16"]
    students = [UserFactory(email=f"elev{i}@example.org") for i in range(31)]

    answers = []
    for person in students:
        answers.append(log_in(client, person.email, PASSWORD, "10.21.3.4").status_code)
        client.logout()

    assert answers == [302] * 30 + [429]


def test_wrong_passwords_for_the_lead_lock_only_the_strangers_address(
    client, lead, behind_one_proxy
):
    stranger, lead_at_work = "198.51.100.66", "192.0.2.10"
    for _attempt in range(5):
        assert log_in(client, lead.email, "guess", stranger).status_code == 200

    # The stranger is still locked out of the lead's account, even with the right password...
    still_limited = log_in(client, lead.email, PASSWORD, stranger)
    assert too_many(still_limited)
    assert not signed_in(client, lead)
    # ...and the lead signs in from their own address.
    response = log_in(client, lead.email, PASSWORD, lead_at_work)
    assert response.status_code == 302
    assert signed_in(client, lead)


def test_a_forwarded_for_header_is_ignored_without_a_trusted_proxy(client, student, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    # Ten failures, each claiming another address: all are the connecting address's.
    for attempt in range(10):
        log_in(client, f"guess{attempt}@example.org", "wrong", f"203.0.113.{attempt}")

    response = log_in(client, student.email, PASSWORD, "203.0.113.200")

    assert too_many(response), "spoofing X-Forwarded-For evades no limit"
    assert not signed_in(client, student)


def test_a_request_that_skipped_the_proxies_is_counted_not_refused(client, student, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2

    response = log_in(client, student.email, PASSWORD, "198.51.100.7")  # one entry, not two

    assert response.status_code == 302
    assert signed_in(client, student)


def test_a_client_address_header_set_by_the_proxy(client, student, settings):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    for attempt in range(10):
        client.post(
            url("account_login"),
            {"login": f"guess{attempt}@example.org", "password": "wrong"},
            REMOTE_ADDR=PROXY,
            HTTP_X_REAL_IP="198.51.100.7",
        )

    other = client.post(
        url("account_login"),
        {"login": student.email, "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_REAL_IP="198.51.100.8",
    )

    assert other.status_code == 302


def test_a_malformed_school_network_stops_the_start():
    with pytest.raises(ImproperlyConfigured):
        _parse_networks(("10.20.0.0/16", "not-a-network"))


def settings_with(**environment):
    script = (
        "import json; from college_portal import settings as s; print(json.dumps(["
        "s.ALLAUTH_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER, "
        "s.TRUSTED_SCHOOL_NETWORKS]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTED_")}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_proxies_and_school_networks_come_from_the_environment():
    assert settings_with() == [0, None, []]
    assert settings_with(
        TRUSTED_PROXY_COUNT="1",
        TRUSTED_CLIENT_IP_HEADER="X-Real-IP",
        TRUSTED_SCHOOL_NETWORKS="10.20.0.0/16,192.0.2.0/24",
    ) == [1, "X-Real-IP", ["10.20.0.0/16", "192.0.2.0/24"]]
