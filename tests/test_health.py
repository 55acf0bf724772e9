"""The health checks: /healthz/live (liveness, no I/O), /healthz/ready and its alias /healthz."""

from unittest import mock

import pytest
from django.db import OperationalError

from tests.conftest import redis_available, require

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = "redis://127.0.0.1:6390/0"


def health(client):
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    return response, response.json()


def test_healthy_portal_answers_200(client):
    response, body = health(client)

    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    # Monitors must see the live state, never a cached answer.
    assert "no-cache" in response["Cache-Control"]


def test_health_needs_no_language_prefix_or_login(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert "Location" not in response


def test_database_down_answers_503(client):
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=OperationalError("connection refused"),
    ):
        response, body = health(client)

    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "error: OperationalError"
    # No connection details are given away.
    assert "refused" not in response.content.decode()


def test_redis_configured_but_down_is_degraded_not_unavailable(client, settings):
    settings.REDIS_URL = UNREACHABLE_REDIS
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": UNREACHABLE_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

    response, body = health(client)

    # The portal serves without Redis; readiness says so without taking the process out.
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("error: ")


def test_redis_not_configured_is_not_checked(client, settings):
    settings.REDIS_URL = ""

    response, body = health(client)

    assert response.status_code == 200
    assert "redis" not in body["checks"]


def test_redis_up_is_reported(client, settings):
    require(
        bool(settings.REDIS_URL) and redis_available(),
        "Redis is not configured (REDIS_URL) as the portal's cache",
    )

    response, body = health(client)

    assert response.status_code == 200
    assert body["checks"]["redis"] == "ok"


# --- liveness and readiness -------------------------------------------------------------------


def test_live_answers_ok_without_any_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/live")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert response["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    assert "Location" not in response


def test_live_answers_any_host_header(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/live", HTTP_HOST="10.0.3.7:8000")

    assert response.status_code == 200
    assert response.content == b"ok"


def test_live_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz/live").status_code == 200
    assert client.get("/healthz/ready").status_code == 200


def test_live_answers_with_the_database_down(client):
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/healthz/live")

    assert response.status_code == 200


def test_live_view_answers_without_the_middleware(rf):
    from college_portal.health import live

    response = live(rf.get("/healthz/live"))

    assert response.status_code == 200
    assert response.content == b"ok"


def test_ready_reports_the_database(client):
    response = client.get("/healthz/ready")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["checks"]["database"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_ready_answers_503_with_the_database_down(client):
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/healthz/ready")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error: OperationalError"
