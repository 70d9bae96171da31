"""Reading a 12345 export (CSV, UTF-8 or GBK/GB18030 as Excel saves it in China) into HotlineRows.

Columns, as the platform names them (some exports use the alternatives in brackets):
工单编号 (工单号/编号), 受理时间 (登记时间/来电时间), 诉求类别 (问题分类/类别), 诉求内容 (问题描述/来电内容),
小区/地址 (小区/小区名称/小区编码/地址), 联系电话 (来电号码/电话), 办理时限 (处理时限/办结时限), and optionally
标题 and 联系人 (来电人). Only reads: the rules are in workorders.hotline.services."""

from __future__ import annotations

import csv
import io

from accounts.text import strip_forbidden, text_problem
from workorders.hotline.services import HotlineRow, RowError

COLUMNS = {
    "external_number": ("工单编号", "工单号", "编号", "12345工单编号"),
    "accepted_at": ("受理时间", "登记时间", "来电时间"),
    "category": ("诉求类别", "问题分类", "类别", "诉求分类"),
    "description": ("诉求内容", "问题描述", "来电内容", "诉求描述"),
    "compound": ("小区/地址", "小区", "小区名称", "小区编码", "地址", "小区地址"),
    "reporter_phone": ("联系电话", "来电号码", "电话"),
    "deadline": ("办理时限", "处理时限", "办结时限"),
    "title": ("标题", "诉求标题"),
    "reporter_name": ("联系人", "来电人", "姓名"),
}
REQUIRED = ("external_number", "category", "description", "compound")
MAX_BYTES = 20 * 1024 * 1024


class HotlineFileError(Exception):
    """The file as a whole cannot be read (encoding, headers); the message is for the user."""


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise HotlineFileError("无法识别文件编码：请以 UTF-8 或 GBK 编码的 CSV 文件导入。")


def _header_map(headers: list[str]) -> dict[str, str]:
    cleaned = {h.strip().replace("（", "(").replace("）", ")"): h for h in headers if h}
    found = {}
    for key, names in COLUMNS.items():
        for name in names:
            if name in cleaned:
                found[key] = cleaned[name]
                break
    missing = [COLUMNS[k][0] for k in REQUIRED if k not in found]
    if missing:
        raise HotlineFileError(
            "缺少必填列："
            + "、".join(missing)
            + "。表头应包含 工单编号、受理时间、诉求类别、诉求内容、小区/地址、联系电话、办理时限。"
        )
    return found


def read_rows(data: bytes) -> tuple[list[tuple[int, HotlineRow]], list[RowError]]:
    """(row number, HotlineRow) for every non-empty row — the header is row 1, as a spreadsheet counts —
    and the errors of rows too malformed to read."""
    if len(data) > MAX_BYTES:
        raise HotlineFileError("文件过大：单个文件不能超过 20 MB，请分批导入。")
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        headers = next(reader)
    except StopIteration as error:
        raise HotlineFileError("文件为空。") from error
    except csv.Error as error:
        raise HotlineFileError(f"CSV 格式错误：{error}") from error
    columns = _header_map(headers)
    index = {key: headers.index(header) for key, header in columns.items()}
    rows, errors = [], []
    line = 1
    while True:
        line += 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(RowError(line, f"CSV 格式错误：{error}"))
            continue
        if not any(c.strip() for c in cells):
            continue
        values = {key: (cells[i].strip() if i < len(cells) else "") for key, i in index.items()}
        refused = next(((key, p) for key, value in values.items() if (p := text_problem(value))), None)
        if refused is not None:
            key, problem = refused
            errors.append(RowError(line, f"“{strip_forbidden(columns[key])}”{problem.messages[0]}"))
            continue
        rows.append((line, HotlineRow(**{k: values.get(k, "") for k in COLUMNS})))
    if not rows and not errors:
        raise HotlineFileError("文件中没有工单数据。")
    return rows, errors
