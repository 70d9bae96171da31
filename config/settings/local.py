"""Development and demo: runs on a bare machine with the embedded defaults (config/embedded.py)."""

import os

from config import embedded

if not os.environ.get("DATABASE_URL"):
    # The owner runs the migrations; the site, the workers and the commands connect as the application role.
    os.environ["DATABASE_OWNER_URL"] = embedded.database_url()
    os.environ["DATABASE_URL"] = embedded.app_database_url(os.environ["DATABASE_OWNER_URL"])

from config.settings.base import *  # noqa: F403
from config.settings.base import env_bool, env_list

# The demo shows the product as a user meets it: the site's own error pages, static files through WhiteNoise
# (collected by scripts/run_demo.py). DJANGO_DEBUG=1 asks for Django's debug pages while developing.
DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "config.cache.RedisCache", "LOCATION": os.environ["REDIS_URL"]}}
    CELERY_BROKER_URL = os.environ["REDIS_URL"]
    CELERY_RESULT_BACKEND = os.environ["REDIS_URL"]
else:
    # One cache for gunicorn's processes (rate limits, the one-time codes of workorders.recovery) with no Redis.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),  # noqa: F405
        }
    }
    _transport = embedded.celery_filesystem_transport()
    CELERY_BROKER_URL = _transport["broker_url"]
    CELERY_BROKER_TRANSPORT = _transport["broker_transport"]
    CELERY_BROKER_TRANSPORT_OPTIONS = _transport["broker_transport_options"]
    CELERY_RESULT_BACKEND = _transport["result_backend"]

# Mail is written to files under var/mail (Django 6.1 MAILERS replaces EMAIL_BACKEND/EMAIL_FILE_PATH).
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": str(VAR_DIR / "mail")},  # noqa: F405
    },
}

# WhiteNoise serves STATIC_ROOT (run_demo collects into it; with DEBUG it also finds files in the apps).
WHITENOISE_USE_FINDERS = DEBUG
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
