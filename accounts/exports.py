"""Tables written out of the platform (CSV that Excel opens, XLSX): every cell goes through the same rules.

- Text that XML 1.0 cannot carry is dropped (accounts.text.strip_forbidden): openpyxl refuses such characters
  and Excel mangles them.
- A cell that a spreadsheet would take for a formula (=, +, -, @ at the start: CSV/formula injection) is
  written as text, with a leading apostrophe.
- Dates and times are written in Beijing time, as people read them.

Masking personal data is the caller's: it knows its columns (accounts.privacy.mask_text, mask_phone, …).

    return csv_response(filename="工单.csv", header=["查询码", …], rows=rows)
    return xlsx_response(filename="工单.xlsx", title="工单", header=[…], rows=rows)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone

from accounts.text import strip_forbidden

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell(value: Any) -> Any:
    """One value as it may be written into a spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value
    if isinstance(value, int | float | Decimal | date):
        return value
    text = strip_forbidden(str(value))
    return f"'{text}" if text.startswith(FORMULA_START) else text


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def csv_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    """UTF-8 with a byte-order mark, so that Excel in China opens the Chinese as Chinese."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([cell(h) for h in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return _attachment(HttpResponse("\ufeff" + out.getvalue(), content_type=CSV_TYPE), filename)


def xlsx_response(*, filename: str, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    from openpyxl import Workbook  # imported here: only exports pay for it

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=strip_forbidden(title)[:31] or "Sheet1")
    sheet.append([cell(h) for h in header])
    for row in rows:
        sheet.append([cell(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return _attachment(HttpResponse(out.getvalue(), content_type=XLSX_TYPE), filename)
