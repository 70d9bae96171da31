"""Production: every secret and address from the environment; nothing embedded."""

import copy
import os

from django.core.exceptions import ImproperlyConfigured

# docker-compose.yml must give these (tests/deploy/test_compose.py checks it).
REQUIRED_ENVIRONMENT = ("DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS")
for _required in REQUIRED_ENVIRONMENT:
    if not os.environ.get(_required):
        raise ImproperlyConfigured(f"{_required} must be set in production (see README.md, Configuration)")

from config.settings.base import *  # noqa: E402,F403
from config.settings.base import env_bool, env_list  # noqa: E402

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# One cache for every web process: the public pages' rate limits count across all gunicorn workers.
CACHES = {"default": {"BACKEND": "config.cache.RedisCache", "LOCATION": os.environ["REDIS_URL"]}}

CELERY_BROKER_URL = os.environ["REDIS_URL"]
CELERY_RESULT_BACKEND = os.environ["REDIS_URL"]
# CELERY_BROKER_TRANSPORT_OPTIONS (the visibility timeout) comes from base.py.

# Logs as JSON lines (one object per line, with the request id) unless CAPILLARY_LOG_FORMAT=plain.
# (New dicts, not base's changed in place: a process that imports this module beside other settings, such as a
# test that checks it, must not turn its own live settings into production's.)
LOGGING = copy.deepcopy(LOGGING)  # noqa: F405
LOGGING["handlers"]["console"]["formatter"] = (
    "plain" if os.environ.get("CAPILLARY_LOG_FORMAT", "json") == "plain" else "json"
)

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # health checks probe plain HTTP inside the network
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Mail: one SMTP mailer (Django 6.1 MAILERS), configured from the environment.
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("DJANGO_EMAIL_PORT", 25)),
            "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
            "password": os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", False),
            "use_ssl": env_bool("DJANGO_EMAIL_USE_SSL", False),
            "timeout": int(os.environ.get("DJANGO_EMAIL_TIMEOUT", 10)),
        },
    },
}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "capillary@localhost")
SERVER_EMAIL = os.environ.get("DJANGO_SERVER_EMAIL", DEFAULT_FROM_EMAIL)
