"""Deadlines as people say them (剩 5 小时 / 超时 2 天), on the working calendar: the clock stands still on
rest days, as the SLA clock does; emergencies count wall-clock time."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from workorders.worktime import BEIJING, add_working_hours, time_left, working_time_between

FRIDAY_10 = datetime(2026, 3, 6, 10, 0, tzinfo=BEIJING)  # an ordinary Friday
MONDAY_10 = datetime(2026, 3, 9, 10, 0, tzinfo=BEIJING)
NOV_FRIDAY = datetime(2026, 11, 27, 10, 0, tzinfo=BEIJING)  # two weeks back without a holiday


def test_working_time_between_is_the_inverse_of_adding_working_hours():
    assert working_time_between(FRIDAY_10, MONDAY_10) == timedelta(hours=24)  # the weekend does not count
    for hours in (1, 5, 24, 30, 168):
        assert working_time_between(FRIDAY_10, add_working_hours(FRIDAY_10, hours)) == timedelta(hours=hours)
    assert working_time_between(MONDAY_10, FRIDAY_10) == -timedelta(hours=24)


@pytest.mark.parametrize(
    ("deadline", "now", "calendar_time", "said"),
    [
        (FRIDAY_10 + timedelta(hours=5), FRIDAY_10, False, "剩 5 小时"),
        (MONDAY_10, FRIDAY_10, False, "剩 24 小时"),  # across a weekend: one working day
        (MONDAY_10, FRIDAY_10, True, "剩 3 天"),  # an emergency's wall clock
        (FRIDAY_10, FRIDAY_10 + timedelta(minutes=20), False, "超时 20 分钟"),
        (NOV_FRIDAY - timedelta(days=14), NOV_FRIDAY, False, "超时 10 天"),  # ten working days in two weeks
        (None, FRIDAY_10, False, ""),
    ],
)
def test_time_left(deadline, now, calendar_time, said):
    assert time_left(deadline, now, calendar_time=calendar_time) == said


@pytest.mark.django_db
def test_the_queue_says_time_left_or_overdue(client, tree, file_order):
    from django.utils import timezone

    file_order(now=timezone.now() - timedelta(days=30))
    client.force_login(tree.street_staff)
    html = client.get(reverse("workorders:queue")).content.decode()
    assert "<b data-time-left>超时 " in html


@pytest.mark.django_db
def test_the_queue_counts_orders_by_state_each_a_link_to_its_filter(client, tree, file_order):
    from django.utils import timezone

    file_order(now=timezone.now())
    file_order(now=timezone.now(), route=False)
    client.force_login(tree.street_staff)
    html = client.get(reverse("workorders:queue")).content.decode()
    counts = html.split("data-state-counts>")[1].split("</ul>")[0]
    assert 'href="?state=submitted#orders"' in counts and "已提交 <b>1</b>" in counts
    assert "已派单 <b>1</b>" in counts
