"""Settings of the Teknikcollege Stockholm portal, read from the environment.

Unset variables give the embedded defaults for trying the portal on a fresh machine:
SQLite, tasks run in-process, e-mail written to files under var/mail.
DATABASE_URL and REDIS_URL switch to PostgreSQL and Redis (Celery broker and cache).
"""

from email.utils import getaddresses
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from college_portal.logging import init_sentry, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env(
    "SECRET_KEY",
    default="django-insecure-local-only-key-never-used-in-production"
    if DEBUG
    else environ.Env.NOTSET,
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "django_filters",
    "college_portal.accounts",
    "college_portal.notifications",
    "college_portal.activity",
    "partners",
    "programs",
    "placements",
    "placements.rounds",
    "college_portal.yearly",
    "college_portal.surveys",
    # The read-only open data API (/api/v1/); "ninja" serves Swagger UI's files from here.
    "ninja",
    "college_portal.api",
    # Last: a file goes with its row, or with the upload that replaces it, after commit.
    "django_cleanup.apps.CleanupConfig",
]

MIDDLEWARE = [
    # Answers /healthz/live before anything reads the Host header or redirects to HTTPS.
    "college_portal.health.LivenessMiddleware",
    # A request id (the proxy's X-Request-ID or a new one) on every log line and the response.
    "college_portal.logging.RequestIDMiddleware",
    # 400 for a path or query string with NUL or other control bytes or bad UTF-8; 413 for a
    # body above MAX_REQUEST_BODY_BYTES. Before anything reads the session, body or database.
    "college_portal.hardening.RequestHardeningMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A visitor's public page from the cache, before sessions, locale, CSRF and CSP run.
    "college_portal.pagecache.PublicPageCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "college_portal.notifications.links.RequestBaseURLMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "college_portal.accounts.middleware.StaffMFAMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "college_portal.urls"
WSGI_APPLICATION = "college_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "college_portal.accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: opening a PostgreSQL connection per request cost a database page
# most of its throughput here. Health checks drop a connection the server closed meanwhile.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default serves a threaded web server. Django's SQLite defaults (deferred
    # transactions, rollback journal, 5 s) answer simultaneous writers with "database is
    # locked": a transaction that read first cannot upgrade to a write lock and fails at
    # once, whatever the timeout. IMMEDIATE takes the write lock at BEGIN, so writers queue
    # for up to `timeout` seconds instead; WAL lets readers go on while one writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

# --- Redis: cache, broker -------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis; while Redis is down or hung, a cache per process, so logins (allauth's
            # rate limits) keep working. Its 0.3 s timeouts and circuit breaker: see the module.
            "BACKEND": "college_portal.resilient_cache.ResilientRedisCache",
            "LOCATION": env("CACHE_REDIS_URL", default=REDIS_URL),
            "KEY_PREFIX": "portal",
        }
    }
else:
    # One process only: the embedded default for trying the portal.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_TIMEZONE = "Europe/Stockholm"
# A broker that accepts TCP and never answers must not block a request: fail fast (a publish
# gives up after the 0.3 s socket timeout; the outbox's breaker then skips publishing for a
# while), the outbox relay sends what was not enqueued. The worker's waiting for tasks is not
# bound by socket_timeout (kombu's event loop).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Above the longest task (time limit 90 s, retries are re-published), so an unacked
    # task is redelivered only when its worker really died.
    "visibility_timeout": 3600,
    "socket_connect_timeout": 0.3,
    "socket_timeout": 0.3,
    "max_retries": 0,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
CELERY_BEAT_SCHEDULE = {
    "relay-unsent-notifications": {
        "task": "college_portal.notifications.tasks.relay_unsent",
        "schedule": 60.0,
    },
    "remind-study-visits": {
        "task": "placements.tasks.remind_study_visits",
        "schedule": crontab(hour=8, minute=0),
    },
    "report-passed-deadlines": {
        "task": "placements.tasks.report_passed_deadlines",
        "schedule": crontab(hour=7, minute=30),
    },
    "weekly-offer-digest": {
        "task": "placements.tasks.send_weekly_digests",
        "schedule": crontab(hour=9, minute=0, day_of_week="monday"),
    },
    "remind-expiring-agreements": {
        "task": "partners.tasks.remind_expiring_agreements",
        "schedule": crontab(hour=7, minute=0),
    },
    "remind-needs-inventory": {
        "task": "programs.tasks.remind_needs_inventory",
        "schedule": crontab(hour=7, minute=15),
    },
    "remind-final-assessments": {
        "task": "placements.tasks.remind_final_assessments",
        "schedule": crontab(hour=8, minute=15),
    },
    "erase-expired-cvs": {
        "task": "placements.tasks.erase_expired_cvs",
        "schedule": crontab(hour=3, minute=15),
    },
    "clear-expired-sessions": {
        "task": "college_portal.accounts.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=30),
    },
    "remind-round-choices": {
        "task": "placements.rounds.tasks.remind_round_choices",
        "schedule": crontab(hour=8, minute=30),
    },
    "allocate-due-rounds": {
        "task": "placements.rounds.tasks.allocate_due_rounds",
        "schedule": crontab(hour=0, minute=30),
    },
    "send-survey-invitations": {
        "task": "college_portal.surveys.tasks.send_survey_invitations",
        "schedule": crontab(hour=10, minute=0),
    },
}
# Days a CV is kept after its application is over (declined, completed, withdrawn, or the
# placement's period ended); then the erase-expired-cvs job deletes it.
CV_RETENTION_DAYS = env.int("CV_RETENTION_DAYS", default=180)
# Where `make backup` writes (manage.py backup; college_portal/backup.py).
BACKUP_DIR = env.path("BACKUP_DIR", default=VAR_DIR / "backups")

# --- E-mail ---------------------------------------------------------------------------------
if env("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
    if _email["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
        # Django's, telling a failure before the message went out from one after it, which
        # the outbox never repeats by itself (college_portal/notifications/backends.py).
        _email["EMAIL_BACKEND"] = "college_portal.notifications.backends.EmailBackend"
    vars().update(_email)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Teknikcollege Stockholm <noreply@teknikcollege.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=6)
# Seconds an attempt holds its notification; then the relay sends it again (its worker died).
# Longer than any send: the task's hard time limit ends a send in a worker.
NOTIFICATION_SEND_LEASE = env.int("NOTIFICATION_SEND_LEASE", default=CELERY_TASK_TIME_LIMIT + 30)
# The domain of the notifications' Message-IDs; unset: DEFAULT_FROM_EMAIL's.
NOTIFICATION_MESSAGE_ID_DOMAIN = env("NOTIFICATION_MESSAGE_ID_DOMAIN", default="")
# Links in e-mail: this address when set, else the host the causing request came in on
# (college_portal.notifications.links).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="")
# The controller's addresses on the privacy, accessibility and contact pages (college_portal/
# legal): placeholders until production sets them.
PORTAL_CONTACT_EMAIL = env("PORTAL_CONTACT_EMAIL", default="teknikcollege@regionstockholm.example")
PORTAL_DPO_EMAIL = env("PORTAL_DPO_EMAIL", default="dataskyddsombud@regionstockholm.example")
PORTAL_POSTAL_ADDRESS = env(
    "PORTAL_POSTAL_ADDRESS",
    default="Region Stockholm, Teknikcollege Stockholm, Box 00000, 100 00 Stockholm",
)

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "college_portal.accounts.adapters.PortalAccountAdapter"
ACCOUNT_FORMS = {"signup": "college_portal.accounts.forms.StudentSignupForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Teknikcollege Stockholm: "
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # "key": the address and the account together (accounts.adapters), so a stranger's wrong
    # passwords lock only the stranger's address for that account.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
# The address rate limits count. Behind the TLS proxy every request comes from the proxy:
# TRUSTED_PROXY_COUNT proxies of our own append to X-Forwarded-For, and the address that many
# entries from its end is the client's (or a header the proxy sets, TRUSTED_CLIENT_IP_HEADER,
# e.g. X-Real-IP). 0, the default for the portal reached directly: the header is ignored, so
# a client cannot pick its own address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER", default=None)
# A class behind one school NAT shares an address: these networks (comma-separated CIDR
# ranges) get per-address limits for a classroom's burst (accounts.ratelimits).
TRUSTED_SCHOOL_NETWORKS = env.list("TRUSTED_SCHOOL_NETWORKS", default=[])
SCHOOL_NETWORK_RATE_LIMITS = {
    "login": "300/m/ip",
    "login_failed": "100/m/ip,5/5m/key",
    "signup": "200/m/ip",
    "reset_password": "200/m/ip,5/m/key",
    "reset_password_from_key": "200/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Teknikcollege Stockholm"
# Production requires a second factor for staff (project leads); see accounts.middleware.
REQUIRE_STAFF_MFA = env.bool("REQUIRE_STAFF_MFA", default=not DEBUG)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
# locale_allauth: the portal's wording of allauth's Swedish (scripts/allauth_sv_overrides.py).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_allauth"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # CVs and other personal documents: outside the web root, served only through views
    # that check access.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private"),
            "base_url": "/private/",
        },
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Media on several hosts: uploads in an S3-compatible bucket (college_portal/storage.py). No
# bucket is public: every file is served by the portal's views, which check who asks.
S3_BUCKET = env("S3_BUCKET", default="")
if S3_BUCKET:
    _s3 = {
        "endpoint_url": env("S3_ENDPOINT_URL", default="") or None,
        "access_key": env("S3_ACCESS_KEY_ID", default="") or None,
        "secret_key": env("S3_SECRET_ACCESS_KEY", default="") or None,
        "region_name": env("S3_REGION", default="") or None,
        "default_acl": None,  # the bucket's own (private) policy, never public-read
        "querystring_auth": False,  # no signed links: the views stream each file
        "file_overwrite": False,  # as on disk: a second file of one name gets a new name
    }
    _private_bucket = env("S3_PRIVATE_BUCKET", default="")
    STORAGES["default"] = {
        "BACKEND": "college_portal.storage.S3Storage",
        "OPTIONS": {**_s3, "bucket_name": S3_BUCKET, "location": "media", "base_url": MEDIA_URL},
    }
    STORAGES["private"] = {
        "BACKEND": "college_portal.storage.S3Storage",
        "OPTIONS": {
            **_s3,
            # A bucket of its own, or the prefix private/ of the same bucket.
            "bucket_name": _private_bucket or S3_BUCKET,
            "location": "" if _private_bucket else "private",
            "base_url": "/private/",
        },
    }
FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6's default, now
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760
# Everything one request may send (files included; Django caps only the non-file part): 413 above.
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=12 * 1024 * 1024)

# --- Security -------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz(/live|/ready)?$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A form that fails its CSRF check gets the portal's page, in its language (not Django's).
CSRF_FAILURE_VIEW = "college_portal.legal.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Open data API (college_portal/api) ---------------------------------------------------
# Requests per client address and minute (the address as TRUSTED_PROXY_COUNT says; a trusted
# school network gets ten times as many); above it 429 with Retry-After.
API_RATE_LIMIT_PER_MINUTE = env.int("API_RATE_LIMIT_PER_MINUTE", default=120)

# --- Logs and error reports (college_portal/logging.py, docs/deployment.md) ------------------
# JSON lines on stderr in production (LOG_FORMAT=json|text); a 500 is mailed to ADMINS
# ("Name <a@b>,Other <c@d>") when DEBUG is off, and sent to SENTRY_DSN (Sentry, GlitchTip) if set.
ADMINS = getaddresses([env("ADMINS", default="")])
LOGGING = logging_config(
    json=env("LOG_FORMAT", default="text" if DEBUG else "json") == "json",
    level=env("LOG_LEVEL", default="INFO"),
    admins=ADMINS,
)
# Celery's worker keeps the LOGGING above instead of installing its own handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    init_sentry(
        SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SENTRY_RELEASE", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
