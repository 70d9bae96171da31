import pytest
from django.db import connection

from config.celery import app as celery_app
from config.celery import ping


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_ping_task_against_the_test_database(celery_worker_process):
    # given a worker process started with the test settings, eager mode off
    assert celery_app.conf.task_always_eager is False

    # when the health task is sent through the broker
    result = ping.delay()

    # then the worker (not this process) answers, from the pytest-django test database
    answer = result.get(timeout=30)
    assert answer["answer"] == "pong"
    assert answer["database"] == connection.settings_dict["NAME"]
    assert answer["database"].startswith("test_")
    assert answer["server_version"].split(".")[0].isdigit()
    assert result.successful()
