"""Long lists stay short on screen: the firms page is paged and searchable (a district has 129 firms), and the
quarter's lists can be searched by firm name, the long ones folded (the period page was 7,000 px)."""

import pytest
from django.urls import reverse

from tests import factories
from tests.ratings.test_pages import built_quarter

pytestmark = pytest.mark.django_db


def firm_rows(html: str) -> int:
    return html.split("<tbody>")[1].split("</tbody>")[0].count("<tr>")


def test_the_firms_page_is_paged_and_searchable(client, tree, other_tree):
    for i in range(35):
        factories.PropertyFirmFactory(district=tree.district, name=f"长安第{i:02d}物业有限公司")
    client.force_login(tree.official)
    url = reverse("ratings:firm-list")
    first = client.get(url).content.decode()
    assert firm_rows(first) == 30 and "第 1 / 2 页" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert firm_rows(second) == 36 - 30  # the tree's own firm and the 35 made here
    found = client.get(url, {"q": "第07物业"}).content.decode()
    assert firm_rows(found) == 1 and "长安第07物业有限公司" in found
    assert "乙区" not in client.get(url, {"q": "物业"}).content.decode()


def test_the_quarters_lists_are_searched_by_firm_name(client, tree):
    objs = built_quarter(tree)
    client.force_login(tree.official)
    url = reverse("ratings:period-detail", args=[objs["period"].pk])
    cell = f'<td data-label="物业企业">{tree.firm.name}</td>'  # the firm's row in a list's table
    page = client.get(url).content.decode()
    assert cell in page and '<details class="panel list-fold"' in page
    missing = client.get(url, {"q": "没有这家企业"}).content.decode()
    assert cell not in missing and "以下仅列出名称含" in missing
    assert cell in client.get(url, {"q": tree.firm.name[2:6]}).content.decode()
