"""Production settings pass Django's deployment checks, and staff need a second factor."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_prints_no_warning_with_production_values():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "college_portal.settings",
        "DEBUG": "False",
        "SECRET_KEY": "x" * 20 + "production-like-secret-key-with-enough-entropy-0123456789",
        "ALLOWED_HOSTS": "portal.teknikcollege.example",
        "PORTAL_BASE_URL": "https://portal.teknikcollege.example",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(DJANGO_SETTINGS_MODULE="college_portal.settings", DEBUG="False")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.fixture
def mfa_required(settings):
    settings.REQUIRE_STAFF_MFA = True


def test_lead_without_totp_is_sent_to_set_it_up_before_admin(client, lead, mfa_required):
    client.force_login(lead)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    response = client.get(reverse("report"))
    assert response["Location"] == reverse("mfa_activate_totp")


def test_lead_with_totp_reaches_admin(client, lead, mfa_required):
    Authenticator.objects.create(user=lead, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(lead)
    assert client.get(reverse("admin:index")).status_code == 200


def test_students_pages_need_no_second_factor(client, student, mfa_required):
    client.force_login(student)
    assert client.get(reverse("dashboard")).status_code == 200


def test_check_deploy_warns_when_scheduled_mail_would_have_no_address():
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)},
        "DJANGO_SETTINGS_MODULE": "college_portal.settings",
        "DEBUG": "False",
        "SECRET_KEY": "x" * 20 + "production-like-secret-key-with-enough-entropy-0123456789",
        "ALLOWED_HOSTS": "portal.teknikcollege.example",
        "PORTAL_BASE_URL": "",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "notifications.W001" in result.stdout + result.stderr
