"""Money is integer fen (分), never float. Shown as ¥1,234.56; read from what people type in yuan ("1234.5",
"1,234.56", "¥1234") with a Chinese error for anything that is not a non-negative amount in whole fen."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

PLAIN_AMOUNT = re.compile(r"[0-9]+(\.[0-9]*)?|\.[0-9]+")
PLAIN_NEGATIVE = re.compile(r"-[0-9]+(\.[0-9]*)?")  # refused below with its own message
MAX_FEN = 10**13  # 1000 亿元: far above any community fund, far below BigIntegerField


def fen_text(fen: Any) -> str:
    """¥1,234.56 (−¥12.00 for a negative amount); — for none."""
    if fen is None or fen == "":
        return "—"
    fen = int(fen)
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"


def yuan_to_fen(value: Any, *, field: str = "amount", allow_zero: bool = False) -> int:
    """Yuan as typed (str, int or Decimal; never float) → fen. Refused: negative, more than two decimals
    (a fraction of a fen), not a number, absurdly large."""
    if isinstance(value, float):
        raise ValidationError({field: gettext("金额不能用浮点数表示，请以元为单位填写，最多两位小数。")})
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
    text = text.replace(",", "").replace("，", "").removeprefix("¥").removesuffix("元").strip()
    if not PLAIN_AMOUNT.fullmatch(text):  # no exponent (1e3), no NaN or Infinity, no sign, no spaces inside
        text = text if PLAIN_NEGATIVE.fullmatch(text) else ""
    try:
        amount = Decimal(text)
    except InvalidOperation as error:
        shown = "".join(c for c in str(value)[:20] if c.isprintable())
        raise ValidationError({field: f"金额“{shown}”不是有效数字，请以元为单位填写，例如 1234.56。"}) from error
    if not amount.is_finite():
        raise ValidationError({field: gettext("金额不是有效数字。")})
    if amount < 0:
        raise ValidationError({field: gettext("金额不能为负数。")})
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise ValidationError({field: gettext("金额最多两位小数（精确到分）。")})
    fen_int = int(fen)
    if fen_int == 0 and not allow_zero:
        raise ValidationError({field: gettext("金额必须大于 0。")})
    if fen_int > MAX_FEN:
        raise ValidationError({field: gettext("金额过大，请核对。")})
    return fen_int


def check_fen(value: Any, *, field: str = "amount_fen", allow_zero: bool = False) -> int:
    """An amount given in fen (the API's unit): a non-negative integer, nothing else."""
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, Decimal) and value == value.to_integral_value():
            value = int(value)
        else:
            raise ValidationError({field: gettext("金额应为整数分（例如 123456 表示 ¥1,234.56），不能有小数。")})
    if value < 0:
        raise ValidationError({field: gettext("金额不能为负数。")})
    if value == 0 and not allow_zero:
        raise ValidationError({field: gettext("金额必须大于 0。")})
    if value > MAX_FEN:
        raise ValidationError({field: gettext("金额过大，请核对。")})
    return value


def prorate_fen(annual_fen: int, months: int) -> int:
    """`months` twelfths of an annual amount, rounded half-up to the fen."""
    exact = Decimal(annual_fen) * months / 12
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
