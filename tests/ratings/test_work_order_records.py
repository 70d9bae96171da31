"""The quarter's work-order records (工单记录) come from the work-order KPIs in a constant number of queries,
whatever the number of firms; a rerun updates them in place and keeps the rows entered by hand."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ratings import services
from ratings.models import WorkOrderRecord
from tests.ratings import helpers as h
from tests.workorders.conftest import MONDAY_9AM, SYSTEM
from workorders import services as wo

pytestmark = pytest.mark.django_db


def file_in(tree, compound, category):
    return wo.work_order_file(
        actor=SYSTEM,
        compound=compound,
        category=category,
        channel="resident_qr",
        title="电梯停运",
        description="5号楼电梯停运两天",
        now=MONDAY_9AM,
    )


def captured(period):
    with CaptureQueriesContext(connection) as queries:
        written = services.work_order_records_capture(actor=SYSTEM, period=period)
    return written, len(queries)


def test_records_of_many_firms_cost_what_one_costs(tree):
    category = wo.categories_seed(actor=SYSTEM, district=tree.district)[0]
    period = h.period(tree)
    file_in(tree, tree.compounds[0], category)
    written, one_firm = captured(period)
    assert written == 1
    # given: nine more firms with an order each, one of them with a record entered by hand
    firms = [h.firm(tree, f"第{i}物业") for i in range(9)]
    for firm in firms:
        file_in(tree, h.compound_for(tree, firm, households=200), category)
    WorkOrderRecord.objects.create(district=tree.district, period=period, firm=firms[0], orders=7, source="manual")
    # when
    written, ten_firms = captured(period)
    # then: the same number of queries, every firm but the hand-entered one recorded, the manual row untouched
    assert ten_firms == one_firm
    assert written == 9
    records = {r.firm_id: r for r in WorkOrderRecord.objects.filter(period=period)}
    assert len(records) == 10
    assert (records[firms[0].pk].orders, records[firms[0].pk].source) == (7, "manual")
    assert (records[firms[1].pk].orders, records[firms[1].pk].source) == (1, "workorders")
    assert records[firms[1].pk].complaints_per_100_households == pytest.approx(0.5)


def test_a_rerun_updates_the_records_in_place(tree):
    category = wo.categories_seed(actor=SYSTEM, district=tree.district)[0]
    period = h.period(tree)
    file_in(tree, tree.compounds[0], category)
    services.work_order_records_capture(actor=SYSTEM, period=period)
    first = WorkOrderRecord.objects.get(period=period, firm=tree.firm)
    file_in(tree, tree.compounds[1], category)
    services.work_order_records_capture(actor=SYSTEM, period=period)
    again = WorkOrderRecord.objects.get(period=period, firm=tree.firm)
    assert again.pk == first.pk and again.orders == 2
    assert again.captured_at >= first.captured_at
