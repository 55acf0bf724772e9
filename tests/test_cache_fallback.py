"""The cache survives Redis faults: with Redis down (connection refused) or hung (a listener
that accepts and never answers), signing in, signing up, resetting and changing a password and
adding an e-mail address work within a second, rate-limited through the process's own cache;
public pages are served; readiness still reports Redis; one warning per outage and one info
line when Redis answers again."""

import contextlib
import logging
import shutil
import socket
import subprocess
import time

import pytest
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import translation

from college_portal.accounts.models import User
from college_portal.resilient_cache import ResilientRedisCache
from tests.conftest import require
from tests.factories import PASSWORD
from tests.helpers import HungServer, closed_port, url

BACKEND = "college_portal.resilient_cache.ResilientRedisCache"
LOGGER = "college_portal.resilient_cache"
# Every request during an outage, the one that meets it first included.
WITHIN = 1.0


@pytest.fixture(autouse=True)
def no_outage_known_yet():
    """Each test starts as a process that has seen no outage: a port an earlier test of the
    run left "down" (ports are reused) would otherwise swallow this test's first warning."""
    from college_portal import resilient_cache

    with resilient_cache._breakers_lock:
        resilient_cache._breakers.clear()
    yield


def backend(port, **options):
    return ResilientRedisCache(
        f"redis://127.0.0.1:{port}/0", {"KEY_PREFIX": "test", "OPTIONS": options}
    )


def outage_records(caplog, level):
    return [r for r in caplog.records if r.name == LOGGER and r.levelno == level]


def timed(call, *args, **kwargs):
    start = time.monotonic()
    result = call(*args, **kwargs)
    return result, time.monotonic() - start


def exercise(cache):
    """Every operation the portal's cache users make (allauth, the page cache)."""
    assert cache.add("lock", True, 10) is True
    assert cache.add("lock", True, 10) is False
    cache.set("history", [1.0, 2.0], 60)
    assert cache.get("history") == [1.0, 2.0]
    assert cache.get("missing", []) == []
    assert cache.has_key("history")
    assert cache.touch("history", 60)
    cache.set_many({"a": 1, "b": 2})
    assert cache.get_many(["a", "b"]) == {"a": 1, "b": 2}
    assert cache.incr("a") == 2
    with pytest.raises(ValueError):
        cache.incr("no-version-yet")
    cache.delete("lock")
    cache.delete_many(["a", "b"])
    assert cache.get("lock") is None


# --- the backend ------------------------------------------------------------------------------


def test_redis_down_the_cache_works_from_the_process(caplog):
    cache = backend(closed_port())

    _, elapsed = timed(exercise, cache)

    assert elapsed < WITHIN
    warnings = outage_records(caplog, logging.WARNING)
    assert len(warnings) == 1, "one warning per outage, not per call"
    assert "unavailable" in warnings[0].getMessage()


def test_hung_redis_costs_one_short_wait_then_none(caplog):
    with HungServer() as hung:
        cache = backend(hung.port)

        _, first = timed(cache.get, "key")
        _, rest = timed(exercise, cache)
        accepted = hung.accepted

    assert first < 0.7, "the read timeout is short (0.3 s)"
    assert rest < 0.2, "the circuit is open: nobody waits for Redis again"
    assert accepted == 1, "no new attempt on Redis while the circuit is open"
    assert len(outage_records(caplog, logging.WARNING)) == 1


def test_threads_share_the_open_circuit_and_the_fallback():
    with HungServer() as hung:
        first_thread = backend(hung.port)
        first_thread.set("history", [1.0])
        # Django makes a backend per thread: another thread's is another instance.
        other_thread = backend(hung.port)
        value, elapsed = timed(other_thread.get, "history")

    assert value == [1.0]
    assert elapsed < 0.2, "the other thread did not wait for Redis"


def test_redis_is_tried_again_after_the_wait(caplog):
    with HungServer() as hung:
        cache = backend(hung.port, retry_redis_after=0.2)
        cache.get("key")
        time.sleep(0.25)
        cache.get("key")  # one request tries Redis again (and waits its timeout)
        cache.get("key")
        accepted = hung.accepted

    assert accepted == 2
    assert len(outage_records(caplog, logging.WARNING)) == 1, "still the same outage"


@contextlib.contextmanager
def redis_server(port):
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        yield process
    finally:
        process.kill()
        process.wait()


def test_redis_back_is_used_again_and_logged_once(caplog):
    require(shutil.which("redis-server"), "redis-server is not installed")
    import redis

    caplog.set_level(logging.INFO, logger=LOGGER)
    port = closed_port()
    cache = backend(port, retry_redis_after=0.2)
    with redis_server(port):
        cache.set("before", 1)
        assert redis.Redis(port=port).keys("*before*"), "Redis is used while it answers"
    # Redis stopped: the outage begins.
    cache.set("during", 2)
    cache.get("during")
    assert cache.get("during") == 2
    time.sleep(0.25)
    with redis_server(port):
        time.sleep(0.05)
        assert cache.get("during") is None, "back on Redis (started empty)"
        cache.set("after", 3)
        in_redis = redis.Redis(port=port).keys("*after*")
    cache_after_restart = backend(port)

    assert in_redis, "written to Redis again"
    assert len(outage_records(caplog, logging.WARNING)) == 1
    infos = outage_records(caplog, logging.INFO)
    assert len(infos) == 1
    assert "answers again" in infos[0].getMessage()
    # The fallback was emptied: a later outage does not bring back what the last one held.
    assert cache_after_restart._fallback.get("during") is None


# --- the portal during an outage --------------------------------------------------------------


@pytest.fixture(params=["down", "hung"])
def redis_outage(request, settings):
    """The portal's cache on a Redis that is down or hung."""
    with contextlib.ExitStack() as stack:
        if request.param == "down":
            port = closed_port()
        else:
            port = stack.enter_context(HungServer()).port
        settings.CACHES = {
            "default": {
                "BACKEND": BACKEND,
                "LOCATION": f"redis://127.0.0.1:{port}/0",
                "KEY_PREFIX": "portal",
            }
        }
        yield request.param


def post(client, name, data, record):
    """POST to a named page within the time allowed; the response."""
    response, elapsed = timed(client.post, url(name), data)
    record.append((name, round(elapsed, 3)))
    assert response.status_code != 500
    assert elapsed < WITHIN, f"{name} took {elapsed:.2f} s during the outage"
    return response


@pytest.fixture
def requests_made(record_property):
    """(URL name, seconds) of each request, in the JUnit report (--junitxml) for the figures."""
    made = []
    yield made
    record_property("seconds", made)


def log_in(client, email, password, record):
    return post(client, "account_login", {"login": email, "password": password}, record)


@pytest.mark.django_db
def test_login_works_and_is_still_rate_limited(client, student, redis_outage, requests_made):
    response = log_in(client, student.email, PASSWORD, requests_made)

    assert response.status_code == 302
    assert response.url == url("dashboard")
    assert client.session["_auth_user_id"] == str(student.pk)

    client.logout()
    for _attempt in range(5):
        assert log_in(client, student.email, "guess", requests_made).status_code == 200
    response = log_in(client, student.email, PASSWORD, requests_made)

    # The sixth try is refused, even with the right password: the limit holds in the fallback.
    assert response.status_code == 200
    with translation.override("sv"):
        too_many = str(get_adapter().error_messages["too_many_login_attempts"])
    assert too_many in [str(e) for e in response.context["form"].non_field_errors()]
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_signup_works(client, redis_outage, requests_made, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            "account_signup",
            {
                "full_name": "Lina Nord",
                "email": "lina@example.org",
                "password1": "Svarv-och-fras-2026",
                "password2": "Svarv-och-fras-2026",
            },
            requests_made,
        )

    assert response.status_code == 302
    assert response.url == url("account_email_verification_sent")
    assert User.objects.filter(email="lina@example.org").exists()
    assert [m.to for m in mail.outbox] == [["lina@example.org"]]


@pytest.mark.django_db
def test_password_reset_works(
    client, student, redis_outage, requests_made, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, "account_reset_password", {"email": student.email}, requests_made)

    assert response.status_code == 302
    assert response.url == url("account_reset_password_done")
    assert [m.to for m in mail.outbox] == [[student.email]]


@pytest.mark.django_db
def test_password_change_works(client, student, redis_outage, requests_made):
    client.force_login(student)
    new = "Ny-svarvbana-2026"

    response = post(
        client,
        "account_change_password",
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
        requests_made,
    )

    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password(new)


@pytest.mark.django_db
def test_adding_an_email_address_works(client, student, redis_outage, requests_made):
    client.force_login(student)

    response = post(
        client, "account_email", {"email": "elsa.ny@example.org", "action_add": ""}, requests_made
    )

    assert response.status_code == 302
    assert EmailAddress.objects.filter(user=student, email="elsa.ny@example.org").exists()


@pytest.mark.django_db
def test_public_pages_are_served(client, settings, redis_outage, requests_made):
    settings.PUBLIC_PAGE_CACHE = True
    for _visit in range(2):
        response, elapsed = timed(client.get, url("home"))
        requests_made.append(("home", round(elapsed, 3)))
        assert response.status_code == 200
        assert elapsed < WITHIN


@pytest.mark.django_db
def test_readiness_still_reports_redis(client, settings, redis_outage):
    settings.REDIS_URL = settings.CACHES["default"]["LOCATION"]

    response, elapsed = timed(client.get, "/healthz")

    # The fallback keeps the portal usable, so the process stays in service (200); the
    # operator must still learn that Redis is gone.
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["redis"].startswith("error: ")
    assert elapsed < WITHIN
