"""The upload page /import/: district officials import into their own district; nobody else can."""

import re

import pytest

from accounts.roles import Role
from compounds.models import Compound, Street
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
    counts = '<td data-label="新增">3</td><td data-label="更新">0</td><td data-label="未变">0</td>'
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


def test_the_file_is_kept_after_a_check_and_imported_without_choosing_it_again(client, tree, tmp_path):
    # given the official checks a file first (dry run)
    client.force_login(tree.official)
    path = write_csv(tmp_path / "街道.csv", [STREET_HEADERS, ["610116009", "新街道"]])
    checked = upload(client, path, dry_run="on")
    body = checked.content.decode()
    assert "检查通过（只检查，未保存）" in body and "已保留刚才上传的文件：<b>街道.csv</b>" in body
    assert not Street.objects.filter(code="610116009").exists()
    kept = re.search(r'name="kept" value="([0-9a-f]{32})"', body).group(1)
    # when they submit again without choosing a file, the kept one is imported
    response = client.post(URL, {"kept": kept})
    assert response.status_code == 200 and "导入成功" in response.content.decode()
    assert Street.objects.filter(code="610116009", district=tree.district).exists()
    # and it is gone once imported
    again = client.post(URL, {"kept": kept})
    assert again.status_code == 400 and "请选择要导入的文件" in again.content.decode()


def test_a_kept_file_is_its_uploaders_only(client, tree, other_tree, tmp_path):
    client.force_login(tree.official)
    path = write_csv(tmp_path / "街道.csv", [STREET_HEADERS, ["61011600", "短编码街道"]])
    kept = re.search(r'name="kept" value="([0-9a-f]{32})"', upload(client, path).content.decode()).group(1)
    # another district's official cannot use the id
    client.force_login(other_tree.official)
    response = client.post(URL, {"kept": kept})
    assert response.status_code == 400 and "请选择要导入的文件" in response.content.decode()
    assert "短编码街道" not in response.content.decode()
