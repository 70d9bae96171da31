"""The broker down (issue 11) for the spreadsheet imports: a long import uploaded while Redis is unreachable is
kept (the uploader sees its page, queued, no 500), waits in the task outbox, and once Redis is back the sweep
publishes it and a real worker runs it — once, however many times the sweep runs. A redis-server of the test's
own, on its own port, stopped and started (the shared Redis of the machine is never touched)."""

import socket
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from compounds.importing import jobs
from compounds.models import ImportStatus, OrgImport, Street
from config.celery import app as celery_app
from staffing.importing import service as staffing_importing
from staffing.models import SeatTerm, StaffingImport
from tests.conftest import build_tree
from tests.staffing.test_import import good_sheets, workbook
from workorders.models import OutboxMessage
from workorders.outbox import outbox_sweep

from .conftest import start_worker, stop_worker
from .redis_server import celery_app_on, own_redis  # noqa: F401 (fixture)
from .test_routing_worker import wait_for

NOW = timedelta(0)
pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_imports_uploaded_while_the_broker_is_down_run_once_it_is_back(own_redis, client, tmp_path, monkeypatch):  # noqa: F811
    tree = build_tree("610116", "长安区")
    # both files count as long (the inline limit lowered), so both go to the task
    monkeypatch.setattr(jobs, "INLINE_ROWS", 2)
    monkeypatch.setattr(staffing_importing, "INLINE_ROWS", 2)
    streets = "街道编码,街道名称\n" + "".join(f"6101160{n:02d},新{n}街道\n" for n in range(10, 15))
    with celery_app_on(celery_app, own_redis.url):
        # given the broker is down
        own_redis.stop()

        # when an official uploads an organisation file on the page, and a staffing workbook
        client.force_login(tree.official)
        response = client.post("/import/", {"file": SimpleUploadedFile("街道.csv", streets.encode())})
        staffing = staffing_importing.import_start(
            actor=tree.official, upload=SimpleUploadedFile("人员配备.xlsx", workbook(good_sheets(tree)))
        )

        # then the page answers (the job's page, queued) and both wait in the outbox, unpublished
        org = OrgImport.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/import/{org.pk}/"
        assert "排队中" in client.get(response["Location"]).content.decode()
        pending = OutboxMessage.objects.filter(published_at__isnull=True, done_at__isnull=True)
        assert sorted(pending.values_list("task", flat=True)) == [
            "compounds.tasks.run_org_import_task",
            "staffing.tasks.run_import_task",
        ]
        assert OrgImport.objects.get().status == ImportStatus.PENDING

        # when the broker is back and a worker runs, the sweep publishes both
        own_redis.start()
        node = f"imports-{socket.gethostname()}-{own_redis.port}@%h"
        worker = start_worker(node, tmp_path / "worker.log", env={"REDIS_URL": own_redis.url}, app=celery_app)
        log = lambda: (tmp_path / "worker.log").read_text()[-3000:]  # noqa: E731
        all_done = lambda: not OutboxMessage.objects.filter(done_at__isnull=True).exists()  # noqa: E731
        try:
            assert outbox_sweep(min_age=NOW) == 2
            assert wait_for(all_done, timeout=90), log()
            assert outbox_sweep(min_age=NOW) == 0
            # a repeated delivery (the broker may repeat a message) changes nothing: a finished job is left alone
            OutboxMessage.objects.update(done_at=None, published_at=None)
            assert outbox_sweep(min_age=NOW) == 2
            assert wait_for(all_done, timeout=90), log()
        finally:
            stop_worker(worker)

    org.refresh_from_db()
    assert org.status == ImportStatus.DONE, org.result
    assert [row["outcome"] for row in org.rows] == ["created"] * 5
    assert Street.objects.filter(district=tree.district, code__startswith="6101160").count() == 2 + 5
    assert StaffingImport.objects.get(pk=staffing.pk).status == ImportStatus.DONE
    assert SeatTerm.objects.count() == 7
    # the page now shows the rows, no longer refreshing
    page = client.get(f"/import/{org.pk}/").content.decode()
    assert "导入成功" in page and 'http-equiv="refresh"' not in page and page.count('data-outcome="created"') == 5
