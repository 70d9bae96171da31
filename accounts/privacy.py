"""Personal data (PIPL): the one place that masks names, phone numbers, e-mails, ID-card numbers and the
personal details written into free text, and that records every reveal of them.

    mask_phone("13812341234")   -> "138****1234"
    mask_name("张三丰")          -> "张**"
    mask_text(description)      -> free text with its personal details masked (see MASK_RULES)
    record_reveal(actor=request.user, obj=order, fields=["reporter_phone"], via=request.get_full_path())

Text that leaves the platform — Open311, the resident's tracking page, exports, PDFs — goes through
`mask_text`. Lists and history show personal fields masked (`mask_fields`, by each model's
`personal_fields`). A page or answer that shows a personal field in full calls `record_reveal` first; the
reveal is written to the district's reveal log (accounts.models.PersonalDataReveal: who, when, which record,
which field, through which URL), which the district's officials read at /accounts/reveals/ and
/api/v1/personal-data-reveals/.

What `mask_text` finds, in this order (tests/accounts/test_privacy.py has the cases):
- ID-card numbers (18 digits with a plausible birth date): 610116199001011234 -> 610***********1234
- mobile numbers, with or without +86 and separators: 138 1234 5678 -> 138****5678
- landlines with an area code ((029)8888-6666, 0917-1234567, extensions) and local numbers after a phone cue
  (电话/座机: 88886666): -> 029-****6666
- e-mail addresses: zhang.san@example.com -> z***@example.com; WeChat/QQ ids after their cue
- names after a contact cue (联系/联系人/姓名/反映人/报修人/投诉人/来电人) and before a title
  (先生/女士/老师/师傅/阿姨): 联系人张三丰 -> 联系人张**, 王建国先生 -> 王**先生 (a surname alone, as in 王先生,
  stays: it identifies nobody). A name is a common surname (compound ones too) and one or two characters.
- room numbers, the address detail that points at one household: 2单元501 -> 2单元***, 501室 -> ***室,
  3-2-501 -> 3-2-***. The building and unit stay (the handler still knows where to go).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction

# ---------------------------------------------------------------------------------------------------- patterns

# The most common single-character surnames (well over 90% of the population), leaving out a few characters
# that are far more often ordinary words right after 联系 or before 先生 (和, 时, 都, 楼, 门, 区, …), and the
# compound surnames.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文"
    "牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲"
    "翁冉骆蓝游辛靳柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤穆农卓吉缪简项芦麦褚娄窦戚岑景党费卜冷晏卫柏宗瞿桂佟臧闵苟"
    "邬卞姬仇栾隋刁荣巫寇郎甄丛仲虞敖巩佘迟邝匡鞠荆冀郁胥班储栗楚鄢谌奚皮粟冼蔺厉伊仝郜阚屠朴廉禹漆卿狄晋"
    "扈晁芮阙戈邸雍辜裘亓邰赫杭况逯茹慕亢嵇湛戎茅揭尉檀昝衡尧"
)
COMPOUND_SURNAMES = (
    "欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|长孙|宇文|司徒|夏侯|轩辕|令狐|钟离|独孤|南宫|西门|"
    "闻人|赫连|澹台|公冶|宗政|濮阳|太叔|申屠|端木|呼延|百里|东郭|拓跋"
)
HAN = "\u4e00-\u9fff"
SURNAME = f"(?:{COMPOUND_SURNAMES}|[{SURNAMES}])"
# What follows 联系 without being a name.
NOT_A_NAME = "管理|方式|方法|电话|时间|平台|单位|部门|相关|有关|多次|未果|无果|不上|不到|物业|社区|街道|居委|业主"

ID_CARD_RE = re.compile(
    r"(?<![0-9A-Za-z])(\d{3})\d{3}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(\d{3}[0-9Xx])(?![0-9A-Za-z])"
)
MOBILE_RE = re.compile(r"(?<![\d+])(?:(?:\+|00)86[-\s]?)?(1[3-9]\d)[-\s]?(\d{4})[-\s]?(\d{4})(?!\d)")
# Area codes: 010 and 020–029 have three digits, all others four (0917); the local number has 7 or 8.
LANDLINE_RE = re.compile(
    r"(?<!\d)[(（]?(0(?:[12]\d|[3-9]\d{2}))[)）]?[-\s]?(\d{3,4})[-\s]?(\d{4})"
    r"(?:\s?(?:转|-|ext\.?|EXT\.?)\s?\d{1,6})?(?!\d)"
)
LOCAL_NUMBER_RE = re.compile(r"((?:电话|座机|固话|手机|号码|tel|Tel|TEL)[号码]?[：:\s]*)(\d{3,4})[-\s]?(\d{4})(?!\d)")
EMAIL_RE = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")
CHAT_ID_RE = re.compile(r"((?:微信号?|QQ号?|qq号?)[：:\s]*)([A-Za-z0-9])([A-Za-z0-9_-]{4,19})(?![A-Za-z0-9_-])")
NAME_AFTER_CUE_RE = re.compile(
    rf"((?:联系人|联系|姓名|反映人|报修人|投诉人|来电人|业主)[：:\s]*)(?!{NOT_A_NAME})({SURNAME})([{HAN}]{{1,2}})(?!\*)"
)
NAME_BEFORE_TITLE_RE = re.compile(rf"({SURNAME})([{HAN}]{{1,2}})(?=先生|女士|老师|师傅|阿姨)")
ROOM_AFTER_UNIT_RE = re.compile(r"(单元\s*)(\d{3,4})(?!\d)")
ROOM_RE = re.compile(r"(?<![\d*])(\d{2,4})(?=\s*(?:室|号房|房间))")
BUILDING_UNIT_ROOM_RE = re.compile(r"(?<![\d-])(\d{1,3}-\d{1,2}-)(\d{3,4})(?![\d-])")


def _stars(text: str) -> str:
    return "*" * len(text)


MASK_RULES: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
    (ID_CARD_RE, lambda m: f"{m.group(1)}{'*' * 11}{m.group(2)}"),
    (MOBILE_RE, lambda m: f"{m.group(1)}****{m.group(3)}"),
    (LANDLINE_RE, lambda m: f"{m.group(1)}-****{m.group(3)}"),
    (LOCAL_NUMBER_RE, lambda m: f"{m.group(1)}****{m.group(3)}"),
    (EMAIL_RE, lambda m: f"{m.group(1)}***@{m.group(2)}"),
    (CHAT_ID_RE, lambda m: f"{m.group(1)}{m.group(2)}{_stars(m.group(3))}"),
    (NAME_AFTER_CUE_RE, lambda m: f"{m.group(1)}{m.group(2)}{_stars(m.group(3))}"),
    (NAME_BEFORE_TITLE_RE, lambda m: f"{m.group(1)}{_stars(m.group(2))}"),
    (ROOM_AFTER_UNIT_RE, lambda m: f"{m.group(1)}{_stars(m.group(2))}"),
    (BUILDING_UNIT_ROOM_RE, lambda m: f"{m.group(1)}{_stars(m.group(2))}"),
    (ROOM_RE, lambda m: _stars(m.group(1))),
]


# ---------------------------------------------------------------------------------------------------- masking


def mask_text(text: str | None) -> str:
    """Free text as it may leave the platform, its personal details masked (see the module's docstring)."""
    if not text:
        return text or ""
    for pattern, replace in MASK_RULES:
        text = pattern.sub(replace, text)
    return text


def mask_phone(value: str | None) -> str:
    """138****1234 for a mobile; 029****5678 for a landline; anything else keeps its last 4."""
    digits = re.sub(r"\D", "", value or "")
    if not digits:
        return ""
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) <= 4:
        return "*" * len(digits)
    head = digits[:3] if len(digits) >= 7 else ""
    return f"{head}****{digits[-4:]}"


def mask_name(value: str | None) -> str:
    """The surname kept, every other character a star: 张** for 张三丰, 欧阳** for 欧阳娜娜."""
    value = (value or "").strip()
    if not value:
        return ""
    surname = re.match(f"(?:{COMPOUND_SURNAMES})", value)
    keep = len(surname.group()) if surname and len(value) > 2 else 1
    return value[:keep] + "*" * max(1, len(value) - keep)


def mask_email(value: str | None) -> str:
    return EMAIL_RE.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", value or "")


def mask_id_number(value: str | None) -> str:
    value = (value or "").strip()
    if len(value) <= 7:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_household(value: str | None) -> str:
    """A household written "楼栋-房号" (1号楼-101): the building kept, the room starred."""
    building, sep, room = (value or "").rpartition("-")
    return f"{building}-{'*' * len(room)}" if sep else "*" * len(value or "")


# The kinds of personal field a model declares in `personal_fields`, and how each is masked.
NAME, PHONE, EMAIL, ID_NUMBER, TEXT, HOUSEHOLD = "name", "phone", "email", "id_number", "text", "household"
MASKERS: dict[str, Callable[[str], str]] = {
    NAME: mask_name,
    PHONE: mask_phone,
    EMAIL: mask_email,
    ID_NUMBER: mask_id_number,
    TEXT: mask_text,
    HOUSEHOLD: mask_household,
}


def personal_fields(model: Any) -> Mapping[str, str]:
    """{field name: kind} of a model (or instance): what lists, exports and history show masked."""
    return getattr(model, "personal_fields", {})


def mask_value(kind: str, value: Any) -> Any:
    if not isinstance(value, str) or not value:
        return value
    return MASKERS[kind](value)


def mask_fields(model: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` (a row, an event, a serializer's data) with the model's personal fields masked."""
    kinds = personal_fields(model)
    return {name: mask_value(kinds[name], value) if name in kinds else value for name, value in values.items()}


# ---------------------------------------------------------------------------------------------------- reveals


def personal_data_logger() -> logging.Logger:
    return logging.getLogger(getattr(settings, "PERSONAL_DATA_LOGGER", "capillary.personal_data"))


def record_reveal(*, actor: Any, obj: Any, fields: Iterable[str], via: str = "") -> list[str]:
    """Record that `actor` saw `fields` of `obj` in full; returns the fields recorded (none: nothing).

    Only fields that hold a value are recorded. The record is a row of the district's reveal log
    (accounts.models.PersonalDataReveal, written in the caller's transaction: no row, no reveal) and a line
    of the personal-data logger."""
    from accounts.models import PersonalDataReveal  # models import this module's masks

    fields = [name for name in fields if getattr(obj, name, "")]
    if not fields:
        return fields
    with transaction.atomic():
        reveal = PersonalDataReveal.record(actor=actor, obj=obj, fields=fields, via=via)
    personal_data_logger().info(
        "personal data read: user=%s %s=%s fields=%s via=%s address=%s",
        getattr(actor, "pk", None),
        obj._meta.label_lower,
        obj.pk,
        ",".join(fields),
        reveal.via,
        reveal.address or "-",
        extra={
            "actor_id": getattr(actor, "pk", None),
            "object": obj._meta.label_lower,
            "object_id": obj.pk,
            "fields": fields,
            "via": reveal.via,
        },
    )
    return fields
