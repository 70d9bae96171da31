"""Reading the staffing spreadsheets street offices keep: one XLSX workbook with sheets 2+4团队, 网格人员,
楼栋长, 走访对象 and 值班表, or single CSV files whose kind is given or recognised from the headers. Only
reads: the rules are staffing/importing/service.py's."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from compounds.importing.reading import ImportFileError, cell_text
from config.locale import of_record

MAX_ROWS = 20_000


class Kind(models.TextChoices):
    """What a sheet holds. The label is also the sheet's name in a workbook: matched in Chinese (`chinese`)."""

    TEAMS = "teams", pgettext_lazy("import kind", "2+4团队")
    GRID_MEMBERS = "grid_members", pgettext_lazy("import kind", "网格人员")
    BUILDING_HEADS = "building_heads", pgettext_lazy("import kind", "楼栋长")
    HOUSEHOLDS = "households", pgettext_lazy("import kind", "走访对象")
    ROSTER = "roster", pgettext_lazy("import kind", "值班表")


KIND_ORDER = (Kind.TEAMS, Kind.GRID_MEMBERS, Kind.BUILDING_HEADS, Kind.HOUSEHOLDS, Kind.ROSTER)

COLUMNS: dict[str, tuple[tuple[str, bool], ...]] = {
    Kind.TEAMS: (
        ("小区编码", True),
        ("岗位", True),
        ("姓名", True),
        ("手机号", True),
        ("任职日期", True),
        ("派出部门", False),
        ("工作单位", False),
        ("离任日期", False),
        ("离任原因", False),
    ),
    Kind.GRID_MEMBERS: (
        ("网格编码", True),
        ("类别", True),
        ("姓名", True),
        ("手机号", True),
        ("开始日期", True),
        ("物业企业统一社会信用代码", False),
    ),
    Kind.BUILDING_HEADS: (("小区编码", True), ("楼栋", True), ("姓名", True), ("手机号", True), ("开始日期", True)),
    Kind.HOUSEHOLDS: (
        ("网格编码", True),
        ("小区编码", True),
        ("门牌", True),
        ("户主姓名", True),
        ("走访类别", True),
        ("楼栋", False),
        ("联系电话", False),
        ("走访周期", False),
        ("登记日期", False),
        ("上次走访日期", False),
    ),
    Kind.ROSTER: (
        ("街道编码", True),
        ("值班表", True),
        ("日期", True),
        ("姓名", True),
        ("手机号", True),
        ("社区编码", False),
        ("开始时间", False),
        ("结束时间", False),
        ("类型", False),
        ("调休日期", False),
    ),
}

HEADER_ALIASES = {
    "联系电话": "联系电话",
    "电话": "手机号",
    "手机": "手机号",
    "任职开始日期": "任职日期",
    "部门": "派出部门",
    "单位": "工作单位",
    "统一社会信用代码": "物业企业统一社会信用代码",
    "走访周期天": "走访周期",
    "值班日期": "日期",
    "值班表名称": "值班表",
}

# The header that marks each kind when a CSV's kind is not given (most specific first).
KIND_MARKERS = (
    (Kind.TEAMS, "岗位"),
    (Kind.HOUSEHOLDS, "户主姓名"),
    (Kind.ROSTER, "值班表"),
    (Kind.GRID_MEMBERS, "网格编码"),
    (Kind.BUILDING_HEADS, "楼栋"),
)


@dataclass
class Sheet:
    kind: str
    title: str
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    def missing_columns(self) -> list[str]:
        return [header for header, required in COLUMNS[self.kind] if required and header not in self.headers]


def normalise_header(value: Any) -> str:
    text = cell_text(value)
    text = re.sub(r"[（(].*?[)）]", "", text)
    text = re.sub(r"[\s*＊:：]", "", text)
    return HEADER_ALIASES.get(text, text)


def kind_from_text(text: str) -> str | None:
    for kind in Kind:
        if text.strip() in (kind.value, of_record(kind.label)):
            return kind.value
    return None


def detect_kind(headers: Iterable[str]) -> str | None:
    present = set(headers)
    for kind, marker in KIND_MARKERS:
        if marker in present:
            return kind
    return None


def read_file(data: bytes, *, name: str, kind: str | None = None) -> list[Sheet]:
    """The sheets of an uploaded file in import order. Raises ImportFileError (the organisation import's: `str` says
    it in the active language, `said` keeps it for the import's outcome)."""
    suffix = Path(name or "").suffix.lower()
    if suffix == ".xlsx" or (not suffix and data[:2] == b"PK"):
        sheets = _read_xlsx(data, kind=kind)
    elif suffix in (".csv", ".txt", ""):
        sheets = [_read_csv(data, title=name or "上传文件", kind=kind)]
    elif suffix == ".xls":
        raise ImportFileError(_("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再导入。"))
    else:
        raise ImportFileError(_("不支持的文件类型“%(suffix)s”：请上传 .xlsx 或 .csv 文件。"), suffix=suffix[:10])
    if not sheets:
        labels = "、".join(of_record(label) for label in Kind.labels)  # the names a workbook's sheets must have
        raise ImportFileError(_("文件中没有可导入的工作表：工作表应命名为 %(labels)s。"), labels=labels)
    total = sum(len(s.rows) for s in sheets)
    if total > MAX_ROWS:
        raise ImportFileError(
            _("文件有 %(total)s 行，超过单次导入上限 %(max)s 行，请拆分后再导入。"), total=total, max=MAX_ROWS
        )
    return sorted(sheets, key=lambda s: KIND_ORDER.index(s.kind))


def _table(title: str, rows: Iterable[tuple[int, list[Any]]], kind: str | None, by_title: bool) -> Sheet | None:
    headers: list[str] | None = None
    body: list[tuple[int, dict[str, str]]] = []
    for number, values in rows:
        texts = [cell_text(v) for v in values]
        if headers is None:
            if any(texts):
                headers = [normalise_header(v) for v in values]
            continue
        if not any(texts):
            continue
        padded = texts + [""] * (len(headers) - len(texts))
        body.append((number, {h: t for h, t in zip(headers, padded, strict=False) if h}))
        if len(body) > MAX_ROWS:
            break
    headers = headers or []
    if kind is None:
        kind = (kind_from_text(title) if by_title else None) or detect_kind(headers)
        if kind is None:
            return None
    return Sheet(kind=kind, title=title, headers=headers, rows=body)


def _read_csv(data: bytes, *, title: str, kind: str | None) -> Sheet:
    if b"\x00" in data:
        raise ImportFileError(_("CSV 文件中含有空字符（NUL），不是文本文件，请检查文件。"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("无法识别 CSV 文件的编码：请保存为 UTF-8 或 GBK 编码。"))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        sheet = _table(title, ((reader.line_num, row) for row in reader), kind, by_title=False)
    except csv.Error as error:
        raise ImportFileError(_("CSV 文件格式有误：%(error)s"), error=str(error)) from error
    if sheet is None:
        raise ImportFileError(_("无法从表头判断“%(title)s”是哪类数据，请在页面上选择导入类型。"), title=title[:60])
    return sheet


def _read_xlsx(data: bytes, *, kind: str | None) -> list[Sheet]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise ImportFileError(_("无法读取该 .xlsx 文件：文件已损坏或不是 Excel 工作簿。")) from error
    sheets = []
    try:
        for worksheet in workbook.worksheets:
            rows = ((n, list(r)) for n, r in enumerate(worksheet.iter_rows(values_only=True), start=1))
            forced = kind if kind and len(workbook.worksheets) == 1 else None
            sheet = _table(worksheet.title, rows, forced, by_title=True)
            if sheet is not None and (kind is None or sheet.kind == kind):
                sheets.append(sheet)
    finally:
        workbook.close()
    kinds = [s.kind for s in sheets]
    duplicates = {of_record(Kind(k).label) for k in kinds if kinds.count(k) > 1}
    if duplicates:
        raise ImportFileError(
            _("工作簿中有多个“%(sheets)s”工作表，请合并为一个。"), sheets="、".join(sorted(duplicates))
        )
    return sheets
