"""Operations logging as an operator reads it: one JSON line per request with the
request id the response answers in X-Request-ID and the account's number, never an e-mail
address or a name; a forged request id is replaced; a 500 is mailed to ADMINS when DEBUG is
off; Sentry starts only with SENTRY_DSN set."""

import gzip
import io
import json
import logging
import logging.config
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import path

from college_portal.logging import RequestContextFilter, logging_config, request_id_var
from tests.factories import PASSWORD
from tests.helpers import url

ROOT = Path(__file__).resolve().parent.parent
ADMINS = [("Drift", "drift@teknikcollege.example")]


def broken_view(request):
    raise RuntimeError("the view broke")


# The URLs of the tests that need a view that fails (@pytest.mark.urls); never in production.
urlpatterns = [path("broken/", broken_view)]


@pytest.fixture
def log_lines():
    """The logging the production settings configure (JSON, ADMINS mailed), its stream read
    back as parsed lines; the test settings' logging comes back after the test."""
    logging.config.dictConfig(logging_config(json=True, level="INFO", admins=ADMINS))
    console = next(h for h in logging.getLogger().handlers if h.name == "console")
    stream = io.StringIO()
    console.setStream(stream)

    def read():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    read.text = stream.getvalue
    yield read
    logging.config.dictConfig(settings.LOGGING)


def request_lines(lines):
    return [line for line in lines if line["logger"] == "college_portal.request"]


@pytest.mark.django_db
def test_a_request_logs_one_json_line_with_its_request_id_and_user_id(client, student, log_lines):
    client.post(url("account_login"), {"login": student.email, "password": PASSWORD})

    response = client.get(url("dashboard"), HTTP_X_REQUEST_ID="3f2a9c1e0b7d4e5fa1b2c3d4e5f60718")

    assert response.status_code == 200
    assert response["X-Request-ID"] == "3f2a9c1e0b7d4e5fa1b2c3d4e5f60718"
    lines = log_lines()
    mine = [line for line in lines if line["request_id"] == response["X-Request-ID"]]
    [line] = request_lines(mine)
    assert line["level"] == "INFO"
    assert line["user_id"] == student.pk
    assert line["method"] == "GET"
    assert line["route"] == "dashboard"
    assert line["status"] == 200
    assert line["time"].endswith("+00:00")
    # The login before it: its own line, its own id, and nothing personal in any line.
    assert len(request_lines(lines)) == 2
    assert len({line["request_id"] for line in request_lines(lines)}) == 2
    text = log_lines.text()
    assert student.email not in text.lower()
    assert "Elsa" not in text and "Lindqvist" not in text
    assert "127.0.0.1" not in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sent",
    ['abc"}\n{"level": "CRITICAL', "x" * 65, "short", "id with spaces", "ä-non-ascii-id-12345"],
)
def test_a_bad_request_id_is_replaced_by_a_new_one(client, log_lines, sent):
    response = client.get(url("home"), HTTP_X_REQUEST_ID=sent)

    made = response["X-Request-ID"]
    assert made != sent
    assert len(made) == 32 and made.isalnum()
    [line] = request_lines(log_lines())
    assert line["request_id"] == made
    assert line["user_id"] is None


@pytest.mark.django_db
def test_djangos_own_lines_of_a_request_carry_its_id_and_none_is_left_behind(client, log_lines):
    response = client.get("/sv/no-such-page/", HTTP_X_REQUEST_ID="req-0000-missing")

    assert response.status_code == 404
    lines = log_lines()
    # Django's "Not Found" warning is written after the middleware returned.
    [warning] = [line for line in lines if line["logger"] == "django.request"]
    assert warning["request_id"] == "req-0000-missing"
    assert [line["request_id"] for line in request_lines(lines)] == ["req-0000-missing"]
    # A line written after the request (a management command, the next job) has no id.
    logging.getLogger("college_portal.test").warning("after the request")
    assert log_lines()[-1]["request_id"] is None


@pytest.mark.django_db
def test_without_a_header_each_request_gets_an_id_of_its_own(client, log_lines):
    first = client.get(url("home"))["X-Request-ID"]
    second = client.get(url("home"))["X-Request-ID"]

    assert first != second
    assert [line["request_id"] for line in request_lines(log_lines())] == [first, second]


@pytest.mark.django_db
@pytest.mark.urls("tests.test_logging")
def test_with_debug_off_an_unhandled_error_is_mailed_to_admins(client, settings, log_lines):
    settings.DEBUG = False
    settings.ADMINS = ADMINS
    client.raise_request_exception = False

    response = client.get("/broken/", HTTP_X_REQUEST_ID="req-4711-broken")

    assert response.status_code == 500
    [message] = mail.outbox
    assert message.to == ["drift@teknikcollege.example"]
    assert "Internal Server Error" in message.subject
    assert message.subject.endswith("[req-4711-broken]")
    assert "RuntimeError at /broken/\nthe view broke" in message.body
    assert "Request Method: GET" in message.body  # Django's report, with the request
    assert message.alternatives == []  # include_html off: no page of local variables
    error = next(line for line in log_lines() if line["level"] == "ERROR")
    assert error["request_id"] == "req-4711-broken"
    assert "RuntimeError: the view broke" in error["exc_info"]


@pytest.mark.django_db
@pytest.mark.urls("tests.test_logging")
def test_with_debug_on_nothing_is_mailed(client, settings, log_lines):
    settings.DEBUG = True
    settings.ADMINS = ADMINS
    client.raise_request_exception = False

    assert client.get("/broken/").status_code == 500
    assert mail.outbox == []


def test_text_format_keeps_the_request_id():
    config = logging_config(json=False, level="INFO", admins=[])
    assert "%(request_id)s" in config["formatters"]["text"]["format"]
    assert config["handlers"]["console"]["formatter"] == "text"
    assert "mail_admins" not in config["handlers"]


def settings_in_subprocess(code, **env):
    environment = {
        **{k: v for k, v in os.environ.items() if k not in ("SENTRY_DSN", "LOG_FORMAT", "DEBUG")},
        "DJANGO_SETTINGS_MODULE": "college_portal.settings",
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


class Collector(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":  # sentry-sdk compresses with brotli when it is installed
            import brotli

            body = brotli.decompress(body)
        Collector.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_listener():
    """A local HTTP server standing in for Sentry or GlitchTip; its DSN."""
    Collector.received = []
    server = HTTPServer(("127.0.0.1", 0), Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://publickey@127.0.0.1:{server.server_port}/42"
    server.shutdown()
    server.server_close()


def test_sentry_starts_only_with_a_dsn(sentry_listener):
    probe = (
        "import sentry_sdk\n"
        "from college_portal.logging import request_id_var\n"
        "print(sentry_sdk.get_client().is_active())\n"
        "request_id_var.set('req-sentry-0001')\n"
        "sentry_sdk.capture_message('probe from the portal')\n"
        "sentry_sdk.flush(5)\n"
    )
    assert settings_in_subprocess(probe, DEBUG="True").strip() == "False"
    assert Collector.received == []

    assert settings_in_subprocess(probe, DEBUG="True", SENTRY_DSN=sentry_listener).strip() == (
        "True"
    )
    [(address, body)] = Collector.received
    assert address == "/api/42/envelope/"
    assert b"probe from the portal" in body
    event = json.loads(body.splitlines()[-1])
    assert event["tags"]["request_id"] == "req-sentry-0001"
    assert "user" not in event


def test_production_logs_json_and_debug_logs_text():
    probe = (
        "import logging\n"
        "print(type(logging.getLogger().handlers[0].formatter).__name__)\n"
    )
    production = {"DEBUG": "False", "SECRET_KEY": "k" * 50}
    assert settings_in_subprocess(probe, **production).strip() == "JsonFormatter"
    # On stderr: a command's own output (dumpdata > file) never gets a log line in it.
    probe_stream = "import logging, sys\nprint(logging.getLogger().handlers[0].stream is sys.stderr)"
    assert settings_in_subprocess(probe_stream, **production).strip() == "True"
    assert settings_in_subprocess(probe, **production, LOG_FORMAT="text").strip() == "Formatter"
    assert settings_in_subprocess(probe, DEBUG="True").strip() == "Formatter"
    assert settings_in_subprocess(probe, DEBUG="True", LOG_FORMAT="json").strip() == (
        "JsonFormatter"
    )


class Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.addFilter(RequestContextFilter())
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_logs_under_the_id_of_the_request_that_enqueued_it(worker, finished):
    from college_portal.notifications.tasks import relay_unsent

    records = Records()
    logging.getLogger("celery.app.trace").addHandler(records)
    token = request_id_var.set("req-enqueued-0042")  # as inside a request
    try:
        task = relay_unsent.delay()
    finally:
        request_id_var.reset(token)
    try:
        state, _ = finished(task.id)
    finally:
        logging.getLogger("celery.app.trace").removeHandler(records)

    assert state == "SUCCESS"
    [done] = [r for r in records.records if task.id in r.getMessage()]
    assert done.request_id == "req-enqueued-0042"
