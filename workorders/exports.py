"""The queue as a spreadsheet (工单导出): the orders a user may see, filtered as on the queue page, written as CSV
or XLSX through accounts.exports. Personal data leaves masked: the reporter's phone as 138****1234, no name,
and the free text through accounts.privacy.mask_text (exports are files that travel; nobody's reveal is
logged, because nothing is revealed)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from accounts.privacy import mask_phone, mask_text
from workorders.models import WorkOrder

MAX_ROWS = 10_000
HEADER = [
    "查询码",
    "标题",
    "诉求内容",
    "诉求类别",
    "状态",
    "来源渠道",
    "街道",
    "社区",
    "小区",
    "承办单位",
    "联系电话（已脱敏）",
    "提交时间",
    "办结时限",
    "办结时间",
    "满意度",
    "办理结果",
]


def export_rows(orders: QuerySet[WorkOrder]) -> Iterator[list[Any]]:
    for order in orders[:MAX_ROWS]:
        handler = order.handler
        yield [
            order.tracking_code,
            mask_text(order.title),
            mask_text(order.description),
            order.category.name,
            order.get_state_display(),
            order.get_channel_display(),
            order.street.name,
            order.community.name,
            order.compound.name,
            str(handler) if handler is not None else "",
            mask_phone(order.reporter_phone),
            order.created_at,
            order.resolve_by,
            order.resolved_at,
            order.get_satisfaction_display(),
            mask_text(order.resolution),
        ]
