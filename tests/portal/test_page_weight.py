"""Page weight and query counts of every role's home (issue 13, "Must show"): each home's HTML stays under its stated
bound, and with five times the rows — orders, notifications, households due a visit, fund requests — it runs the
same number of queries and weighs about the same.

The homes: the street cockpit, the district official's ranking, the grid worker's grid, the handlers' 我的工单
(firm, department, community cadre), and the resident's pages (the compound's QR page and the tracking card).
"1×" fills every list a home shows to its cap (25 cards on 我的工单, 20 orders in 我上报的, 10 visits due, 5 fund
requests waiting; 我的工单 pages by 5 cards here, its production 25 weighed once at 5×), so that "5×" can only show
in the counts, never in longer pages; tests/portal/test_homes.py
checks the figures themselves, tests/test_query_counts.py every list page of the site.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from funding.services import disbursements
from tests.funding.walk import funded, system
from tests.staffing.walk import household
from workorders import services
from workorders.models import Channel, HandlerLevel, Notification

pytestmark = pytest.mark.django_db

# Bytes of HTML per home: light on a phone's network (a 3G page budget), whatever the number of rows.
WEIGHT = {  # measured 2026-11-26 (1× and 5×): 18.9 KB, 13.6 KB, 14.3 KB, 46 KB (25 cards), 2.6 KB, 2.2 KB
    "street_staff": 30_000,
    "official": 25_000,
    "grid_worker": 25_000,
    "firm_staff": 60_000,
    "department_staff": 60_000,
    "cadre": 60_000,
    "qr": 10_000,
    "track": 10_000,
}
ORDERS = 30  # per 1×: more than a page of 我的工单 (25) for the firm, and 我上报的's 20 for the grid worker
HOUSEHOLDS = 10  # the grid home lists 10 visits due
FUND_REQUESTS = 5  # the cockpit lists the 5 oldest waiting
NOTIFICATIONS = 30


def grow(tree, file_order, *, times: int, start: int) -> None:
    """`times` × the rows: orders of street 1 reported by the grid worker and held by the firm, the community
    and the department in turn (some overdue, some new), notifications for everyone, households due a visit,
    fund requests waiting for the street."""
    now = timezone.now()
    units = [
        (HandlerLevel.PROPERTY_FIRM, tree.firm),
        (HandlerLevel.PROPERTY_FIRM, tree.firm),
        (HandlerLevel.COMMUNITY, tree.communities[0]),
        (HandlerLevel.DEPARTMENT, tree.department),
    ]
    for i in range(start, start + ORDERS * times):
        order = file_order(
            compound=tree.compounds[i % 2],
            actor=tree.grid_worker,
            channel=Channel.GRID,
            title=f"楼道堆物{i}",
            route=False,
            now=now - timedelta(days=(i % 3) * 20, hours=i % 24),
        )
        if i % 5:  # one in five stays new, to dispatch
            level, unit = units[i % len(units)]
            services.work_order_assign(
                actor=tree.street_staff, order=order, level=level, unit=unit, now=order.created_at
            )
    Notification.objects.bulk_create(
        Notification(district=tree.district, recipient=user, order=order, kind="assigned", message=f"消息{n}")
        for user in (tree.street_staff, tree.official, tree.grid_worker, tree.firm_staff, tree.department_staff)
        for n in range(NOTIFICATIONS * times)
    )
    for n in range(start, start + HOUSEHOLDS * times):
        household(tree, address=f"{n}号楼1单元")
    funded(tree)
    for n in range(start, start + FUND_REQUESTS * times):
        disbursements.disbursement_request(
            actor=system(tree), community=tree.communities[n % 2], purpose=f"楼道照明{n}", category="repair",
            amount_fen=100_00,
        )  # fmt: skip


def weigh(client, tree, who: str, order) -> tuple[int, int]:
    """(queries, bytes) of one home as `who` meets it (a handler's home is 我的工单, where / sends them)."""
    if who == "qr":
        client.logout()
        url = reverse("compound-public", args=[tree.compounds[0].public_token])
    elif who == "track":
        client.logout()
        url = reverse("intake:track", args=[order.tracking_code])
    else:
        client.force_login(getattr(tree, who))
        url = reverse("workorders:mine") if who in ("firm_staff", "department_staff", "cadre") else reverse("home")
    client.get(url)  # a first visit warms the session and the caches, as a user's second page would
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (who, response.status_code)
    return len(queries.captured_queries), len(response.content)


def test_every_home_is_light_and_constant_in_the_number_of_rows(client, tree, file_order, monkeypatch):
    from workorders import views

    page_size = views.PAGE_SIZE
    monkeypatch.setattr(views, "PAGE_SIZE", 5)  # 1× fills a page of 我的工单 for each handler
    # given a busy street: every list of every home filled to its cap
    grow(tree, file_order, times=1, start=0)
    order = file_order(compound=tree.compounds[0], title="电梯停运")
    before = {who: weigh(client, tree, who, order) for who in WEIGHT}
    # when the rows grow five times
    grow(tree, file_order, times=4, start=ORDERS)
    after = {who: weigh(client, tree, who, order) for who in WEIGHT}
    monkeypatch.setattr(views, "PAGE_SIZE", page_size)
    full = {who: weigh(client, tree, who, order)[1] for who in ("firm_staff", "department_staff", "cadre")}
    # then no home runs another query or grows more than a few digits, and each stays under its weight
    problems = []
    for who, bound in WEIGHT.items():
        (q1, b1), (q5, b5) = before[who], after[who]
        if q1 != q5:
            problems.append(f"{who}: {q1} queries at 1×, {q5} at 5×")
        if abs(b5 - b1) > b1 * 0.05:
            problems.append(f"{who}: {b1} bytes at 1×, {b5} at 5×")
        if max(b5, full.get(who, 0)) > bound:
            problems.append(f"{who}: {max(b5, full.get(who, 0))} bytes, over its {bound}")
    assert not problems, "\n".join(problems)
