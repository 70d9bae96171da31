"""The test suite: real PostgreSQL (DATABASE_URL, or the embedded server). Tasks run eagerly, except in a
real Celery worker started by tests/integration (it sets CAPILLARY_CELERY_EAGER=0)."""

from config.settings.local import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = env_bool("CAPILLARY_CELERY_EAGER", True)  # noqa: F405
CELERY_TASK_EAGER_PROPAGATES = True
# The test runner swaps every mailer for the in-memory one (mail.outbox); declared here for clarity.
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
