"""Receiving 12345 hotline orders (平台转办). One order per hotline number and district: posting or importing
the same number again answers with the order already filed. The rule lives in workorders.services
(`work_order_file` is idempotent on the external number, backed by the unique constraint
wo_external_number_unique and a get-or-create under a transaction); this module turns what the hotline
sends into a filed order and, for a CSV file, imports every row or none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from compounds.models import District
from workorders import worktime
from workorders.hotline.lookups import CategoryIndex, CompoundIndex
from workorders.models import Channel, WorkOrder
from workorders.services import work_order_file_external
from workorders.worktime import BEIJING

EXTERNAL_NUMBER_MAX = 64
# Hotline exports often mask the caller's number (138****1234): such a number carries nothing usable.
MASKED_PHONE = re.compile(r"[*＊xX]{2,}")
FUTURE_TOLERANCE = timedelta(minutes=10)
DATE_ONLY = re.compile(r"^\d{4}([-/])\d{1,2}\1\d{1,2}$|^\d{4}年\d{1,2}月\d{1,2}日$")
# "5个工作日", "3个自然日", "3天", "24小时"
DEADLINE_SPAN = re.compile(r"^(\d+)个?(工作日|自然日|天|日|小时)(内)?$")
DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M",
    "%Y年%m月%d日",
)


@dataclass(frozen=True)
class Received:
    order: WorkOrder
    created: bool

    @property
    def clash_of(self) -> WorkOrder | None:
        """The order first filed under this number when this one differs from it (both kept): a 409."""
        return self.order.external_clash_of


@dataclass(frozen=True)
class HotlineRow:
    """One hotline order as the platform sends it (texts as written; the service parses them)."""

    external_number: str
    category: str
    compound: str
    description: str
    accepted_at: str | datetime | None = None
    title: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    deadline: str = ""


def parse_accepted_at(
    value: str | datetime | None, *, field: str = "accepted_at", label: str = "受理时间", end_of_day: bool = False
) -> datetime | None:
    """受理时间: an aware datetime, an ISO 8601 text, or the usual Chinese spreadsheet forms (Beijing time).
    With `end_of_day`, a date without a time means the end of that day (a deadline "2026-11-27")."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        moment = None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            for pattern in DATETIME_FORMATS:
                try:
                    moment = datetime.strptime(text, pattern)
                    break
                except ValueError:
                    continue
        if moment is None:
            raise ValidationError(
                {field: f"{label}“{text}”无法识别，应如 2026-11-23 09:30 或 2026-11-23T09:30:00+08:00。"},
                code=f"{field}_invalid",
            )
        if end_of_day and DATE_ONLY.match(text):
            moment = moment.replace(hour=23, minute=59, second=59)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=BEIJING)
    return moment


def parse_deadline(value: str | datetime | None, *, accepted_at: datetime) -> datetime | None:
    """办理时限 as the hotline writes it: a moment ("2026-11-27 18:00"; a bare date is the end of that day) or a
    span from 受理时间 — "5个工作日" (working days on China's official calendar, workorders.worktime),
    "3个自然日"/"3天", "24小时" (wall clock). Empty: None (the category's SLA applies)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        text = value.strip().replace(" ", "")
        span = DEADLINE_SPAN.match(text)
        if span:
            count, unit = int(span.group(1)), span.group(2)
            if count <= 0:
                raise ValidationError({"deadline": f"办理时限“{value.strip()}”应大于零。"}, code="deadline_invalid")
            if unit == "工作日":
                return worktime.add_working_hours(accepted_at, count * 24)
            if unit == "小时":
                return (accepted_at + timedelta(hours=count)).astimezone(BEIJING)
            return (accepted_at + timedelta(days=count)).astimezone(BEIJING)
    try:
        return parse_accepted_at(value, field="deadline", label="办理时限", end_of_day=True)
    except ValidationError as error:
        raise ValidationError(
            {"deadline": f"办理时限“{str(value).strip()}”无法识别，应如 2026-11-27 18:00 或 5个工作日。"},
            code="deadline_invalid",
        ) from error


def _title(row: HotlineRow, category_name: str) -> str:
    if row.title.strip():
        return row.title.strip()[:100]
    first_line = next((line.strip() for line in row.description.splitlines() if line.strip()), "")
    return f"{category_name}：{first_line[:40]}"[:100]


def _description(row: HotlineRow) -> str:
    """诉求内容, with the address the hotline gave when it is not in the text (办理时限 is the order's resolve-by,
    not text)."""
    text = (row.description or "").strip()
    extras = []
    if row.compound and text and row.compound.strip() not in text:
        extras.append(f"小区/地址：{row.compound.strip()}")
    return "\n".join([text, *extras]) if text else ""


@transaction.atomic
def hotline_order_receive(
    *,
    actor: Any,
    district: District,
    row: HotlineRow,
    compounds: CompoundIndex | None = None,
    categories: CategoryIndex | None = None,
    now: datetime | None = None,
) -> Received:
    """File one hotline order in `district`, or answer with the order already filed under its number.

    `actor` files it: the district's 12345 integration account, a platform administrator, or the system (an
    import, a command); workorders.rules decides ("workorders.file" on the hotline channel). The same number
    with the same compound, category and text is a repeat (the existing order, created False); with other
    content it is a clash: the new order is kept beside the first (`Received.clash_of`). The compound is
    matched by code or name inside the district and the category by code or name; 受理时间 starts the SLA
    clock (the hotline's clock). Raises ValidationError({field: Chinese message})."""
    now = now or timezone.now()
    number = (row.external_number or "").strip()
    if not number:
        raise ValidationError({"external_number": "请填写 12345 工单编号。"}, code="external_number_required")
    if len(number) > EXTERNAL_NUMBER_MAX:
        raise ValidationError(
            {"external_number": f"12345 工单编号不能超过 {EXTERNAL_NUMBER_MAX} 个字符。"}, code="external_number_long"
        )
    compounds = compounds or CompoundIndex(district)
    categories = categories or CategoryIndex(district)
    errors: dict[str, list[str]] = {}
    compound = category = accepted_at = None
    for name, find in (
        ("compound", lambda: compounds.find(row.compound)),
        ("category", lambda: categories.find(row.category)),
        ("accepted_at", lambda: parse_accepted_at(row.accepted_at)),
    ):
        try:
            value = find()
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)
            continue
        if name == "compound":
            compound = value
        elif name == "category":
            category = value
        else:
            accepted_at = value
    if accepted_at is not None and accepted_at > now + FUTURE_TOLERANCE:
        errors.setdefault("accepted_at", []).append("受理时间不能晚于当前时间。")
    filed_at = accepted_at or now
    deadline = None
    try:
        deadline = parse_deadline(row.deadline, accepted_at=filed_at)
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if deadline is not None and deadline <= filed_at:
        errors.setdefault("deadline", []).append("办理时限应晚于受理时间。")
    if not (row.description or "").strip():
        errors.setdefault("description", []).append("请填写诉求内容。")
    if errors:
        raise ValidationError(errors)

    phone = (row.reporter_phone or "").strip()
    if MASKED_PHONE.search(phone):
        phone = ""
    order, created = work_order_file_external(
        # The sender (the district's 12345 integration account, or the system for an import command) is the
        # actor; the order has no staff member as its first receiver until a dispatcher or the routing rules
        # give it one (首接负责 starts in the district).
        actor=actor,
        compound=compound,
        category=category,
        channel=Channel.HOTLINE_12345,
        title=_title(row, category.name),
        description=_description(row),
        reporter_name=(row.reporter_name or "").strip()[:50],
        reporter_phone=phone,
        external_number=number,
        resolve_by=deadline,
        now=filed_at,
    )
    # created is False when a concurrent post of the same number won the race (its order is returned).
    return Received(order, created=created)


# ---------------------------------------------------------------------------------------------------- import


@dataclass(frozen=True)
class RowError:
    row: int
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行：{self.message}"


@dataclass
class ImportReport:
    created: list[WorkOrder] = field(default_factory=list)
    existing: list[WorkOrder] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def saved(self) -> bool:
        return self.ok and not self.dry_run


class _Rollback(Exception):
    pass


FIELD_LABELS = {
    "external_number": "工单编号",
    "category": "诉求类别",
    "compound": "小区/地址",
    "description": "诉求内容",
    "accepted_at": "受理时间",
    "reporter_phone": "联系电话",
    "title": "标题",
    "deadline": "办理时限",
}


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        out = []
        for name, messages in error.message_dict.items():
            label = FIELD_LABELS.get(name)
            out.extend(m if label is None or label in m else f"{label}：{m}" for m in messages)
        return out
    return list(error.messages)


def hotline_orders_import(
    *,
    actor: Any,
    district: District,
    rows: list[tuple[int, HotlineRow]],
    dry_run: bool = False,
    now: datetime | None = None,
) -> ImportReport:
    """Import a 12345 export: every row or none. Each bad row is reported with its row number and a Chinese
    message; then nothing is saved (orders already filed before stay as they were). A number already filed
    (earlier, or higher up in the same file) answers with the existing order and counts as existing."""
    report = ImportReport(dry_run=dry_run)
    compounds = CompoundIndex(district)
    categories = CategoryIndex(district)
    try:
        with transaction.atomic():
            for line, row in rows:
                try:
                    with transaction.atomic():
                        received = hotline_order_receive(
                            actor=actor,
                            district=district,
                            row=row,
                            compounds=compounds,
                            categories=categories,
                            now=now,
                        )
                except ValidationError as error:
                    report.errors.extend(RowError(line, message) for message in _messages(error))
                    continue
                if received.clash_of is not None:
                    # A file is all or nothing: a clash is reported (the row's order is rolled back with the rest).
                    report.errors.append(
                        RowError(
                            line,
                            f"工单编号“{row.external_number.strip()}”已有内容不同的工单"
                            f"（查询码 {received.clash_of.tracking_code}），请核对。",
                        )
                    )
                    continue
                (report.created if received.created else report.existing).append(received.order)
            if report.errors or dry_run:
                raise _Rollback
    except _Rollback:
        if report.errors:
            report.created, report.existing = [], []
    return report


def hotline_file_import(
    *, actor: Any, district: District, data: bytes, dry_run: bool = False, now: datetime | None = None
) -> ImportReport:
    """Import a 12345 CSV export (bytes) into `district`: every row or none. Raises
    workorders.hotline.csvfile.HotlineFileError when the file as a whole cannot be read."""
    from workorders.hotline.csvfile import read_rows

    rows, errors = read_rows(data)
    if errors:
        return ImportReport(errors=errors, dry_run=dry_run)
    return hotline_orders_import(actor=actor, district=district, rows=rows, dry_run=dry_run, now=now)
