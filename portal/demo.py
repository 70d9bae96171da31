"""The demo district as a whole (manage.py load_demo, make demo): the top floor composes each app's own demo
loader, in the order the floors stand — the tree (compounds/demo.py), the work orders (workorders/demo.py),
the current quarter's rating period so that the QR page offers the survey (ratings), the staffing
(staffing/demo.py) and, once it lands, the funding (funding/demo.py). Each loader leaves a district that
already has its rows alone, so a second run changes nothing; `reset` deletes the district and builds it again.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.actors import SystemActor
from compounds.demo import DISTRICT_CODE, demo_build
from compounds.models import District
from ratings.models import RatingPeriod
from ratings.services import period_open
from staffing.demo import load_staffing_demo
from workorders.demo import build_demo_work_orders, demo_work_orders_delete
from workorders.worktime import BEIJING

# The platform acting for the demo: no district of its own, so that the loaders' district checks let it build.
DEMO_ACTOR = SystemActor(name="command:load_demo")


def open_rating_period(*, district: District, now: datetime) -> str:
    """Open the current quarter's rating period (the owners' survey takes answers; the QR page links to it),
    unless the quarter already has one. Returns "2026 年第 4 季度" when it opened one, else ""."""
    today = now.astimezone(BEIJING).date()
    quarter = (today.month - 1) // 3 + 1
    if RatingPeriod.objects.filter(district=district, year=today.year, quarter=quarter).exists():
        return ""
    period = period_open(actor=DEMO_ACTOR, district=district, year=today.year, quarter=quarter)
    return f"{period.year} 年第 {period.quarter} 季度"


def _optional_loader(module: str, name: str) -> Callable | None:
    """A loader of an app that may not have landed yet (funding): None until its module exists."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def load_demo(*, reset: bool = False, now: datetime | None = None) -> list[str]:
    """Build the demo district with every app's demo rows; returns the lines to print."""
    now = now or timezone.now()
    with transaction.atomic():
        existing = District.objects.filter(code=DISTRICT_CODE).first()
        if reset and existing is not None:
            demo_work_orders_delete(district=existing)  # the orders still point at the demo users
        summary = demo_build(reset=reset)
    lines = list(summary.lines())
    if not summary.created:
        return lines
    district = summary.district
    lines += build_demo_work_orders(district=district, now=now).lines()
    with transaction.atomic():
        period = open_rating_period(district=district, now=now)
    if period:
        lines.append(f"已开启评议：{period}")
    lines += load_staffing_demo(district, today=now.astimezone(BEIJING).date()).lines()
    funding = _optional_loader("funding.demo", "load_funding_demo")
    if funding is not None:
        lines += funding(district).lines()
    return lines
