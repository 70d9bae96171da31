"""12345 平台转办: the authenticated endpoint, the CSV import and the import_hotline command."""

import threading
from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.actors import MissingActor, SystemActor
from accounts.permissions import Forbidden
from accounts.roles import Integration, Role
from tests import factories
from workorders import services
from workorders.hotline.csvfile import HotlineFileError
from workorders.hotline.services import HotlineRow, hotline_file_import, hotline_order_receive
from workorders.models import Channel, TimelineEntry, WorkOrder
from workorders.worktime import BEIJING

ORDERS_URL = "/api/v1/hotline/orders/"
IMPORT_URL = "/api/v1/hotline/orders/import/"
HEADER = "工单编号,受理时间,诉求类别,诉求内容,小区/地址,联系电话,办理时限\n"


def payload(tree, **overrides):
    data = {
        "external_number": "GD20261123000101",
        "accepted_at": "2026-11-23 09:30",
        "category": "楼道堆物",
        "compound": tree.compounds[0].name,
        "description": "3号楼2单元楼道堆满纸箱，影响消防通道",
        "reporter_phone": "13812341234",
        "deadline": "5个工作日",
    }
    data.update(overrides)
    return data


SYSTEM = SystemActor(name="tests")


def hotline_account(district):
    """The district's 12345 integration account (an API key, no password)."""
    return factories.UserFactory(
        role=Role.INTEGRATION, integration=Integration.HOTLINE_12345, district=district, full_name=""
    )


@pytest.fixture
def api(tree, categories):
    client = APIClient()
    client.force_authenticate(hotline_account(tree.district))
    return client


def test_the_hotline_integration_posts_an_order_that_lands_in_its_district(api, tree):
    # when
    response = api.post(ORDERS_URL, payload(tree), format="json")

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    order = WorkOrder.objects.get(pk=body["id"])
    assert body["external_number"] == "GD20261123000101"
    assert body["channel_label"] == "平台转办"
    assert order.district == tree.district and order.compound == tree.compounds[0]
    assert order.channel == Channel.HOTLINE_12345 and order.category.code == "corridor-clutter"
    assert order.created_at == datetime(2026, 11, 23, 9, 30, tzinfo=BEIJING)  # the hotline's clock
    assert order.reporter_phone == "13812341234"
    # the hotline's 办理时限 is the order's deadline (5 working days from 受理时间), not text in the description
    assert "办理时限" not in order.description
    assert order.resolve_by == order.committed_resolve_by == datetime(2026, 11, 30, 9, 30, tzinfo=BEIJING)
    assert order.respond_by <= order.resolve_by
    assert "办结时限按来源平台：2026-11-30 09:30" in order.timeline.get(kind="filed").note
    assert order.title.startswith("楼道堆物：3号楼2单元")


def test_posting_the_same_order_twice_answers_with_the_one_order(api, tree):
    # given
    first = api.post(ORDERS_URL, payload(tree), format="json")

    # when: the hotline retries the very same push
    second = api.post(ORDERS_URL, payload(tree), format="json")

    # then
    assert first.status_code == 201 and second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert WorkOrder.objects.filter(external_number="GD20261123000101").count() == 1


def test_the_same_number_with_other_content_is_a_409_and_both_orders_are_kept(api, tree):
    # given
    first = api.post(ORDERS_URL, payload(tree), format="json")

    # when: a second push under the same number says something else
    second = api.post(ORDERS_URL, payload(tree, description="5号楼电梯困人"), format="json")
    again = api.post(ORDERS_URL, payload(tree, description="5号楼电梯困人"), format="json")

    # then: a conflict naming both orders, neither dropped nor merged; a retry files no third order
    assert first.status_code == 201 and second.status_code == 409, second.content
    body = second.json()
    assert body["existing_order"] == first.json()["id"] and body["code"] == "external_number_clash"
    assert "两张工单均已保留" in body["detail"]
    kept = WorkOrder.objects.get(pk=body["new_order"])
    assert kept.description.startswith("5号楼电梯困人") and kept.external_clash_of_id == first.json()["id"]
    assert WorkOrder.objects.get(pk=first.json()["id"]).description.startswith("3号楼2单元楼道堆满纸箱")
    assert again.status_code == 409 and again.json()["new_order"] == kept.pk
    assert WorkOrder.objects.filter(external_number="GD20261123000101").count() == 2
    assert "冲突" in kept.timeline.filter(kind="note").get().note


def test_the_districts_integration_account_posts_with_its_token(tree, categories):
    # given: the district's 12345 integration account and its token
    account = hotline_account(tree.district)
    token = factories.api_key_for(account)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    # when
    response = client.post(ORDERS_URL, payload(tree, compound=tree.compounds[1].code), format="json")

    # then
    assert response.status_code == 201
    assert WorkOrder.objects.get().compound == tree.compounds[1]


@pytest.mark.parametrize(
    "role", ["official", "street_staff", "cadre", "grid_worker", "firm_staff", "department_staff", "open311"]
)
def test_no_person_nor_other_integration_may_post_hotline_orders(tree, categories, role):
    client = APIClient()
    if role == "open311":
        user = factories.UserFactory(role=Role.INTEGRATION, integration=Integration.OPEN311, district=tree.district)
    else:
        user = getattr(tree, role)
    client.force_authenticate(user)

    response = client.post(ORDERS_URL, payload(tree), format="json")

    assert response.status_code == 403
    assert "接口账号" in response.json()["detail"]
    assert not WorkOrder.objects.exists()


def test_another_districts_hotline_account_cannot_file_here(tree, other_tree, categories):
    client = APIClient()
    client.force_authenticate(hotline_account(other_tree.district))

    response = client.post(ORDERS_URL, payload(tree, district=tree.district.code), format="json")

    assert response.status_code == 400 and "不存在" in response.json()["district"][0]
    assert not WorkOrder.objects.exists()


def test_anonymous_posts_are_refused(tree, categories):
    response = APIClient().post(ORDERS_URL, payload(tree), format="json")
    assert response.status_code in (401, 403)
    assert not WorkOrder.objects.exists()


def test_an_unknown_compound_or_category_is_a_clear_error_and_saves_nothing(api, tree):
    response = api.post(ORDERS_URL, payload(tree, compound="不存在花园", category="外星人入侵"), format="json")

    assert response.status_code == 400
    errors = response.json()
    assert "找不到小区“不存在花园”" in errors["compound"][0]
    assert "诉求类别“外星人入侵”" in errors["category"][0]
    assert not WorkOrder.objects.exists()


def test_another_districts_compound_is_not_found_from_this_district(api, tree, other_tree):
    services.categories_seed(actor=SYSTEM, district=other_tree.district)

    by_name = api.post(ORDERS_URL, payload(tree, compound=other_tree.compounds[0].name), format="json")
    by_code = api.post(ORDERS_URL, payload(tree, compound=other_tree.compounds[0].code), format="json")
    naming_b = api.post(ORDERS_URL, payload(tree, district=other_tree.district.code), format="json")

    assert by_name.status_code == by_code.status_code == naming_b.status_code == 400
    assert "找不到小区" in by_name.json()["compound"][0]
    assert "没有编码为" in by_code.json()["compound"][0]
    assert "不存在" in naming_b.json()["district"][0]
    assert not WorkOrder.objects.exists()


def test_a_platform_admin_names_the_district(tree, other_tree, categories):
    services.categories_seed(actor=SYSTEM, district=other_tree.district)
    admin = factories.user_for(Role.PLATFORM_ADMIN, username="admin")
    client = APIClient()
    client.force_authenticate(admin)

    unnamed = client.post(ORDERS_URL, payload(other_tree), format="json")
    named = client.post(ORDERS_URL, payload(other_tree, district=other_tree.district.code), format="json")

    assert unnamed.status_code == 400 and "区划代码" in unnamed.json()["district"][0]
    assert named.status_code == 201
    assert WorkOrder.objects.get().district == other_tree.district


def test_the_same_number_in_two_districts_is_two_orders(tree, other_tree, categories):
    services.categories_seed(actor=SYSTEM, district=other_tree.district)
    row_a = HotlineRow(
        external_number="N1", category="噪音扰民", compound=tree.compounds[0].name, description="夜间施工"
    )
    row_b = HotlineRow(
        external_number="N1", category="噪音扰民", compound=other_tree.compounds[0].name, description="夜间施工"
    )

    a = hotline_order_receive(actor=SYSTEM, district=tree.district, row=row_a)
    b = hotline_order_receive(actor=SYSTEM, district=other_tree.district, row=row_b)

    assert a.created and b.created and a.order.pk != b.order.pk


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_of_one_number_file_one_order(tree):
    # given
    services.categories_seed(actor=SYSTEM, district=tree.district)
    row = HotlineRow(external_number="RACE-1", category="楼道堆物", compound=tree.compounds[0].name, description="堆物")
    barrier = threading.Barrier(2)
    results, failures = [], []

    def post():
        try:
            barrier.wait(timeout=10)
            results.append(hotline_order_receive(actor=SYSTEM, district=tree.district, row=row))
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then
    assert not failures, failures
    assert WorkOrder.objects.filter(external_number="RACE-1").count() == 1
    assert {r.order.pk for r in results} == {WorkOrder.objects.get().pk}
    assert TimelineEntry.objects.filter(order__external_number="RACE-1").count() >= 1


# ---------------------------------------------------------------------------------------------------- CSV


def csv_bytes(tree, *rows, encoding="utf-8"):
    return (HEADER + "".join(rows)).encode(encoding)


def good_rows(tree):
    return (
        f"GD001,2026-11-20 08:15,楼道堆物,1单元楼道堆放旧家具,{tree.compounds[0].name}3号楼,"
        "13900001111,2026-11-27 18:00\n",
        f'GD002,2026/11/21 10:00,路灯照明,"小区东门路灯不亮\n晚上很黑",{tree.compounds[1].code},'
        "139****2222,5个工作日\n",
    )


def test_a_csv_export_imports_every_row_with_its_number(tree, categories):
    # when
    report = hotline_file_import(actor=SYSTEM, district=tree.district, data=csv_bytes(tree, *good_rows(tree)))

    # then
    assert report.saved and len(report.created) == 2 and not report.existing
    first, second = WorkOrder.objects.order_by("external_number")
    assert (first.external_number, first.compound, first.category.code) == (
        "GD001",
        tree.compounds[0],
        "corridor-clutter",
    )
    assert first.created_at == datetime(2026, 11, 20, 8, 15, tzinfo=BEIJING)
    assert "小区/地址：" in first.description and "3号楼" in first.description
    assert first.resolve_by == datetime(2026, 11, 27, 18, 0, tzinfo=BEIJING)  # 办理时限 as the export gives it
    assert (second.compound, second.category.code) == (tree.compounds[1], "street-lamp")
    # accepted on a Saturday: 5 working days run Monday to Friday
    assert second.resolve_by == datetime(2026, 11, 28, 0, 0, tzinfo=BEIJING)
    assert second.reporter_phone == ""  # the export masked it
    assert "晚上很黑" in second.description


def test_a_gbk_export_from_excel_imports_too(tree, categories):
    report = hotline_file_import(
        actor=SYSTEM, district=tree.district, data=csv_bytes(tree, *good_rows(tree), encoding="gb18030")
    )
    assert report.saved and WorkOrder.objects.count() == 2


def test_importing_the_same_file_twice_creates_each_order_once(tree, categories):
    data = csv_bytes(tree, *good_rows(tree))
    hotline_file_import(actor=SYSTEM, district=tree.district, data=data)

    again = hotline_file_import(actor=SYSTEM, district=tree.district, data=data)

    assert again.saved and not again.created and len(again.existing) == 2
    assert WorkOrder.objects.count() == 2


def test_a_number_repeated_inside_one_file_is_one_order(tree, categories):
    row = f"GD009,2026-11-20 08:15,楼道堆物,堆物,{tree.compounds[0].name},,\n"
    report = hotline_file_import(actor=SYSTEM, district=tree.district, data=csv_bytes(tree, row, row))
    assert len(report.created) == 1 and len(report.existing) == 1
    assert WorkOrder.objects.count() == 1


def test_bad_rows_are_reported_by_row_number_and_nothing_is_saved(tree, categories):
    # given: an order imported earlier
    hotline_file_import(actor=SYSTEM, district=tree.district, data=csv_bytes(tree, good_rows(tree)[0]))
    bad = (
        f"GD101,2026-11-20 08:15,楼道堆物,正常的一行,{tree.compounds[0].name},,\n",
        "GD102,2026-11-20 08:15,楼道堆物,小区名写错,幸福花园,,\n",
        "GD103,昨天上午,不存在的类别,,,,\n",
        f",2026-11-20 08:15,楼道堆物,没有编号,{tree.compounds[0].name},,\n",
        f"GD105,2026-11-20 08:15,楼道堆物,电话不对,{tree.compounds[0].name},abc,\n",
    )

    # when
    report = hotline_file_import(actor=SYSTEM, district=tree.district, data=csv_bytes(tree, *bad))

    # then
    assert not report.ok and not report.saved
    messages = [str(e) for e in report.errors]
    assert any(m.startswith("第 3 行：") and "幸福花园" in m for m in messages)
    assert any(m.startswith("第 4 行：") and "受理时间" in m for m in messages)
    assert any(m.startswith("第 4 行：") and "不存在的类别" in m for m in messages)
    assert any(m.startswith("第 4 行：") and "诉求内容" in m for m in messages)
    assert any(m.startswith("第 5 行：") and "工单编号" in m for m in messages)
    assert any(m.startswith("第 6 行：") and "联系电话" in m for m in messages)
    assert not any(m.startswith("第 2 行") for m in messages)
    assert list(WorkOrder.objects.values_list("external_number", flat=True)) == ["GD001"]


def test_a_file_without_the_required_columns_is_refused_as_a_whole(tree, categories):
    with pytest.raises(HotlineFileError, match="缺少必填列：诉求类别"):
        hotline_file_import(
            actor=SYSTEM, district=tree.district, data="工单编号,诉求内容,小区\nGD1,堆物,某小区\n".encode()
        )


def test_the_import_command_imports_and_reports_bad_rows(tree, categories, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(tree, *good_rows(tree)))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(tree, "GD201,2026-11-20 08:15,楼道堆物,堆物,幸福花园,,\n"))

    call_command("import_hotline", str(good), "--district", tree.district.code)
    assert "新建工单 2 张" in capsys.readouterr().out
    with pytest.raises(CommandError, match="未保存任何工单"):
        call_command("import_hotline", str(bad), "--district", tree.district.code)
    assert "第 2 行：" in capsys.readouterr().err
    with pytest.raises(CommandError, match="区划代码“999999”的区不存在"):
        call_command("import_hotline", str(good), "--district", "999999")
    assert WorkOrder.objects.count() == 2


def test_the_import_endpoint_takes_a_csv_upload(api, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("export.csv", csv_bytes(tree, *good_rows(tree)), content_type="text/csv")
    response = api.post(IMPORT_URL, {"file": upload}, format="multipart")

    assert response.status_code == 200, response.content
    assert response.json() == {"saved": True, "created": 2, "existing": 0, "errors": []}

    upload = SimpleUploadedFile(
        "bad.csv", csv_bytes(tree, "GD301,x,楼道堆物,堆物,幸福花园,,\n"), content_type="text/csv"
    )
    response = api.post(IMPORT_URL, {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["row"] == 2
    assert WorkOrder.objects.count() == 2


def test_the_hotline_urls_are_named_for_the_tenancy_walk():
    assert reverse("hotline:order-receive") == ORDERS_URL
    assert reverse("hotline:order-import") == IMPORT_URL


# ---------------------------------------------------------------------------------------------------- 办理时限


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        ("2026-11-27 18:00", datetime(2026, 11, 27, 18, 0, tzinfo=BEIJING)),
        ("2026-11-27", datetime(2026, 11, 27, 23, 59, 59, tzinfo=BEIJING)),  # a bare date: by the end of that day
        ("2026年12月10日", datetime(2026, 12, 10, 23, 59, 59, tzinfo=BEIJING)),  # later than the category's SLA
        ("3天", datetime(2026, 11, 26, 9, 30, tzinfo=BEIJING)),
        ("24小时", datetime(2026, 11, 24, 9, 30, tzinfo=BEIJING)),
    ],
)
def test_the_hotline_deadline_becomes_the_orders_resolve_by(api, tree, deadline, expected):
    # when a hotline order comes with its 办理时限
    response = api.post(ORDERS_URL, payload(tree, deadline=deadline), format="json")
    # then the order's deadline is the platform's, as given, and the API says so
    assert response.status_code == 201, response.content
    order = WorkOrder.objects.get()
    assert order.resolve_by == order.committed_resolve_by == expected
    assert datetime.fromisoformat(response.json()["resolve_by"]) == expected
    assert order.respond_by <= order.resolve_by


def test_without_a_deadline_the_categorys_sla_applies(api, tree):
    response = api.post(ORDERS_URL, payload(tree, deadline=""), format="json")
    assert response.status_code == 201
    order = WorkOrder.objects.get()
    # 楼道堆物 is 一般: 7 working days from Monday 09:30
    assert order.resolve_by == datetime(2026, 12, 2, 9, 30, tzinfo=BEIJING)


@pytest.mark.parametrize(
    ("deadline", "message"),
    [
        ("尽快", "办理时限“尽快”无法识别"),
        ("2026-11-22 18:00", "办理时限应晚于受理时间。"),
        ("0个工作日", "应大于零"),
    ],
)
def test_a_bad_deadline_is_a_clear_error_and_saves_nothing(api, tree, deadline, message):
    response = api.post(ORDERS_URL, payload(tree, deadline=deadline), format="json")
    assert response.status_code == 400
    assert message in response.json()["deadline"][0]
    assert not WorkOrder.objects.exists()


def test_a_bad_deadline_in_a_csv_row_names_the_row_and_imports_nothing(tree, categories):
    rows = (
        f"GD301,2026-11-20 08:15,楼道堆物,正常的一行,{tree.compounds[0].name},,5个工作日\n",
        f"GD302,2026-11-20 08:15,楼道堆物,时限写错,{tree.compounds[0].name},,下周\n",
    )
    report = hotline_file_import(actor=SYSTEM, district=tree.district, data=csv_bytes(tree, *rows))
    assert not report.saved
    assert [str(e) for e in report.errors] == ["第 3 行：办理时限“下周”无法识别，应如 2026-11-27 18:00 或 5个工作日。"]
    assert not WorkOrder.objects.exists()


def test_work_order_file_external_tells_whether_it_created_the_order(tree, categories):
    # given
    kwargs = {
        "actor": SYSTEM,
        "compound": tree.compounds[0],
        "category": categories["corridor-clutter"],
        "channel": Channel.HOTLINE_12345,
        "title": "楼道堆物",
        "description": "楼道堆满杂物",
        "external_number": "GD-EXT-1",
    }
    # when filed twice
    first, created = services.work_order_file_external(**kwargs)
    again, created_again = services.work_order_file_external(**{**kwargs, "description": " 楼道堆满杂物 "})
    # then
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and again.description == "楼道堆满杂物"


def test_a_refused_sender_is_403_and_no_actor_is_an_error(tree, categories):
    kwargs = {
        "compound": tree.compounds[0],
        "category": categories["corridor-clutter"],
        "channel": Channel.HOTLINE_12345,
        "title": "楼道堆物",
        "description": "楼道堆满杂物",
        "external_number": "GD-EXT-2",
    }
    with pytest.raises(MissingActor):
        services.work_order_file(actor=None, **kwargs)
    with pytest.raises(Forbidden):
        services.work_order_file(actor=tree.official, **kwargs)
    assert not WorkOrder.objects.exists()


def test_a_resolve_by_before_filing_is_refused(tree, categories):
    with pytest.raises(ValidationError) as error:
        services.work_order_file(
            actor=SYSTEM,
            compound=tree.compounds[0],
            category=categories["corridor-clutter"],
            channel=Channel.HOTLINE_12345,
            title="楼道堆物",
            description="楼道堆满杂物",
            external_number="GD-EXT-2",
            resolve_by=datetime(2026, 1, 1, tzinfo=BEIJING),
            now=datetime(2026, 3, 2, 9, 0, tzinfo=BEIJING),
        )
    assert error.value.message_dict["resolve_by"] == ["办结时限应晚于提交时间。"]
    assert not WorkOrder.objects.exists()
