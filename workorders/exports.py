"""The queue as a spreadsheet (工单导出): the orders a user may see, filtered as on the queue page, written as CSV
or XLSX through accounts.exports. Personal data leaves masked: the reporter's phone as 138****1234, no name,
and the free text through accounts.privacy.mask_text (exports are files that travel; nobody's reveal is
logged, because nothing is revealed)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation

from accounts.privacy import mask_phone, mask_text
from workorders.models import Channel, Satisfaction, State, WorkOrder

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
    # The file is in Chinese, like its header, whatever the page's language: the labels are marked for
    # translation, so they are read in the language of record.
    with translation.override(settings.LANGUAGE_CODE):
        state, channel, satisfaction = (
            {v: str(label) for v, label in c.choices} for c in (State, Channel, Satisfaction)
        )
    for order in orders[:MAX_ROWS]:
        handler = order.handler
        yield [
            order.tracking_code,
            mask_text(order.title),
            mask_text(order.description),
            order.category.name,
            state.get(order.state, order.state),
            channel.get(order.channel, order.channel),
            order.street.name,
            order.community.name,
            order.compound.name,
            str(handler) if handler is not None else "",
            mask_phone(order.reporter_phone),
            order.created_at,
            order.resolve_by,
            order.resolved_at,
            satisfaction.get(order.satisfaction, ""),
            mask_text(order.resolution),
        ]
