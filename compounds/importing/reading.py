"""Reading the spreadsheets street offices keep: one XLSX workbook with sheets 街道/社区/小区/网格, or
single CSV files whose kind is given or recognised from the headers.

Everything here only reads: it turns a file into `Sheet`s of (row number, {column: text}) and knows
which columns each kind has. The rules live in compounds/importing/service.py.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from compounds.importing.said import said, say
from config.locale import of_record


class Kind(models.TextChoices):
    """What a sheet holds; the label (in Chinese, `of_record(kind.label)`) is the sheet name street offices use."""

    STREETS = "streets", pgettext_lazy("import kind", "街道")
    COMMUNITIES = "communities", pgettext_lazy("import kind", "社区")
    COMPOUNDS = "compounds", pgettext_lazy("import kind", "小区")
    GRIDS = "grids", pgettext_lazy("import kind", "网格")


# Parents before children: a workbook's sheets are imported in this order.
KIND_ORDER = (Kind.STREETS, Kind.COMMUNITIES, Kind.COMPOUNDS, Kind.GRIDS)


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: bool = False


COLUMNS: dict[str, tuple[Column, ...]] = {
    Kind.STREETS: (
        Column("街道编码", "code", required=True),
        Column("街道名称", "name", required=True),
        Column("类型", "kind"),
    ),
    Kind.COMMUNITIES: (
        Column("社区编码", "code", required=True),
        Column("社区名称", "name", required=True),
        Column("所属街道编码", "parent", required=True),
        Column("社区分类", "tier", required=True),
        Column("分类依据", "tier_reason", required=True),
        Column("分类年份", "tier_year", required=True),
    ),
    Kind.COMPOUNDS: (
        Column("小区编码", "code", required=True),
        Column("小区名称", "name", required=True),
        Column("所属社区编码", "parent", required=True),
        Column("地址", "address"),
        Column("建成年份", "built_year"),
        Column("楼栋数", "building_count"),
        Column("户数", "households"),
        Column("管理模式", "management_mode", required=True),
        Column("物业企业名称", "firm_name"),
        Column("物业企业统一社会信用代码", "firm_credit_code"),
        Column("有业委会", "has_owners_committee"),
        Column("有维修资金", "has_maintenance_fund"),
    ),
    Kind.GRIDS: (
        Column("网格编码", "code", required=True),
        Column("网格名称", "name", required=True),
        Column("所属社区编码", "parent", required=True),
        Column("覆盖楼栋", "buildings"),
        Column("覆盖小区", "compounds"),
    ),
}

# Headers street offices write for the same column.
HEADER_ALIASES = {
    "统一社会信用代码": "物业企业统一社会信用代码",
    "物业公司名称": "物业企业名称",
    "物业企业": "物业企业名称",
    "社区类别": "社区分类",
    "分类生效年份": "分类年份",
    "楼栋数量": "楼栋数",
    "总户数": "户数",
    "是否有业委会": "有业委会",
    "是否有维修资金": "有维修资金",
}

# The header that marks each kind when a CSV's kind is not given (most specific first).
KIND_MARKERS = (
    (Kind.GRIDS, "网格编码"),
    (Kind.COMPOUNDS, "小区编码"),
    (Kind.COMMUNITIES, "社区编码"),
    (Kind.STREETS, "街道编码"),
)


class ImportFileError(Exception):
    """The file as a whole cannot be read (not a row's fault). `str(error)` says it in the active language;
    `said` keeps it for a job's outcome (compounds.importing.said)."""

    def __init__(self, message: Any, **params: Any) -> None:
        self.said = said(message, params)
        super().__init__(self.said["id"])

    def __str__(self) -> str:
        return say(self.said)


@dataclass
class Sheet:
    kind: str
    title: str  # the sheet name in a workbook, the file name for a CSV: shown with every error
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (row number as Excel shows it, values)

    def missing_columns(self) -> list[str]:
        return [c.header for c in COLUMNS[self.kind] if c.required and c.header not in self.headers]


def normalise_header(value: Any) -> str:
    text = cell_text(value)
    text = re.sub(r"[（(].*?[)）]", "", text)  # "管理模式（市场化物业/…）" → "管理模式"
    text = re.sub(r"[\s*＊:：]", "", text)
    return HEADER_ALIASES.get(text, text)


def cell_text(value: Any) -> str:
    """A cell as the text a person typed: 610116001.0 from Excel is "610116001"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\u3000", " ").strip()


def detect_kind(headers: Iterable[str]) -> str | None:
    present = set(headers)
    for kind, marker in KIND_MARKERS:
        if marker in present:
            return kind
    return None


def kind_from_text(text: str) -> str | None:
    """`--kind compounds` or `--kind 小区`."""
    for kind in Kind:
        if text in (kind.value, of_record(kind.label)):
            return kind.value
    return None


def read_file(file: BinaryIO | str | Path, *, name: str | None = None, kind: str | None = None) -> list[Sheet]:
    """The sheets of an uploaded or local file, children after parents. Raises ImportFileError."""
    if isinstance(file, str | Path):
        name = name or Path(file).name
        with open(file, "rb") as handle:
            data = handle.read()
    else:
        data = file.read()
    name = name or "上传文件"
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx" or (not suffix and data[:2] == b"PK"):
        sheets = _read_xlsx(data, kind=kind)
    elif suffix in (".csv", ".txt", ""):
        sheets = [_read_csv(data, title=name, kind=kind)]
    elif suffix == ".xls":
        raise ImportFileError(_("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再导入。"))
    else:
        raise ImportFileError(_("不支持的文件类型“%(suffix)s”：请上传 .xlsx 或 .csv 文件。"), suffix=suffix)
    if not sheets:
        raise ImportFileError(_("文件中没有可导入的工作表：工作表应命名为 街道、社区、小区 或 网格。"))
    return sorted(sheets, key=lambda s: KIND_ORDER.index(s.kind))


def _table(title: str, rows: Iterable[tuple[int, list[Any]]], kind: str | None, by_title: bool) -> Sheet | None:
    headers: list[str] | None = None
    body: list[tuple[int, dict[str, str]]] = []
    for number, values in rows:
        texts = [cell_text(v) for v in values]
        if headers is None:
            if not any(texts):
                continue  # blank lines above the header
            headers = [normalise_header(v) for v in values]
            continue
        if not any(texts):
            continue
        padded = texts + [""] * (len(headers) - len(texts))
        body.append((number, {h: t for h, t in zip(headers, padded, strict=False) if h}))
    if headers is None:
        if kind is None:
            return None
        headers = []
    if kind is None:
        kind = kind_from_text(title.strip()) if by_title else None
        kind = kind or detect_kind(headers)
        if kind is None:
            return None
    return Sheet(kind=kind, title=title, headers=headers, rows=body)


def _read_csv(data: bytes, *, title: str, kind: str | None) -> Sheet:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("无法识别 CSV 文件的编码：请保存为 UTF-8 或 GBK 编码。"))
    reader = csv.reader(io.StringIO(text, newline=""))
    sheet = _table(title, ((reader.line_num, row) for row in reader), kind, by_title=False)
    if sheet is None:
        raise ImportFileError(
            _(
                "无法从表头判断“%(title)s”是哪类数据："
                "表头应含 街道编码、社区编码、小区编码 或 网格编码，或指定导入类型。"
            ),
            title=title,
        )
    return sheet


def _read_xlsx(data: bytes, *, kind: str | None) -> list[Sheet]:
    from openpyxl import load_workbook  # imported here: only XLSX imports pay for it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError(_("无法读取该 .xlsx 文件：文件已损坏或不是 Excel 工作簿。")) from error
    sheets = []
    try:
        for worksheet in workbook.worksheets:
            rows = ((n, list(r)) for n, r in enumerate(worksheet.iter_rows(values_only=True), start=1))
            # With --kind and a one-sheet workbook the sheet's name does not matter.
            forced = kind if kind and len(workbook.worksheets) == 1 else None
            sheet = _table(worksheet.title, rows, forced, by_title=True)
            if sheet is not None and (kind is None or sheet.kind == kind):
                sheets.append(sheet)
    finally:
        workbook.close()
    kinds = [s.kind for s in sheets]
    duplicates = {of_record(Kind(k).label) for k in kinds if kinds.count(k) > 1}
    if duplicates:
        raise ImportFileError(_("工作簿中有多个“%(kinds)s”工作表，请合并为一个。"), kinds="、".join(sorted(duplicates)))
    return sheets
