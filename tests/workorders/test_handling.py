"""Handling, as a helpdesk: the queue opens on the open orders, sorts by its columns on the server and costs the
same queries for 3 rows as for 20; the unit picker searches the units the user may see and suggests the
order's own firm, community and stationed cadre first; accept-and-start is one step where the rules allow."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.workorders.test_api import make_order
from workorders import services
from workorders.models import State, TimelineEntry, WorkOrder

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def rows(html: str) -> list[str]:
    """The tracking codes of the queue's rows, in order."""
    body = html.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in html else ""
    return [part.split("</span>")[0] for part in body.split('<span class="code">')[1:]]


# ---------------------------------------------------------------------------------------------------- queue


def test_the_queue_opens_on_open_orders_and_shows_the_rest_when_asked(client, tree):
    # given an open order and a rejected one
    open_order, rejected = make_order(tree), make_order(tree)
    services.work_order_reject(actor=tree.street_staff, order=rejected, reason="重复反映")
    client.force_login(tree.street_staff)
    url = reverse("workorders:queue")

    # when the desk opens the queue, then only the open order is listed, and the filter says so
    html = text(client.get(url))
    assert rows(html) == [open_order.tracking_code]
    assert '<option value="true" selected>未办结</option>' in html

    # and "all" and "finished" show the rejected one; a state chip shows its state whatever is_open says
    assert set(rows(text(client.get(url, {"is_open": "all"})))) == {open_order.tracking_code, rejected.tracking_code}
    assert rows(text(client.get(url, {"is_open": "false"}))) == [rejected.tracking_code]
    assert rows(text(client.get(url, {"state": "rejected"}))) == [rejected.tracking_code]


def test_the_queue_counts_its_rows_up_to_a_cap_and_says_when_there_are_more(client, tree, monkeypatch):
    # given a cap of 3 rows (10,000 on the site) and 4 open orders
    monkeypatch.setattr("accounts.paging.CAP", 3)
    monkeypatch.setattr("workorders.views.PAGE_SIZE", 2)
    made = [make_order(tree) for _ in range(4)]
    client.force_login(tree.street_staff)
    url = reverse("workorders:queue")
    # when the queue opens: it counts no further than the cap (a COUNT over a LIMIT) and shows "3+"
    with CaptureQueriesContext(connection) as queries:
        html = text(client.get(url))
    counts = [
        q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)") and "workorders_workorder" in q["sql"]
    ]
    assert counts and all("LIMIT 4" in sql for sql in counts), counts
    assert '<span class="page-head__sub">3+ 张</span>' in html
    assert "第 1 / 2+ 页" in html
    # and under the cap the total is exact
    for order in made[:2]:
        services.work_order_reject(actor=tree.street_staff, order=order, reason="重复反映")
    html = text(client.get(url))
    assert '<span class="page-head__sub">2 张</span>' in html
    assert "第 1 / 1 页" not in html  # one page: no pager


def test_the_queue_sorts_by_a_column_on_the_server_with_a_stable_tie_breaker(client, tree):
    # given orders in two compounds, filed in an order that is not the compounds' order
    second = [make_order(tree, compound=tree.compounds[1]) for _ in range(2)]
    first = [make_order(tree, compound=tree.compounds[0]) for _ in range(2)]
    client.force_login(tree.official)
    url = reverse("workorders:queue")

    # when sorted by compound, ascending then descending
    ascending = rows(text(client.get(url, {"ordering": "compound"})))
    descending = rows(text(client.get(url, {"ordering": "-compound"})))

    # then the compound decides, and ties come in id order (descending: reversed as a whole)
    names = sorted(
        [(tree.compounds[0].name, o.pk, o.tracking_code) for o in first]
        + [(tree.compounds[1].name, o.pk, o.tracking_code) for o in second]
    )
    assert ascending == [code for _n, _pk, code in names]
    assert descending == list(reversed(ascending))
    # the header says how the column is sorted and links to the other direction
    html = text(client.get(url, {"ordering": "compound"}))
    assert 'aria-sort="ascending"><a class="sort-link" href="?ordering=-compound#orders"' in html


def test_a_sort_by_a_field_not_on_the_list_is_refused_in_chinese(client, tree):
    make_order(tree)
    client.force_login(tree.official)
    response = client.get(reverse("workorders:queue"), {"ordering": "reporter_phone"})
    assert response.status_code == 200 and "筛选条件有误" in text(response)


def test_the_queue_costs_the_same_queries_for_3_rows_as_for_20(client, tree):
    client.force_login(tree.street_staff)
    url = reverse("workorders:queue")
    for _ in range(3):
        make_order(tree)
    client.get(url)  # warm the per-process caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        assert len(rows(text(client.get(url)))) == 3
    for i in range(17):
        make_order(tree, compound=tree.compounds[i % 4])
    with CaptureQueriesContext(connection) as many:
        assert len(rows(text(client.get(url)))) == 20
    assert len(many) == len(few)


def test_the_queue_renders_no_select_of_every_compound_or_unit(client, tree):
    make_order(tree)
    client.force_login(tree.street_staff)
    html = text(client.get(reverse("workorders:queue")))
    assert 'name="compound_name"' in html and 'name="compound_id"' not in html
    # the bulk picker lists the street and the departments, not the firms and communities (found by search)
    picker = html.split("data-unit-picker")[1].split("</select>")[0]
    assert tree.streets[0].name in picker and tree.firm.name not in picker and tree.communities[0].name not in picker


# ---------------------------------------------------------------------------------------------------- unit picker


def test_the_unit_search_finds_units_the_user_may_see_and_nothing_of_another_district(client, tree, other_tree):
    client.force_login(tree.official)
    url = reverse("workorders:unit-search")
    found = client.get(url, {"q": "第1社区"}).json()["results"]
    labels = [unit["label"] for unit in found]
    assert tree.communities[0].name in labels
    assert all("乙区" not in label for label in labels)
    assert found[0]["value"].startswith("community:") and found[0]["group"] == "社区"
    # an order of another district is a 404, like a missing one
    foreign = make_order(other_tree)
    assert client.get(url, {"order": foreign.pk}).status_code == 404
    assert client.get(url, {"order": 999_999_999}).status_code == 404


def test_the_picker_suggests_the_orders_own_firm_community_and_stationed_cadre_first(client, tree):
    tree.compounds[0].stationed_cadre = tree.cadre
    tree.compounds[0].save(update_fields=["stationed_cadre"])
    order = make_order(tree)
    client.force_login(tree.street_staff)
    suggested = client.get(reverse("workorders:unit-search"), {"order": order.pk}).json()["results"]
    assert [unit["value"] for unit in suggested] == [
        f"property_firm:{tree.firm.pk}",
        f"community:{tree.communities[0].pk}",
        f"user:{tree.cadre.pk}",
        f"street:{tree.streets[0].pk}",
    ]


def test_a_unit_found_by_search_is_accepted_and_a_foreign_one_refused(client, tree, other_tree):
    order = make_order(tree)
    services.work_order_return(actor=tree.firm_staff, order=order, reason="非物业职责")
    client.force_login(tree.street_staff)
    url = reverse("workorders:detail", args=[order.pk])
    # another district's community: refused in Chinese, nothing changes
    refused = client.post(url, {"action": "assign", "assign-unit": f"community:{other_tree.communities[0].pk}"})
    assert refused.status_code == 400 and "承办单位不存在或不在您的管辖范围内" in text(refused)
    # a community of the street that is not among the suggestions (the second community)
    response = client.post(url, {"action": "assign", "assign-unit": f"community:{tree.communities[1].pk}"})
    assert response.status_code == 302 and response["Location"].endswith("#next")
    order.refresh_from_db()
    assert order.state == State.ASSIGNED and order.handler_community_id == tree.communities[1].pk


# ---------------------------------------------------------------------------------------------------- accept and start


def test_the_handler_accepts_and_starts_in_one_step_with_both_on_the_timeline(client, tree):
    order = make_order(tree)  # routed to the compound's firm
    client.force_login(tree.firm_staff)
    url = reverse("workorders:detail", args=[order.pk])
    assert "受理并开始处理" in text(client.get(url)).split("data-next-action")[1].split("</nav>")[0]

    response = client.post(url, {"action": "accept_start"})

    assert response.status_code == 302 and response["Location"] == url + "#next"
    order.refresh_from_db()
    assert order.state == State.IN_PROGRESS and order.responded_at is not None
    states = list(TimelineEntry.objects.filter(order=order).order_by("pk").values_list("to_state", flat=True))
    assert states[-2:] == [State.ACCEPTED, State.IN_PROGRESS]


def test_accept_and_start_is_refused_to_a_dispatcher_and_once_the_order_is_accepted(tree):
    order = make_order(tree)
    # the street desk may accept for the firm, but not start the firm's work
    with pytest.raises(PermissionDenied):
        services.work_order_accept_and_start(actor=tree.street_staff, order=order)
    services.work_order_accept(actor=tree.firm_staff, order=order)
    with pytest.raises(PermissionDenied):
        services.work_order_accept_and_start(actor=tree.firm_staff, order=order)
    assert WorkOrder.objects.get(pk=order.pk).state == State.ACCEPTED
