"""The kinds of report the report room builds. Each app registers its own in `<app>/report_kinds.py`
(autodiscovered when Django starts):

    register(ReportKind(
        code="staffing.coverage",
        label="“2+4”服务团队配齐情况",
        periods=QUARTERS,                       # what the key names: a quarter, a month or a year
        collect=coverage_context,               # (actor, report) -> dict; reads the database (tenant scope)
        render=lambda context: render_pdf("staffing/reports/coverage.html", context),   # dict -> PDF bytes
        view_roles={Role.STREET_STAFF},         # besides district officials: who may read these reports
        request_roles=set(),                    # besides district officials: who may ask for a build
    ))

`collect` runs inside the district's tenant context and returns everything the document needs; `render`
touches no database, so a slow PDF never holds a transaction open. Both run in Chinese, the language of the
official documents (reports.services), and a report's stored title is Chinese; the room shows the kind's label,
the period and the title in its reader's language (`shown`, `shown_title`: `label` is a Chinese msgid).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, timezone, translation
from django.utils.translation import gettext


@dataclass(frozen=True)
class Periods:
    """What a report's key names, how it is written and which keys the room offers."""

    name: str
    pattern: str
    example: str
    label: Callable[[str], str]  # in Chinese: titles and documents
    recent: Callable[[datetime.date], list[str]]
    shown: Callable[[str], str]  # in the reader's language: the room

    def parse(self, key: str) -> str:
        key = (key or "").strip().upper()
        match = re.fullmatch(self.pattern, key)
        if not match or not 2000 <= int(match.group(1)) <= 2100:
            message = gettext("期间格式应为 %(example)s（2000–2100 年）。") % {"example": self.example}
            raise ValidationError({"key": message}, code="bad_key")
        return key


def _recent_quarters(today: datetime.date, count: int = 8) -> list[str]:
    year, quarter = today.year, (today.month - 1) // 3 + 1
    keys = []
    for _ in range(count):
        keys.append(f"{year}-Q{quarter}")
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return keys


def _recent_months(today: datetime.date, count: int = 12) -> list[str]:
    year, month = today.year, today.month
    keys = []
    for _ in range(count):
        keys.append(f"{year}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return keys


def _quarter_label(key: str) -> str:
    year, quarter = key.split("-Q")
    return f"{year}年第{quarter}季度"


def _quarter_shown(key: str) -> str:
    year, quarter = key.split("-Q")
    return gettext("%(year)s年第%(quarter)s季度") % {"year": year, "quarter": quarter}


def _month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{year}年{int(month)}月"


def _month_shown(key: str) -> str:
    return formats.date_format(month_start(key), "YEAR_MONTH_FORMAT")  # 2026年10月, October 2026


def _recent_years(today: datetime.date) -> list[str]:
    return [str(today.year - i) for i in range(4)]


QUARTERS = Periods("quarter", r"(\d{4})-Q([1-4])", "2026-Q3", _quarter_label, _recent_quarters, _quarter_shown)
MONTHS = Periods("month", r"(\d{4})-(0[1-9]|1[0-2])", "2026-10", _month_label, _recent_months, _month_shown)
YEARS = Periods(
    "year", r"(\d{4})", "2026", lambda key: f"{key}年", _recent_years, lambda key: gettext("%(year)s年") % {"year": key}
)
# A report of the situation on the day it is built (coverage today): the key is the build date.
SNAPSHOTS = Periods(
    "snapshot",
    r"(\d{4})-(\d{2})-(\d{2})",
    "2026-11-25",
    lambda key: f"截至{key}",
    lambda today: [today.isoformat()],
    lambda key: gettext("截至%(day)s") % {"day": key},
)


def quarter_bounds(key: str) -> tuple[int, int]:
    year, quarter = key.split("-Q")
    return int(year), int(quarter)


def month_start(key: str) -> datetime.date:
    year, month = key.split("-")
    return datetime.date(int(year), int(month), 1)


@dataclass(frozen=True)
class ReportKind:
    code: str
    label: str
    periods: Periods
    collect: Callable[..., dict[str, Any]]
    render: Callable[[dict[str, Any]], bytes]
    view_roles: frozenset[str] = field(default_factory=frozenset)
    request_roles: frozenset[str] = field(default_factory=frozenset)
    filename: str = ""

    def title(self, district: Any, key: str) -> str:
        """The report's title as stored and printed: Chinese, whatever the language of who asked for it."""
        with translation.override(settings.LANGUAGE_CODE):
            return f"{district.name}{self.label}（{self.periods.label(key)}）"

    def shown_label(self) -> str:
        return gettext(self.label)

    def shown_title(self, district: Any, key: str) -> str:
        """The title in the reader's language (in Chinese: the stored title)."""
        return gettext("%(district)s%(kind)s（%(period)s）") % {
            "district": district.name,
            "kind": self.shown_label(),
            "period": self.periods.shown(key),
        }

    def download_name(self, report: Any, version: int) -> str:
        return f"{report.title}_v{version}.pdf"


KINDS: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> ReportKind:
    KINDS[kind.code] = ReportKind(
        **{
            **kind.__dict__,
            "view_roles": frozenset(map(str, kind.view_roles)),
            "request_roles": frozenset(map(str, kind.request_roles)),
        }
    )
    return KINDS[kind.code]


def get(code: str) -> ReportKind:
    try:
        return KINDS[code]
    except KeyError as error:
        raise ValidationError({"kind": gettext("没有这种报告。")}, code="unknown_kind") from error


def kinds() -> Iterable[ReportKind]:
    return sorted(KINDS.values(), key=lambda kind: kind.code)


def today() -> datetime.date:
    return timezone.localdate()
