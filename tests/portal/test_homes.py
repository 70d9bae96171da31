"""Each role lands on its own work (portal.views.home), with figures from the same selectors as the queue and
the API (their weight and query counts as the rows grow: tests/portal/test_page_weight.py)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from tests import factories
from workorders.models import Channel, Notification, State

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def figures_of(response) -> dict[str, int]:
    found = re.findall(r'data-figure="([\w-]+)">(?:<a [^>]*>)?([\d,]+)<', response.content.decode())
    return {name: int(value.replace(",", "")) for name, value in found}


def home(client, user):
    client.force_login(user)
    return client.get(reverse("home"))


@pytest.mark.parametrize("who", ["firm_staff", "department_staff", "cadre"])
def test_handlers_land_on_my_orders(client, tree, who):
    response = home(client, getattr(tree, who))
    assert response.status_code == 302
    assert response.url == reverse("workorders:mine")


def test_the_platform_administrator_lands_on_the_admin(client, db):
    admin = factories.user_for(Role.PLATFORM_ADMIN, username="root-admin")
    assert home(client, admin).url == reverse("admin:index")


def test_street_staff_land_on_their_cockpit_with_the_queues_figures(client, tree, file_order):
    # given, in street 1: two new orders (to dispatch), one overdue order, and one in street 2 (not theirs)
    now = timezone.now()
    file_order(compound=tree.compounds[0], route=False, now=now)
    file_order(compound=tree.compounds[1], route=False, now=now)
    file_order(compound=tree.compounds[2], now=now - timedelta(days=30))  # routed long ago: past its deadlines
    file_order(compound=tree.compounds[-1], route=False, now=now)  # street 2
    # when the street officer opens the site
    response = home(client, tree.street_staff)
    # then the cockpit shows their street's desk, as the queue counts it
    assert response.status_code == 200
    figures = figures_of(response)
    assert figures["to-dispatch"] == 2
    assert figures["overdue"] == 1
    assert figures["open"] == 3
    queue = client.get(reverse("workorders:queue"), {"overdue": "true"})
    assert queue.context["page"].paginator.count == 1
    # the figure's link lists what it counts (it listed only the new orders, not those sent back)
    assert f'href="{reverse("workorders:queue")}?to_dispatch=true"' in response.content.decode()
    queue = client.get(reverse("workorders:queue"), {"to_dispatch": "true"})
    assert queue.context["page"].paginator.count == 2
    page = text_of(response)
    assert tree.streets[0].name in page and "近 12 个月三率" in page and "今日值班" in page
    assert "“2+4”空缺岗位" in page and "待审批的经费申请" in page
    # the counts by state link to the queue filtered by that state
    assert (
        f'href="{reverse("workorders:queue")}?state=submitted" data-state-count="submitted"'
        in response.content.decode()
    )
    # and the trend chart is an inline SVG with its three series
    html = response.content.decode()
    assert html.count('data-series="') == 3 and "<svg" in html


def test_district_officials_land_on_the_street_ranking(client, tree, file_order):
    file_order(compound=tree.compounds[0], now=timezone.now() - timedelta(days=31))
    response = home(client, tree.official)
    assert response.status_code == 200
    html = response.content.decode()
    page = text_of(response)
    assert "街道三率排名" in page and "最新报告" in page and "“2+4”配齐情况" in page
    for street in tree.streets:  # every street is a bar of the ranking chart, ranked or not
        assert f'data-bar="{street.name}"' in html


def test_grid_workers_land_on_their_grid_with_what_they_reported(client, tree, file_order):
    # given an order the grid worker reported and one a resident filed
    mine = file_order(
        compound=tree.compounds[0], actor=tree.grid_worker, channel=Channel.GRID, title="路灯不亮", now=timezone.now()
    )
    file_order(compound=tree.compounds[0], title="居民反映的噪音", now=timezone.now())
    # when they open the site on their phone
    response = home(client, tree.grid_worker)
    # then: the big button, their grid, and what they reported with its state
    assert response.status_code == 200
    page = text_of(response)
    html = response.content.decode()
    assert f'href="{reverse("intake:grid")}" data-report-button' in html
    assert tree.grids[0].name in page
    reported = html.split("data-reported")[1].split("</section>")[0]
    assert "路灯不亮" in reported and "居民反映的噪音" not in reported
    assert str(State(mine.state).label) in reported


def test_the_menu_shows_the_unread_count_everywhere(client, tree, file_order):
    order = file_order(now=timezone.now())
    for n in range(3):
        Notification.objects.create(
            district=tree.district, recipient=tree.street_staff, order=order, kind="assigned", message=f"消息{n}"
        )
    client.force_login(tree.street_staff)
    for url in (reverse("home"), reverse("workorders:queue"), reverse("staffing:home")):
        html = client.get(url).content.decode()
        inbox = html.split("data-inbox>")[1].split("</a>")[0]
        assert 'class="nav-count"' in inbox and ">3<" in inbox, url


def test_the_street_cockpit_shows_the_fund_requests_waiting_for_this_street(client, tree):
    from tests.funding.conftest import funded
    from tests.funding.test_selectors import _requests_in_april

    # given street 1 with two requests waiting (¥500.00 and ¥1,000.00) and one waiting for the district
    funded(tree)
    _requests_in_april(tree)
    # when its officer opens the site
    response = home(client, tree.street_staff)
    # then the cockpit's fund panel counts them, links to each and to the queue of requests
    panel = response.content.decode().split("data-funding>")[1].split("</section>")[0]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", panel))
    assert "2 件" in text and "¥1,500.00" in text and "¥60,000.00" in text
    assert "楼道照明0-1" in text and "楼道照明0-8" in text and "丙" not in text  # street 2's is not theirs
    assert f'href="{reverse("funding:requests")}?status=requested"' in panel
    assert f'href="{reverse("funding:requests")}?status=second"' in panel
    assert "经费管理尚未启用" not in panel


def test_the_district_home_shows_execution_by_tier(client, tree):
    from compounds.models import Tier
    from tests.funding.conftest import funded

    tree.communities[2].tier = Tier.B
    tree.communities[2].save()
    funded(tree)
    response = home(client, tree.official)
    html = response.content.decode()
    panel = html.split("data-funding>")[1].split("</section>")[0]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", panel))
    assert 'data-tier="A"' in panel and 'data-tier="B"' in panel and 'data-tier="C"' not in panel
    assert "¥450,000.00" in text and "¥300,000.00" in text and "¥750,000.00" in text  # A, B and the total
    assert f'href="{reverse("funding:execution")}?year=' in panel
