"""Checks on national statistical division codes and unified social credit codes."""

import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DISTRICT_CODE = re.compile(r"^\d{6}$")
STREET_CODE = re.compile(r"^\d{9}$")
COMMUNITY_CODE = re.compile(r"^\d{12}$")
COMPOUND_CODE = re.compile(r"^\d{15}$")


# The messages are lazy and `label`, `parent_label` (what the code is of: 区, 街道, …) lazily translated texts: a
# message is worded when it is shown, in the reader's language (and an import keeps it as its msgid).


def validate_code(code: str, *, pattern: re.Pattern, digits: int, label: str | Promise) -> None:
    if not pattern.match(code or ""):
        raise ValidationError(
            _("%(label)s编码应为 %(digits)s 位数字，收到的是“%(code)s”。"),
            code="bad_code",
            params={"label": label, "digits": digits, "code": code},
        )


def validate_code_prefix(code: str, parent_code: str, *, label: str | Promise, parent_label: str | Promise) -> None:
    if code and parent_code and not code.startswith(parent_code):
        raise ValidationError(
            _("%(label)s编码“%(code)s”应以所属%(parent)s的编码“%(parent_code)s”开头。"),
            code="code_prefix",
            params={"label": label, "code": code, "parent": parent_label, "parent_code": parent_code},
        )


@contextmanager
def on_code_field() -> Iterator[None]:
    """In a model's clean(): report the code checks against the `code` field, so that forms and the API
    show the message beside the code."""
    try:
        yield
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise
        raise ValidationError({"code": error.error_list}) from error


# GB 32100-2015: 18 characters from this alphabet (no I, O, S, V, Z); the last is a check character.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_character(first17: str) -> str:
    total = sum(CREDIT_CODE_ALPHABET.index(ch) * w for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(code: str) -> None:
    """统一社会信用代码 (GB 32100-2015), check character included."""
    code = (code or "").strip().upper()
    if len(code) != 18 or any(ch not in CREDIT_CODE_ALPHABET for ch in code):
        raise ValidationError(
            _("统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z），收到的是“%(code)s”。"),
            code="bad_credit_code",
            params={"code": code},
        )
    if credit_code_check_character(code[:17]) != code[17]:
        raise ValidationError(
            _("统一社会信用代码“%(code)s”的校验位不正确。"), code="bad_credit_check", params={"code": code}
        )
