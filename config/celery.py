import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

# Every task runs as a named system actor in its district (row-level security, audit context).
app = Celery("capillary", task_cls="accounts.celery:TenantTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

from config import requestid  # noqa: E402, F401  (the request id travels in task headers: its signal handlers)


@task_prerun.connect(dispatch_uid="config.celery.connections_prerun")
@task_postrun.connect(dispatch_uid="config.celery.connections_postrun")
def connections_as_around_a_request(sender=None, **kwargs) -> None:
    """Before and after a task, what Django does before and after a request: close a connection that is too old
    (CONN_MAX_AGE) or has seen an error it did not survive; the next use of a kept one checks it first
    (CONN_HEALTH_CHECKS). Not for a task run eagerly inside a request or a test: its connection is theirs."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()


@app.task(name="capillary.ping")
def ping() -> dict:
    """A health task: proves a worker runs, reaches the database, and which database (and connection) it is."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version'), pg_backend_pid()")
        server_version, backend = cursor.fetchone()
    return {
        "answer": "pong",
        "database": connection.settings_dict["NAME"],
        "server_version": server_version,
        "backend": backend,  # the database server's process: one per connection
    }
