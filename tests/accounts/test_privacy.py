"""accounts.privacy: the one masking rule for text and personal fields, and the reveal log."""

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, transaction

from accounts import privacy
from accounts.actors import SystemActor
from accounts.models import PersonalDataReveal
from accounts.privacy import mask_email, mask_fields, mask_id_number, mask_name, mask_phone, mask_text, record_reveal

# (free text as typed, as it may leave the platform)
TEXT_CASES = {
    # mobiles
    "mobile": ("联系我 13812345678", "联系我 138****5678"),
    "mobile with spaces": ("电话 138 1234 5678 谢谢", "电话 138****5678 谢谢"),
    "mobile with dashes": ("138-1234-5678", "138****5678"),
    "mobile with +86": ("+86 13812345678", "138****5678"),
    "mobile with 0086": ("008613812345678", "138****5678"),
    "two mobiles": ("13812345678或15987654321", "138****5678或159****4321"),
    # landlines
    "landline with dash": ("请回电 029-88886666", "请回电 029-****6666"),
    "landline without dash": ("请回电02988886666", "请回电029-****6666"),
    "landline in brackets": ("（029）8888-6666", "029-****6666"),
    "landline 4-digit area, 7-digit number": ("0917-1234567", "0917-****4567"),
    "landline with extension": ("029-88886666转123 找物业", "029-****6666 找物业"),
    "local number after a cue": ("座机：88886666", "座机：****6666"),
    # e-mail, chat ids
    "e-mail": ("邮箱 zhang.san@example.com 联系", "邮箱 z***@example.com 联系"),
    "qq mail": ("123456789@qq.com", "1***@qq.com"),
    "wechat id": ("微信：zhangsan_1990", "微信：z************"),
    # ID cards
    "ID card": ("身份证610116199001011234", "身份证610***********1234"),
    "ID card with X": ("610116199001011X23 不是", "610116199001011X23 不是"),  # X only at the end: not an ID
    "ID card ending X": ("61011619900101123X", "610***********123X"),
    # names after a cue
    "name after 联系人": ("联系人：张三丰，请尽快处理", "联系人：张**，请尽快处理"),
    "name after 联系": ("请联系李四", "请联系李*"),
    "compound surname": ("联系人欧阳娜娜", "联系人欧阳**"),
    "name after 姓名": ("姓名 王建国", "姓名 王**"),
    "name after 反映人": ("反映人：赵敏", "反映人：赵*"),
    # names before a title
    "name before 先生": ("王建国先生反映楼道堆物", "王**先生反映楼道堆物"),
    "name before 女士": ("是李四女士打来的", "是李*女士打来的"),
    "surname alone stays": ("王先生反映楼道堆物", "王先生反映楼道堆物"),
    # not names
    "联系电话 is not a name": ("联系电话13812345678", "联系电话138****5678"),
    "联系物业 is not a name": ("请联系物业处理", "请联系物业处理"),
    "联系方式 is not a name": ("联系方式见附件", "联系方式见附件"),
    "联系管理处 is not a name": ("已联系管理处", "已联系管理处"),
    # rooms
    "room after a unit": ("3号楼2单元501漏水", "3号楼2单元***漏水"),
    "room with 室": ("1号楼302室门口", "1号楼***室门口"),
    "building-unit-room": ("住在3-2-501", "住在3-2-***"),
    # what must stay
    "a date stays": ("2026-11-23 晚上", "2026-11-23 晚上"),
    "a 12345 number stays": ("12345 工单 202611230001", "12345 工单 202611230001"),
    "building and unit stay": ("5号楼东侧路灯坏了", "5号楼东侧路灯坏了"),
    "a compound code stays": ("小区编码 610116001001001", "小区编码 610116001001001"),
    "an amount stays": ("物业费每月 1500 元", "物业费每月 1500 元"),
    "plain text": ("楼道堆满纸箱，影响消防安全", "楼道堆满纸箱，影响消防安全"),
}


@pytest.mark.parametrize("typed, shown", TEXT_CASES.values(), ids=TEXT_CASES.keys())
def test_mask_text(typed, shown):
    assert mask_text(typed) == shown


def test_the_issues_description_is_masked_in_full():
    # the description the trust issue found in Open311: a landline, an e-mail and a name
    typed = "联系人：王建国，电话029-85551234，邮箱wjg@example.com，或找物业张经理"
    shown = mask_text(typed)
    for secret in ("建国", "85551234", "wjg@"):
        assert secret not in shown
    assert shown.startswith("联系人：王**") and "029-****1234" in shown and "w***@example.com" in shown


def test_masking_twice_changes_nothing():
    for typed, _ in TEXT_CASES.values():
        once = mask_text(typed)
        assert mask_text(once) == once


def test_empty_values():
    assert mask_text("") == "" and mask_text(None) == ""
    assert mask_phone("") == mask_name(None) == mask_email("") == ""


@pytest.mark.parametrize(
    "value, shown",
    [
        ("13812341234", "138****1234"),
        ("+86 138 1234 1234", "138****1234"),
        ("029-88886666", "029****6666"),
        ("1234", "****"),
    ],
)
def test_mask_phone(value, shown):
    assert mask_phone(value) == shown


@pytest.mark.parametrize("value, shown", [("张三丰", "张**"), ("李四", "李*"), ("欧阳娜娜", "欧阳**"), ("欧阳", "欧*")])
def test_mask_name(value, shown):
    assert mask_name(value) == shown


def test_mask_email_and_id_number():
    assert mask_email("zhang.san@example.com") == "z***@example.com"
    assert mask_id_number("610116199001011234") == "610***********1234"


def test_models_declare_their_personal_fields_and_mask_fields_uses_them(tree):
    from workorders.models import WorkOrder

    row = {"reporter_name": "张三丰", "reporter_phone": "13812345678", "description": "联系我13812345678", "state": "x"}
    assert mask_fields(WorkOrder, row) == {
        "reporter_name": "张**",
        "reporter_phone": "138****5678",
        "description": "联系我138****5678",
        "state": "x",
    }
    assert mask_fields(tree.official, {"full_name": "王建国", "phone": "13812345678", "username": "u"}) == {
        "full_name": "王**",
        "phone": "138****5678",
        "username": "u",
    }


# ---------------------------------------------------------------------------------------------------- the reveal log


def test_a_reveal_is_a_row_of_the_districts_log(tree, file_order_factory):
    order = file_order_factory(reporter_name="张三", reporter_phone="13812345678")

    fields = record_reveal(actor=tree.street_staff, obj=order, fields=["reporter_name", "reporter_phone"], via="/x/")

    assert fields == ["reporter_name", "reporter_phone"]
    reveal = PersonalDataReveal.objects.get()
    assert reveal.district == tree.district and reveal.actor == tree.street_staff
    assert reveal.actor_label == f"{tree.street_staff.display_name}（街道工作人员）"
    assert reveal.object_id == str(order.pk) and reveal.object_label == f"工单 {order.tracking_code}"
    assert reveal.fields == ["reporter_name", "reporter_phone"] and reveal.via == "/x/"
    assert reveal.field_labels == ["反映人", "联系电话"]
    assert "张三" not in str(reveal) and "13812345678" not in reveal.object_label


def test_nothing_revealed_nothing_recorded(tree, file_order_factory):
    order = file_order_factory()
    assert record_reveal(actor=tree.official, obj=order, fields=["reporter_name"], via="/x/") == []
    assert not PersonalDataReveal.objects.exists()


def test_a_system_reveal_names_the_system_and_a_key_never_reaches_the_log(tree, file_order_factory):
    order = file_order_factory(reporter_phone="13812345678")
    actor = SystemActor(name="task:workorders.export", district_id=tree.district.pk)
    record_reveal(actor=actor, obj=order, fields=["reporter_phone"], via="/api/x/?api_key=SECRET&a=1")
    reveal = PersonalDataReveal.objects.get()
    assert reveal.actor is None and reveal.actor_label == "系统（task:workorders.export）"
    assert "SECRET" not in reveal.via and reveal.via == "/api/x/?api_key=***&a=1"


def test_the_log_is_append_only(tree, file_order_factory):
    order = file_order_factory(reporter_phone="13812345678")
    record_reveal(actor=tree.official, obj=order, fields=["reporter_phone"], via="/x/")
    reveal = PersonalDataReveal.objects.get()
    for change in (
        lambda: PersonalDataReveal.objects.filter(pk=reveal.pk).update(via="/y/"),
        lambda: PersonalDataReveal.objects.filter(pk=reveal.pk).delete(),
    ):
        with pytest.raises((InternalError, IntegrityError, ProgrammingError)), transaction.atomic():
            change()
    assert PersonalDataReveal.objects.get().via == "/x/"


def test_the_logger_line_is_kept(tree, file_order_factory, caplog):
    order = file_order_factory(reporter_phone="13812345678")
    with caplog.at_level("INFO", logger=privacy.personal_data_logger().name):
        record_reveal(actor=tree.official, obj=order, fields=["reporter_phone"], via="/x/")
    assert "fields=reporter_phone" in caplog.text and "13812345678" not in caplog.text
