import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("capillary")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

from config import requestid  # noqa: E402, F401  (the request id travels in task headers: its signal handlers)


@app.task(name="capillary.ping")
def ping() -> dict:
    """A health task: proves a worker runs, reaches the database, and which database it is."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (server_version,) = cursor.fetchone()
    return {"answer": "pong", "database": connection.settings_dict["NAME"], "server_version": server_version}
