"""The KPI page's unit table is sorted and paged (issue 12): a district has over a thousand compounds, and a
table that lists them all grows with the city. The figures of every unit are still counted; a page of them is
written, in the order the reader chose, with the same statements on every page."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.workorders.conftest import MONDAY_9AM
from tests.workorders.test_api import make_order
from workorders import services, views

pytestmark = pytest.mark.django_db

MONTH = MONDAY_9AM.strftime("%Y-%m")


def unit_names(response) -> list[str]:
    """The unit table's rows, top to bottom (the first table of the page)."""
    table = response.content.decode().split("分单位指标", 1)[1].split("</table>", 1)[0]
    return re.findall(r'<th scope="row" data-label="单位">([^<]*)</th>', table)


@pytest.fixture
def three_compounds(tree):
    """Three compounds of the first street with 3, 1 and 2 orders; the one with 1 order answered in time."""
    a, b, c = tree.compounds[0], tree.compounds[1], tree.compounds[2]
    for compound, n in ((a, 3), (b, 1), (c, 2)):
        for _ in range(n):
            order = make_order(tree, compound=compound)
            if compound == b:
                services.work_order_accept(actor=tree.firm_staff, order=order, now=MONDAY_9AM + timedelta(minutes=30))
    return a, b, c


def test_the_unit_table_is_paged_with_the_same_statements_on_every_page(client, tree, three_compounds, monkeypatch):
    monkeypatch.setattr(views, "KPI_PER_PAGE", 2)
    client.force_login(tree.official)
    url = reverse("workorders:kpis")
    params = {"month": MONTH, "group_by": "compound"}
    with CaptureQueriesContext(connection) as first:
        page1 = client.get(url, params)
    with CaptureQueriesContext(connection) as second:
        page2 = client.get(url, {**params, "page": 2})
    # by name: two on the first page, the third on the second, and the pager says so
    names = sorted(compound.name for compound in three_compounds)
    assert unit_names(page1) == names[:2] and unit_names(page2) == names[2:]
    body = page1.content.decode()
    assert "第 1 / 2 页" in body and "下一页" in body and "共 3 个单位" in body
    assert "sort=name&amp;page=2" in body  # the next page keeps the unit and the order
    assert len(first) == len(second)
    # a page number past the end shows the last page, a malformed one the first
    assert unit_names(client.get(url, {**params, "page": 99})) == names[2:]
    assert unit_names(client.get(url, {**params, "page": "x"})) == names[:2]


def test_the_busiest_or_the_worst_units_come_first(client, tree, three_compounds):
    a, b, c = three_compounds
    client.force_login(tree.official)
    url = reverse("workorders:kpis")
    params = {"month": MONTH, "group_by": "compound"}
    assert unit_names(client.get(url, {**params, "sort": "orders"})) == [a.name, c.name, b.name]
    # the compound whose order was answered in time is the best; the two with none answered come first
    worst_first = unit_names(client.get(url, {**params, "sort": "response_rate"}))
    assert worst_first[-1] == b.name and set(worst_first[:2]) == {a.name, c.name}
    # an order it does not know is the order by name
    assert unit_names(client.get(url, {**params, "sort": "pk; drop table"})) == sorted(x.name for x in (a, b, c))
