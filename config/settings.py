"""Flowdesk settings, read from the environment (see .env.example for every variable).

With nothing set, Flowdesk runs standalone: SQLite in var/, an in-memory channel
layer and Celery inside the web process. With DATABASE_URL and REDIS_URL set, the
same code runs as daphne web nodes, Celery workers and one beat.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from config.env import beat_entry as _beat
from config.env import derived_key as _derived_key
from config.env import env_bool, env_float, env_int, env_list, secret_key
from workflows.observability.logs import logging_config as _logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
ENV = os.environ

DEBUG = env_bool(ENV, "DEBUG", default=False)
SECRET_KEY = secret_key(ENV, debug=DEBUG)
ALLOWED_HOSTS = env_list(ENV, "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list(ENV, "CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files (no CDN)
    "channels",
    "workflows",
    "approvals",
    "designer",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "workflows.observability.middleware.CorrelationIdMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "approvals.context_processors.notifications",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
VAR_DIR = Path(ENV.get("FLOWDESK_VAR_DIR", BASE_DIR / "var"))
SQLITE_PATH = VAR_DIR / "flowdesk.sqlite3"
DATABASE_URL = ENV.get("DATABASE_URL", "").strip()
# Connections: web nodes serve each ASGI request on its own thread, so persistent
# connections would pile up (Django advises against them under ASGI): by default a
# request closes its connection, and DB_POOL_MAX_SIZE > 0 gives each web process a
# psycopg pool instead. Celery workers keep their connection between tasks anyway
# (CELERY_DB_REUSE_MAX below), which is where a new connection per step would hurt.
DB_POOL_MAX_SIZE = env_int(ENV, "DB_POOL_MAX_SIZE", 0)
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=0 if DB_POOL_MAX_SIZE else env_int(ENV, "DB_CONN_MAX_AGE", 0),
            conn_health_checks=True,
        )
    }
    # Django binds its queries client-side (never prepared); the few hot statements that
    # bind server-side (workflows.waits.prepared) are prepared on a connection's second
    # run. DB_PREPARED_STATEMENTS=false for a pooler that can't keep them (PgBouncer < 1.21).
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        prepared = env_bool(ENV, "DB_PREPARED_STATEMENTS", True)
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2 if prepared else None
    if DB_POOL_MAX_SIZE:
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": DB_POOL_MAX_SIZE,
            "timeout": env_int(ENV, "DB_POOL_TIMEOUT", 10),
        }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                # Writers take the lock at BEGIN, so concurrent writers queue instead of
                # failing with "database is locked" half-way through a transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = ENV.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(ENV.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True

# --- Redis, Channels, Celery ----------------------------------------------
REDIS_URL = ENV.get("REDIS_URL", "").strip()
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 reads with a 5 s socket timeout by default, the same as channels_redis's
            # blocking pop: idle consumers would then die with "Timeout reading". Read longer.
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": 30}],
                "prefix": "flowdesk:channels",
            },
        }
    }
else:
    # Channels' in-memory layer, safe to push to from the embedded worker's threads.
    CHANNEL_LAYERS = {"default": {"BACKEND": "workflows.realtime.layers.ThreadSafeInMemoryChannelLayer"}}
# An open socket's access is checked again before its first frame after this many seconds.
FLOWDESK_SOCKET_RECHECK_SECONDS = env_float(ENV, "FLOWDESK_SOCKET_RECHECK_SECONDS", 30.0)

# Standalone: an in-memory broker shared by the web server and the worker thread
# running in the same process (python manage.py standalone).
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
    "visibility_timeout": env_int(ENV, "CELERY_VISIBILITY_TIMEOUT", 3600)
}
if not REDIS_URL:
    # The in-memory transport polls its queues; the default second would add a second per step.
    CELERY_BROKER_TRANSPORT_OPTIONS["polling_interval"] = 0.02
CELERY_TIMEZONE = TIME_ZONE
# Keep database connections between tasks (Celery closes them around every task
# otherwise, which costs a new PostgreSQL connection per step).
CELERY_DB_REUSE_MAX = env_int(ENV, "CELERY_DB_REUSE_MAX", 1000)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}

# --- Workflow engine (workflows.runtime) ------------------------------------------
# Seconds are floats so tests can run the reaper and timers fast. See workflows/runtime/README.md.
# A running step's lease; the worker renews it while a long action runs, the reaper
# re-dispatches the step (same attempt) once it lapses (the worker died).
FLOWDESK_STEP_LEASE_SECONDS = env_float(ENV, "FLOWDESK_STEP_LEASE_SECONDS", 60.0)
# Re-dispatches of one attempt after lost workers before the step fails with worker_lost.
FLOWDESK_MAX_REDELIVERIES = env_int(ENV, "FLOWDESK_MAX_REDELIVERIES", 3)
# A scheduled step whose message went out this long ago and never started is sent again.
FLOWDESK_RESEND_AFTER_SECONDS = env_float(ENV, "FLOWDESK_RESEND_AFTER_SECONDS", 300.0)
FLOWDESK_REAPER_INTERVAL = env_float(ENV, "FLOWDESK_REAPER_INTERVAL", 10.0)
# Durable waits (retries, timers, signal timeouts, open circuits) are polled this often.
FLOWDESK_DUE_WAITS_INTERVAL = env_float(ENV, "FLOWDESK_DUE_WAITS_INTERVAL", 1.0)
FLOWDESK_DUE_WAITS_BATCH = env_int(ENV, "FLOWDESK_DUE_WAITS_BATCH", 200)
FLOWDESK_DUE_WAITS_PER_TRANSACTION = env_int(ENV, "FLOWDESK_DUE_WAITS_PER_TRANSACTION", 100)
# Local activities: a worker that finished a step runs the next one itself (no broker
# hop) when it is the only step dispatched and its action is listed here, at most this
# many in a row. 0 turns it off.
FLOWDESK_LOCAL_CHAIN_MAX = env_int(ENV, "FLOWDESK_LOCAL_CHAIN_MAX", 20)
FLOWDESK_LOCAL_ACTIONS = env_list(ENV, "FLOWDESK_LOCAL_ACTIONS", ["core.echo", "core.log", "core.fail"])
# Circuit breaker per action: this many failures in a row open it (0 disables it) for the
# cool-down; workers see other workers' circuits within the cache interval.
FLOWDESK_CIRCUIT_FAILURE_THRESHOLD = env_int(ENV, "FLOWDESK_CIRCUIT_FAILURE_THRESHOLD", 5)
FLOWDESK_CIRCUIT_COOLDOWN_SECONDS = env_float(ENV, "FLOWDESK_CIRCUIT_COOLDOWN_SECONDS", 30.0)
FLOWDESK_CIRCUIT_CACHE_SECONDS = env_float(ENV, "FLOWDESK_CIRCUIT_CACHE_SECONDS", 1.0)
# The loop guard: a node activated more often than this fails its instance.
FLOWDESK_MAX_ACTIVATIONS_PER_NODE = env_int(ENV, "FLOWDESK_MAX_ACTIVATIONS_PER_NODE", 1000)
# Push every execution event to the channel groups instance-<id> and definition-<key>.
FLOWDESK_PUBLISH_EVENTS = env_bool(ENV, "FLOWDESK_PUBLISH_EVENTS", default=True)
CELERY_BEAT_SCHEDULE["workflows.fire_due_waits"] = _beat(
    "workflows.fire_due_waits", FLOWDESK_DUE_WAITS_INTERVAL, expires_after=5
)
CELERY_BEAT_SCHEDULE["workflows.reap_steps"] = _beat(
    "workflows.reap_steps", FLOWDESK_REAPER_INTERVAL, expires_after=2
)

# --- Waits (workflows.waits): sub-workflows, schedules, triggers ---------------------
# A sub-workflow nested deeper than this fails its step with subworkflow_depth_exceeded.
FLOWDESK_SUBWORKFLOW_MAX_DEPTH = env_int(ENV, "FLOWDESK_SUBWORKFLOW_MAX_DEPTH", 10)
# Beat looks for due schedules this often (seconds); a due time checked later than the grace
# counts as missed (the schedule's policy then skips it or runs it once).
FLOWDESK_SCHEDULES_INTERVAL = env_float(ENV, "FLOWDESK_SCHEDULES_INTERVAL", 5.0)
FLOWDESK_SCHEDULE_GRACE_SECONDS = env_float(ENV, "FLOWDESK_SCHEDULE_GRACE_SECONDS", 60.0)
# The reconciler settles what a lost message left behind (a child's end, a parent's cancel,
# a pending trigger run), for rows older than the grace.
FLOWDESK_WAITS_SWEEP_INTERVAL = env_float(ENV, "FLOWDESK_WAITS_SWEEP_INTERVAL", 30.0)
FLOWDESK_WAITS_SWEEP_GRACE_SECONDS = env_float(ENV, "FLOWDESK_WAITS_SWEEP_GRACE_SECONDS", 30.0)
# Workers re-read the internal triggers ("when A ends, start B") at most this often.
FLOWDESK_TRIGGER_CACHE_SECONDS = env_float(ENV, "FLOWDESK_TRIGGER_CACHE_SECONDS", 5.0)
CELERY_BEAT_SCHEDULE["workflows.run_due_schedules"] = _beat(
    "workflows.run_due_schedules", FLOWDESK_SCHEDULES_INTERVAL
)
# Signals accepted by the API are applied by workers; a signal whose message was lost is
# applied by this sweep once it is older than FLOWDESK_SIGNAL_PENDING_GRACE_SECONDS.
FLOWDESK_SIGNAL_PENDING_GRACE_SECONDS = env_float(ENV, "FLOWDESK_SIGNAL_PENDING_GRACE_SECONDS", 60.0)
FLOWDESK_SIGNAL_SWEEP_INTERVAL = env_float(ENV, "FLOWDESK_SIGNAL_SWEEP_INTERVAL", 10.0)
CELERY_BEAT_SCHEDULE["workflows.apply_pending_signals"] = _beat(
    "workflows.apply_pending_signals", FLOWDESK_SIGNAL_SWEEP_INTERVAL
)
# The signal endpoints remember an authenticated token this long (seconds).
FLOWDESK_SIGNAL_TOKEN_CACHE_SECONDS = env_float(ENV, "FLOWDESK_SIGNAL_TOKEN_CACHE_SECONDS", 5.0)
# Web nodes on PostgreSQL accept new token-authenticated signals in front of Django's request
# cycle (config/asgi.py), on this many threads per process, each keeping a connection.
FLOWDESK_SIGNAL_FAST_PATH = env_bool(ENV, "FLOWDESK_SIGNAL_FAST_PATH", default=IS_POSTGRES)
FLOWDESK_SIGNAL_ACCEPT_THREADS = env_int(ENV, "FLOWDESK_SIGNAL_ACCEPT_THREADS", 4)
CELERY_BEAT_SCHEDULE["workflows.sweep_waits"] = _beat("workflows.sweep_waits", FLOWDESK_WAITS_SWEEP_INTERVAL)

# --- Approvals (approvals.services.sla_checker) -------------------------------------
# SLA records are checked this often (seconds): at risk, breached, escalation actions.
FLOWDESK_SLA_CHECK_INTERVAL = env_float(ENV, "FLOWDESK_SLA_CHECK_INTERVAL", 60.0)
CELERY_BEAT_SCHEDULE["approvals.sla_check"] = _beat("approvals.sla_check", FLOWDESK_SLA_CHECK_INTERVAL)

# --- REST framework -------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated call then gets 401 with WWW-Authenticate, not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.CappedCountPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api_errors.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Flowdesk API",
    "DESCRIPTION": "Design, run and approve business workflows.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `status`; name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "InstanceStatusEnum": "workflows.models.instances.InstanceStatus",
        "StepStatusEnum": "workflows.models.steps.StepStatus",
        "VersionStatusEnum": "workflows.models.versions.VersionStatus",
        "MissedRunsEnum": "workflows.models.schedules.MissedRuns",
    },
}

# --- Email ----------------------------------------------------------------
EMAIL_BACKEND = ENV.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = ENV.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int(ENV, "EMAIL_PORT", 25)
EMAIL_HOST_USER = ENV.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = ENV.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool(ENV, "EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = ENV.get("DEFAULT_FROM_EMAIL", "flowdesk@localhost")

# --- Workflow actions -------------------------------------------------------
# http.request may call only these hosts ("api.example.com", "*.example.com", or "*" for
# any public host). Empty (the default) allows none: an operator opts in host by host.
FLOWDESK_HTTP_ALLOWED_HOSTS = env_list(ENV, "FLOWDESK_HTTP_ALLOWED_HOSTS", [])
# Private, loopback, link-local and other non-public addresses are refused unless this is true.
FLOWDESK_HTTP_ALLOW_PRIVATE = env_bool(ENV, "FLOWDESK_HTTP_ALLOW_PRIVATE", default=False)

# --- Security -------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool(ENV, "SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool(ENV, "SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool(ENV, "CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int(ENV, "SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool(ENV, "SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool(ENV, "BEHIND_PROXY", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int(ENV, "DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024 + 64 * 1024)

# --- Logging --------------------------------------------------------------
LOG_LEVEL = ENV.get("LOG_LEVEL", "INFO")
# plain (default) or json: one JSON object per line. Every line carries the correlation id.
LOG_FORMAT = ENV.get("LOG_FORMAT", "plain").strip().lower()
LOGGING = _logging_config(
    level=LOG_LEVEL, json_lines=LOG_FORMAT == "json", task_level=ENV.get("CELERY_TASK_LOG_LEVEL", "WARNING")
)
# Absolute prefix for links in notification emails, e.g. https://flowdesk.example.com
FLOWDESK_BASE_URL = ENV.get("FLOWDESK_BASE_URL", "").strip().rstrip("/")
# Celery workers log through the same handlers (correlation id, JSON) instead of their own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Observability (workflows.observability) ---------------------------------
# Step and instance counters fed by the event stream; off removes the observer entirely.
FLOWDESK_METRICS_ENABLED = env_bool(ENV, "FLOWDESK_METRICS_ENABLED", default=True)
# /metrics answers a scraper with this bearer token, or from one of these networks (CIDR list).
# Neither set: /metrics refuses everyone. Several processes per host: set PROMETHEUS_MULTIPROC_DIR.
FLOWDESK_METRICS_TOKEN = ENV.get("FLOWDESK_METRICS_TOKEN", "").strip()
FLOWDESK_METRICS_ALLOWED_NETWORKS = env_list(ENV, "FLOWDESK_METRICS_ALLOWED_NETWORKS", [])
# Database-derived gauges are re-read at most this often per process (seconds).
FLOWDESK_METRICS_CACHE_SECONDS = env_float(ENV, "FLOWDESK_METRICS_CACHE_SECONDS", 5.0)
# Worker-only hosts: serve the worker's metrics on this port (0: off) and address.
FLOWDESK_METRICS_WORKER_PORT = env_int(ENV, "FLOWDESK_METRICS_WORKER_PORT", 0)
FLOWDESK_METRICS_WORKER_ADDR = ENV.get("FLOWDESK_METRICS_WORKER_ADDR", "127.0.0.1")

# --- Audit seals (workflows.audit.seals) -------------------------------------
# The key of the seals over finished instances' event chains. Set it in production and keep
# it out of the database; by default it is derived from SECRET_KEY (rotating that then makes
# every earlier seal fail verification).
FLOWDESK_AUDIT_KEY = ENV.get("FLOWDESK_AUDIT_KEY", "").strip() or _derived_key(SECRET_KEY, "flowdesk.audit")
FLOWDESK_AUDIT_SEAL_INTERVAL = env_float(ENV, "FLOWDESK_AUDIT_SEAL_INTERVAL", 60.0)
CELERY_BEAT_SCHEDULE["workflows.audit_seal"] = _beat("workflows.audit_seal", FLOWDESK_AUDIT_SEAL_INTERVAL)

# --- Data retention (workflows.retention) -------------------------------------
# Finished instances older than this many days are archived or deleted (0: keep forever).
FLOWDESK_RETENTION_DAYS = env_int(ENV, "FLOWDESK_RETENTION_DAYS", 0)
# archive: write each instance (steps, events, approvals) as a JSON line first; delete: just delete.
FLOWDESK_RETENTION_MODE = ENV.get("FLOWDESK_RETENTION_MODE", "archive").strip().lower()
FLOWDESK_RETENTION_ARCHIVE_DIR = Path(ENV.get("FLOWDESK_RETENTION_ARCHIVE_DIR", VAR_DIR / "archive"))
FLOWDESK_RETENTION_BATCH = env_int(ENV, "FLOWDESK_RETENTION_BATCH", 200)
# Beat runs the purge this often (seconds) when FLOWDESK_RETENTION_DAYS > 0.
FLOWDESK_RETENTION_INTERVAL = env_float(ENV, "FLOWDESK_RETENTION_INTERVAL", 3600.0)
CELERY_IMPORTS = ["workflows.retention.tasks", "workflows.audit.tasks"]
if FLOWDESK_RETENTION_DAYS > 0:
    CELERY_BEAT_SCHEDULE["workflows.purge_instances"] = _beat(
        "workflows.purge_instances", FLOWDESK_RETENTION_INTERVAL, floor=60.0
    )
