"""Operations logging: one request id per request (from the proxy's X-Request-ID or made here),
carried to every log record of that request and to the Celery tasks it enqueues; JSON lines on
the standard error stream; the optional Sentry-compatible error reporting.

What a record carries: time, level, logger, message, request_id, user_id (the account's number)
and, for the one line per request, method, route (the URL pattern's name, never the path: paths
hold one-time tokens), status and duration. Never an e-mail address, a name or a client
address: the proxy's access log holds the client address under the same request id.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.core.signals import request_finished
from django.dispatch import receiver
from django.utils import log
from django.utils.functional import empty
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
# nginx's $request_id is 32 hex digits, a UUID is 36 characters; anything else from outside is
# not trusted into the logs (no spaces, quotes or newlines that could forge a line).
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")

request_id_var = ContextVar("request_id", default=None)
request_var = ContextVar("request", default=None)

request_logger = logging.getLogger("college_portal.request")


def new_request_id():
    return uuid.uuid4().hex


def request_id_from(value):
    """The proxy's request id if it is short and made of safe characters, else a new one."""
    if value and VALID_REQUEST_ID.fullmatch(value):
        return value
    return new_request_id()


def current_user_id(request):
    """The signed-in account's number, if this request has already looked at its user: a log
    line never loads the session itself."""
    if request is None:
        return None
    user = request.__dict__.get("user")
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if getattr(user, "is_authenticated", False) else None


class RequestIDMiddleware:
    """Right after the liveness answer: gives the request its id, answers it in X-Request-ID,
    and writes one line when the response is ready."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        # Kept until the response is finished (request_finished below), not only until this
        # returns: Django logs a 4xx ("Not Found: …") after the middleware is done.
        request_id_var.set(request.request_id)
        request_var.set(request)
        started = time.monotonic()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.request_id
        match = getattr(request, "resolver_match", None)
        request_logger.info(
            "%s %s %s",
            request.method,
            match.view_name if match else "-",
            response.status_code,
            extra={
                "method": request.method,
                "route": match.view_name if match else None,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
            },
        )
        return response


@receiver(request_finished, dispatch_uid="portal-request-id-finished")
def _request_done(**kwargs):
    request_var.set(None)
    request_id_var.set(None)


class RequestContextFilter(logging.Filter):
    """On the handlers: adds request_id and user_id to every record. (The request object Django
    attaches to its own records stays for the ADMINS mail; the JSON lines leave it out.)"""

    def filter(self, record):
        record.request_id = request_id_var.get()
        record.user_id = current_user_id(request_var.get())
        return True


class AdminEmailHandler(log.AdminEmailHandler):
    """Django's report to ADMINS, with the request id in the subject: the mail leads to the
    request's log lines, its Sentry report and the proxy's log."""

    def format_subject(self, subject):
        request_id = request_id_var.get()
        return super().format_subject(f"{subject} [{request_id}]" if request_id else subject)


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: time, level, logger, message, request_id, user_id, then the
    record's extra fields (and exc_info for an exception)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("timestamp", "time")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request", "server_time", "taskName"])
        super().__init__(["levelname", "name", "message", "request_id", "user_id"], **kwargs)

    def process_log_record(self, log_data):
        return {"time": log_data.pop("time", None), **log_data}


def logging_config(*, json, level, admins):
    """The LOGGING setting: everything to stderr (JSON or text), errors of Django (a 500) also
    mailed to ADMINS when DEBUG is off. Not stdout: that is where management commands write
    what they produce (dumpdata, run_job --list), which a log line must never corrupt;
    container platforms collect both streams alike."""
    handlers = {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "json" if json else "text",
            "filters": ["request_context"],
        },
    }
    django_handlers = []
    if admins:
        handlers["mail_admins"] = {
            "level": "ERROR",
            "class": "college_portal.logging.AdminEmailHandler",
            "filters": ["require_debug_false", "request_context"],
            "include_html": False,
        }
        django_handlers.append("mail_admins")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_context": {"()": "college_portal.logging.RequestContextFilter"},
            "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        },
        "formatters": {
            "json": {"()": "college_portal.logging.JsonFormatter"},
            "text": {
                "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            },
        },
        "handlers": handlers,
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own default sends its records to a console of its own when DEBUG is on;
            # here they go to the root's one handler only.
            "django": {"handlers": django_handlers, "level": level, "propagate": True},
            "django.server": {"handlers": [], "propagate": True},
            # Requests for hosts not in ALLOWED_HOSTS (scanners): logged, not mailed.
            "django.security.DisallowedHost": {"handlers": ["console"], "propagate": False},
            "django.db.backends": {"level": "INFO"},
        },
    }


# --- Celery: a task's log lines carry the id of the request that enqueued it -----------------


@before_task_publish.connect(weak=False, dispatch_uid="portal-request-id-publish")
def _pass_request_id(headers=None, **kwargs):
    request_id = request_id_var.get()
    if request_id and headers is not None:
        headers.setdefault("request_id", request_id)


_task_tokens = {}


@task_prerun.connect(weak=False, dispatch_uid="portal-request-id-prerun")
def _task_request_id(task_id=None, task=None, **kwargs):
    request = getattr(task, "request", None)
    passed = getattr(request, "request_id", None) or (getattr(request, "headers", None) or {}).get(
        "request_id"
    )
    # Eager tasks run inside the request and keep its id; a beat task gets one of its own.
    request_id = request_id_from(passed) if passed else (request_id_var.get() or task_id)
    _task_tokens[task_id] = request_id_var.set(request_id)


@task_postrun.connect(weak=False, dispatch_uid="portal-request-id-postrun")
def _task_request_id_done(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        try:
            request_id_var.reset(token)
        except ValueError:  # set in another context (a thread pool): nothing to restore
            request_id_var.set(None)


# --- Sentry-compatible error reports (Sentry, GlitchTip) -------------------------------------


def init_sentry(dsn, *, environment, release, traces_sample_rate):
    """Unhandled errors of web and worker to a Sentry-compatible server, without personal data:
    no user e-mail, address, cookies or request bodies (send_default_pii=False)."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        environment=environment,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        before_send=_tag_request_id,
    )


def _tag_request_id(event, hint):
    """The report names the request id its log lines carry (and the proxy's log)."""
    request_id = request_id_var.get()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event
