"""django-helpdesk 2.6 as its documentation sets it up, for `make bench-peer` (benchmarks/peer.py): PostgreSQL
(PEER_DATABASE_URL), DEBUG off, mail written to files (as our local settings do), the public ticket form on.
Runs in var/peer/venv, never in the project's environment."""

import os
import secrets
import urllib.parse
from pathlib import Path

BASE = Path(__file__).resolve().parent
VAR = Path(os.environ["PEER_VAR"])
_db = urllib.parse.urlsplit(os.environ["PEER_DATABASE_URL"])
_query = urllib.parse.parse_qs(_db.query)

# a throwaway benchmark site: a fresh key per run unless the runner passes one (no key in git)
SECRET_KEY = os.environ.get("PEER_SECRET_KEY") or secrets.token_urlsafe(50)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "helpdesk",
]
SITE_ID = 1
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "peer_urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _db.path.lstrip("/"),
        "USER": urllib.parse.unquote(_db.username or ""),
        "PASSWORD": urllib.parse.unquote(_db.password or ""),
        # the embedded server (no DATABASE_URL) is reached by its socket folder: ?host=<folder>&port=<port>
        "HOST": _db.hostname or _query.get("host", [""])[0],
        "PORT": _db.port or _query.get("port", [""])[0],
        "CONN_MAX_AGE": 60,
    }
}
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
STATIC_URL = "/static/"
MEDIA_ROOT = VAR / "media"
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = str(VAR / "mail")
DEFAULT_FROM_EMAIL = "helpdesk@example.org"
LOGIN_URL = "/helpdesk/login/"
HELPDESK_TEAMS_MODE_ENABLED = False  # no pinax-teams: the knowledge base is not measured
HELPDESK_PUBLIC_ENABLED = True
HELPDESK_VIEW_A_TICKET_PUBLIC = True
HELPDESK_SUBMIT_A_TICKET_PUBLIC = True
HELPDESK_REDIRECT_TO_LOGIN_BY_DEFAULT = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
