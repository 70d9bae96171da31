"""The upload page /import/: district officials import into their own district; nobody else can."""

import re

import pytest

from accounts.roles import Role
from compounds.models import Compound, OrgImport, Street
from tests.compounds.test_import import STREET_HEADERS, good_sheets, snapshot, write_csv, write_xlsx
from tests.factories import DistrictFactory, user_for

pytestmark = pytest.mark.django_db

URL = "/import/"  # reverse("org-import")


def upload(client, path, **extra):
    with open(path, "rb") as handle:
        return client.post(URL, {"file": handle, **extra})


def test_the_official_sees_the_form(client, tree):
    client.force_login(tree.official)
    response = client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "导入组织数据 · 长安区" in body and 'type="file"' in body


def test_the_official_uploads_a_workbook_and_sees_the_counts(client, tmp_path):
    # given an official of a district with nothing in it yet
    district = DistrictFactory(code="610116", name="长安区")
    official = user_for(Role.DISTRICT_OFFICIAL, district, username="official")
    client.force_login(official)
    # when
    response = upload(client, write_xlsx(tmp_path / "台账.xlsx", good_sheets()))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "导入成功" in body
    counts = (
        '<td data-label="新增" class="num">3</td><td data-label="更新" class="num">0</td>'
        '<td data-label="未变" class="num">0</td>'
    )
    assert '<th scope="row">小区</th>' + counts in body
    assert Compound.objects.filter(district=district).count() == 3


def test_bad_rows_are_shown_in_a_table_and_nothing_is_saved(client, tree, tmp_path):
    client.force_login(tree.official)
    before = snapshot(tree.district)
    rows = [STREET_HEADERS, ["610116009", "新街道"], ["61011600", "短编码街道"], ["610113009", "外区街道"]]
    response = upload(client, write_csv(tmp_path / "街道.csv", rows))
    body = response.content.decode()
    assert response.status_code == 400
    assert "发现 2 处错误，未保存任何数据" in body
    row = '<td data-label="工作表">街道.csv</td><td data-label="行号">{}</td><td data-label="问题">'
    assert row.format(3) + "街道编码应为 9 位数字，收到的是“61011600”。</td>" in body
    assert row.format(4) in body and "应以所属区的编码“610116”开头" in body
    assert snapshot(tree.district) == before
    assert not Street.objects.filter(code="610116009").exists()


def test_an_unreadable_file_is_refused_with_a_message(client, tree, tmp_path):
    client.force_login(tree.official)
    path = tmp_path / "旧表.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    response = upload(client, path)
    assert response.status_code == 400
    assert "不支持旧版 .xls 文件" in response.content.decode()


def test_other_roles_cannot_import(client, tree, tmp_path):
    path = write_csv(tmp_path / "街道.csv", [STREET_HEADERS, ["610116009", "新街道"]])
    for user in tree.users[1:]:
        client.force_login(user)
        assert client.get(URL).status_code == 403, user.role
        assert upload(client, path).status_code == 403, user.role
    assert not Street.objects.filter(code="610116009").exists()


def test_another_districts_official_cannot_import_into_this_district(client, tree, other_tree, tmp_path):
    # given a file of this district's codes, uploaded by the other district's official
    before = snapshot(tree.district)
    client.force_login(other_tree.official)
    response = upload(client, write_csv(tmp_path / "街道.csv", [STREET_HEADERS, ["610116009", "新街道"]]))
    # then it is checked against the uploader's own district and refused; this district is untouched
    assert response.status_code == 400
    assert "应以所属区的编码“610113”开头" in response.content.decode()
    assert snapshot(tree.district) == before
    assert not Street.objects.filter(code="610116009").exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def kept_id(body: str) -> str:
    return re.search(r'name="kept" value="(\d+)"', body).group(1)


def test_the_file_is_kept_after_a_check_and_imported_without_choosing_it_again(client, tree, tmp_path):
    # given the official checks a file first (dry run)
    client.force_login(tree.official)
    path = write_csv(tmp_path / "街道.csv", [STREET_HEADERS, ["610116009", "新街道"]])
    checked = upload(client, path, dry_run="on")
    body = checked.content.decode()
    assert "检查通过（只检查，未保存）" in body and "已保留刚才上传的文件：<b>街道.csv</b>" in body
    assert not Street.objects.filter(code="610116009").exists()
    kept = kept_id(body)
    # when they submit again without choosing a file, the kept one is imported
    response = client.post(URL, {"kept": kept})
    assert response.status_code == 200 and "导入成功" in response.content.decode()
    assert Street.objects.filter(code="610116009", district=tree.district).exists()
    # and a saved import offers nothing more to import again
    assert 'name="kept"' not in response.content.decode()
    again = client.post(URL, {"kept": kept})
    assert again.status_code == 400 and "请选择要导入的文件" in again.content.decode()


def test_a_kept_file_is_its_uploaders_only(client, tree, other_tree, tmp_path):
    client.force_login(tree.official)
    path = write_csv(tmp_path / "街道.csv", [STREET_HEADERS, ["61011600", "短编码街道"]])
    kept = kept_id(upload(client, path).content.decode())
    # another district's official cannot use the id
    client.force_login(other_tree.official)
    response = client.post(URL, {"kept": kept})
    assert response.status_code == 400 and "请选择要导入的文件" in response.content.decode()
    assert "短编码街道" not in response.content.decode()


def test_a_kept_id_that_is_no_job_asks_for_a_file(client, tree):
    client.force_login(tree.official)
    for kept in ("abc", "99999999999999", "-1", "0", "999999"):
        response = client.post(URL, {"kept": kept})
        assert response.status_code == 400 and "请选择要导入的文件" in response.content.decode(), kept
    # a value the page never gave (too long for the field, for any text, a NUL): one message, about the file
    for kept in ("9" * 3000, "9" * 2_000_000, "12\x0034"):
        response = client.post(URL, {"kept": kept})
        body = response.content.decode()
        assert response.status_code == 400 and "保留的文件已失效，请重新选择文件。" in body
        assert "内容过长" not in body and "控制字符" not in body, len(kept)


def test_the_result_lists_what_each_row_became_and_why(client, tree, tmp_path):
    # given a street that exists and is renamed, one that is new and one that is refused
    client.force_login(tree.official)
    existing = tree.streets[0]
    rows = [STREET_HEADERS, [existing.code, "改名街道"], ["610116009", "新街道"], ["61011600", "短编码街道"]]
    response = upload(client, write_csv(tmp_path / "街道.csv", rows), dry_run="on")
    body = response.content.decode()
    assert response.status_code == 400
    # then each row says what it became (had the file been good), the refused one why
    outcomes = re.findall(r'<tr data-outcome="(\w+)"><th scope="row">街道.csv · 第 (\d) 行</th>', body)
    assert outcomes == [("updated", "2"), ("created", "3"), ("refused", "4")]
    assert '<span class="badge badge-refused">拒绝</span>' in body
    assert "街道编码应为 9 位数字，收到的是“61011600”。" in body
    assert "未保存" in body
    assert Street.objects.get(pk=existing.pk).name == existing.name


def test_another_districts_official_gets_404_for_an_import_job(client, tree, other_tree, tmp_path):
    client.force_login(tree.official)
    response = upload(client, write_csv(tmp_path / "街道.csv", [STREET_HEADERS, ["610116009", "新街道"]]))
    job = OrgImport.objects.get(district=tree.district)
    assert client.get(f"/import/{job.pk}/").status_code == 200
    # the other district's official: the same answer as for a job that does not exist
    client.force_login(other_tree.official)
    assert client.get(f"/import/{job.pk}/").status_code == 404
    assert client.get("/import/999999/").status_code == 404
    assert "街道.csv" not in client.get(URL).content.decode()
    assert response.status_code == 200


def test_a_long_file_runs_in_the_task_and_the_page_shows_progress_then_the_rows(
    client, tree, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    from compounds.importing import jobs
    from compounds.tasks import run_org_import_task

    monkeypatch.setattr(jobs, "INLINE_ROWS", 2)
    client.force_login(tree.official)
    rows = [STREET_HEADERS, *[[f"6101160{n:02d}", f"新{n}街道"] for n in range(10, 15)]]
    # when the file is uploaded, the task is held back (the page is seen before it runs)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(client, write_csv(tmp_path / "街道.csv", rows))
    job = OrgImport.objects.get(district=tree.district)
    assert response.status_code == 302 and response["Location"] == f"/import/{job.pk}/"
    waiting = client.get(response["Location"]).content.decode()
    assert "排队中" in waiting and "已处理 0 / 5 行" in waiting and 'http-equiv="refresh"' in waiting
    # the enqueue went through the task outbox
    from workorders.models import OutboxMessage

    message = OutboxMessage.objects.get(task=run_org_import_task.name)
    assert message.args == [job.pk, tree.district.pk] and message.district_id == tree.district.pk
    # while it runs, the page shows how far it got (looked at each time the task reports its progress)
    pages = []
    real_set = jobs.cache.set

    def watch(key, value, timeout=None):
        real_set(key, value, timeout)
        if key == jobs.progress_key(job):
            pages.append(client.get(f"/import/{job.pk}/").content.decode())

    monkeypatch.setattr(jobs.cache, "set", watch)
    for callback in callbacks:
        callback()  # eager: the outbox publishes, the task runs here
    assert "正在导入：已处理 0 / 5 行" in pages[0] and "正在导入：已处理 5 / 5 行" in pages[-1]
    assert all('http-equiv="refresh"' in page for page in pages)
    job.refresh_from_db()
    assert job.status == "done", job.result
    finished = client.get(f"/import/{job.pk}/").content.decode()
    assert "导入成功" in finished and 'http-equiv="refresh"' not in finished
    assert finished.count('data-outcome="created"') == 5
    assert Street.objects.filter(district=tree.district, code__startswith="6101160").count() == 5 + 2
    # the task acted as the system for the uploader (the history names both)
    event = OrgImport.pgh_event_model.objects.filter(pgh_obj_id=job.pk).order_by("pgh_id").last()
    assert event.pgh_context.metadata["task"] == "task:compounds.run_org_import_task"
    assert tree.official.username in event.pgh_context.metadata["actor"] or (
        tree.official.get_full_name() in event.pgh_context.metadata["actor"]
    )
    assert event.pgh_context.metadata["actor"].startswith("系统（task:compounds.run_org_import_task，代 ")
