"""The KPI answer's rows are written in one pass (workorders.api.serializers.KpiFiguresSerializer): the JSON must
be byte for byte what DRF's field-by-field path writes, for every kind of value a row holds."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from workorders.api.serializers import KpiFiguresSerializer, KpiReportSerializer, KpiRowSerializer
from workorders.selectors import _with_rates

COUNTS = ("orders", "responded_on_time", "resolved", "resolved_on_time", "rated", "satisfied", "returned",
          "ever_resolved", "reopened")  # fmt: skip


def row(n: int, **extra) -> dict:
    figures = dict(zip(COUNTS, (n * 7, n * 5, n * 3, n * 2, n, n, 0, n * 3, n % 2), strict=True))
    return _with_rates({**figures, **extra})


def drf_written(monkeypatch, report: dict) -> bytes:
    """The same report through DRF's own Serializer.to_representation."""
    monkeypatch.setattr(KpiFiguresSerializer, "to_representation", serializers.Serializer.to_representation)
    return JSONRenderer().render(KpiReportSerializer(report).data)


def test_the_one_pass_rows_are_what_drf_writes(monkeypatch):
    rows = [
        row(3, id=7, name="第1小区"),
        row(0, id=8, name="没有工单的小区"),  # every rate null
        row(11, id=9, name='引号"与\\反斜杠', month=date(2026, 3, 1)),
        {**row(2, id=10, name="率缺失"), "send_back_rate": None},
        row(1, id=12, name="非整四位", response_rate=Decimal("0.12345")),
    ]
    report = {"group_by": "compound", "start": date(2026, 1, 1), "end": date(2026, 12, 31),
              "totals": row(17), "rows": rows}  # fmt: skip
    fast = JSONRenderer().render(KpiReportSerializer(report).data)
    assert fast == drf_written(monkeypatch, report)
    assert b'"response_rate":0.7143' in fast and b'"month":"2026-03-01"' in fast


def test_a_row_object_that_is_not_a_dict_takes_drf_s_path():
    written = KpiRowSerializer(SimpleNamespace(**row(3, id=1, name="对象"))).data
    assert written["orders"] == 21 and written["name"] == "对象" and "month" not in written
