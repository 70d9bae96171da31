"""What each role's home page shows, composed from the lower apps' selectors — the same reads as their pages
and the API (scoped by accounts.policy through `visible_to`), so a figure on a home page is the figure
elsewhere. Each composition runs a constant number of queries, whatever the number of rows
(tests/portal/test_homes.py pins them)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import dateformat
from django.utils.translation import gettext, npgettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from compounds.models import Compound, District
from portal import charts
from ratings import selectors as ratings_selectors
from reports.models import BuildStatus, ReportBuild
from reports.selectors import reports_for
from staffing import selectors as staffing_selectors
from workorders import selectors as orders
from workorders.models import State
from workorders.worktime import BEIJING

TREND_MONTHS = 12
RATE_SERIES = (("response_rate", _("响应率")), ("resolution_rate", _("解决率")), ("satisfaction_rate", _("满意率")))
LIST_COLOURS = {"red": "#b3261e", "grey": "#5f6368", "black": "#111111"}


def months_back(month: date, count: int) -> list[date]:
    """The `count` months ending with `month` (first days), oldest first."""
    out, year, m = [], month.year, month.month
    for _month in range(count):
        out.append(date(year, m, 1))
        year, m = (year - 1, 12) if m == 1 else (year, m - 1)
    return out[::-1]


def optional_panel(module: str, function: str, **kwargs: Any) -> Any:
    """A panel from an app that may not have landed (funding): its selector's answer, or None while the module
    or the function is missing. Lets a home page keep a slot without importing what is not there."""
    try:
        reader = getattr(importlib.import_module(module), function)
    except (ImportError, AttributeError):
        return None
    return reader(**kwargs)


def rate_percent(value) -> float | None:
    return None if value is None else float(value) * 100


def rates_trend(*, actor: User, district: District, month: date) -> dict:
    """三率 of the orders the actor sees, month by month over the last TREND_MONTHS months (one query), as a
    line chart and as rows (the chart's values in text)."""
    months = months_back(month, TREND_MONTHS)
    start, end = months[0], orders.month_bounds(month)[1]
    rows = orders.work_order_kpis(
        district=district,
        group_by="street",
        start=start,
        end=end,
        by_month=True,
        actor=actor,
    )
    totals: dict[date, dict[str, int]] = {}
    for row in rows:  # a district official sees several streets: add their counts month by month
        total = totals.setdefault(row["month"], dict.fromkeys(orders.COUNTS, 0))
        for key in orders.COUNTS:
            total[key] += row[key]
    table = []
    for first in months:
        c = totals.get(first) or dict.fromkeys(orders.COUNTS, 0)
        table.append(
            {
                "month": first,
                "orders": c["orders"],
                "response_rate": orders.rate(c["responded_on_time"], c["orders"]),
                "resolution_rate": orders.rate(c["resolved"], c["orders"]),
                "satisfaction_rate": orders.rate(c["satisfied"], c["rated"]),
            }
        )
    # The x axis in the reader's language: a date format of the catalogue ("n月" → 12月; in English "M" → Dec).
    month_format = gettext("n月")
    chart = charts.line_chart(
        labels=[dateformat.format(m, month_format) for m in months],
        series=[{"name": str(name), "values": [rate_percent(r[key]) for r in table]} for key, name in RATE_SERIES],
    )
    return {"chart": chart, "rows": table}


@dataclass
class Vacancies:
    seats: int  # vacant seats in the actor's compounds
    compounds: int  # compounds with every seat filled
    total: int  # compounds
    longest: list  # staffing.selectors.Vacancy, longest vacant first


def vacancies(*, actor: User, today: date, street_id: int | None = None) -> Vacancies:
    coverage = staffing_selectors.team_coverage(actor=actor, on=today, street_id=street_id)
    return Vacancies(
        seats=coverage.district.vacant_seats,
        compounds=coverage.district.full,
        total=coverage.district.compounds,
        longest=coverage.vacancies[:8],
    )


def street_cockpit(*, actor: User, now: datetime) -> dict[str, Any]:
    """街道工作台: what waits for a dispatcher now, the street's 三率 this month by community with a 12-month
    trend, the vacant "2+4" seats, today's duty and (once funding lands) fund requests waiting."""
    today = now.astimezone(BEIJING).date()
    month = today.replace(day=1)
    district = actor.district
    start, end = orders.month_bounds(month)
    communities = orders.work_order_kpis(
        district=district,
        group_by="community",
        start=start,
        end=end,
        actor=actor,
    )
    desk = orders.desk_figures(actor=actor, now=now)
    return {
        "desk": desk,
        "states": [(State(state).label, state, n) for state, n in desk.by_state.items()],
        "month": month,
        "communities": communities,
        "trend": rates_trend(actor=actor, district=district, month=month),
        "vacancies": vacancies(actor=actor, today=today, street_id=actor.street_id),
        "duty": staffing_selectors.duty_today(actor=actor, now=now),
        "funding": optional_panel("funding.selectors", "requests_waiting_panel", actor=actor, now=now),
    }


def district_home(*, actor: User, now: datetime) -> dict[str, Any]:
    """区级首页: the monthly street ranking (this month so far, and last month complete), vacancies by street,
    the latest reports of the report room and (once funding lands) fund execution by tier."""
    today = now.astimezone(BEIJING).date()
    month = today.replace(day=1)
    last_month = months_back(month, 2)[0]
    district = actor.district
    ranking = orders.street_ranking(district=district, month=last_month)
    chart = charts.bar_chart(rows=[{"label": r.street.name, "value": r.score, "note": _orders(r)} for r in ranking])
    coverage = staffing_selectors.coverage_counts(actor=actor, on=today)
    latest = list(
        ReportBuild.objects.filter(report__in=reports_for(actor), status=BuildStatus.DONE)
        .select_related("report")
        .order_by("-finished_at", "-pk")[:6]
    )
    return {
        "ranking_month": last_month,
        "ranking": ranking,
        "ranking_chart": chart,
        "trend": rates_trend(actor=actor, district=district, month=month),
        "coverage": coverage,
        "latest_reports": latest,
        "funding": optional_panel("funding.selectors", "execution_by_tier_panel", actor=actor, now=now),
    }


def _orders(row: Any) -> str:
    """A ranked street's number of orders beside its bar: "12 件", in English "12 orders"."""
    n = row.figures.get("orders", 0)
    return npgettext("work orders", "%(n)s 件", "%(n)s 件", n) % {"n": n}


def grid_home(*, actor: User, now: datetime) -> dict[str, Any]:
    """网格员首页: my grids, what I reported and where it stands, the visits due this week."""
    today = now.astimezone(BEIJING).date()
    due = staffing_selectors.households_due(actor=actor, today=today)
    return {
        "grids": staffing_selectors.grid_overview(actor=actor, today=today),
        "reported": orders.reported_by(actor=actor),
        "due": list(due[:10]),
        "today": today,
    }


def compound_public(*, compound: Compound, now: datetime) -> dict[str, Any]:
    """The compound's public page (behind its QR code): who serves it, its firm and the firm's published list,
    this month's orders solved and open, and whether the owners' survey is taking answers. Nothing personal:
    names and posts only, phones of duty offices only (staffing.selectors.ServiceCard)."""
    month = now.astimezone(BEIJING).date().replace(day=1)
    standing = None
    if compound.property_firm_id:
        standing = ratings_selectors.published_standing(firm_id=compound.property_firm_id)
    return {
        "card": staffing_selectors.compound_service_card(compound.pk, now=now),
        "standing": standing,
        "month": month,
        "counts": orders.compound_month_counts(compound_id=compound.pk, month=month),
        "survey_open": compound.property_firm_id is not None
        and ratings_selectors.survey_is_open(district_id=compound.district_id),
    }


MAP_COLOURINGS = {"open": _("在办工单"), "overdue": _("超时工单"), "list": _("物业榜单")}


def map_points(*, actor: User, now: datetime, street_id: int | None = None, community_id: int | None = None) -> list:
    """The compounds the actor sees that have coordinates, each with its open and overdue orders and its
    firm's published list: the map's points. Three queries whatever the number of compounds."""
    compounds = Compound.objects.visible_to(actor).filter(latitude__isnull=False, longitude__isnull=False)
    if street_id:
        compounds = compounds.filter(community__street_id=street_id)
    if community_id:
        compounds = compounds.filter(community_id=community_id)
    counts = orders.compound_order_counts(actor=actor, now=now)
    lists = ratings_selectors.published_lists(district_id=actor.district_id) if actor.district_id else {}
    points = []
    for c in compounds.select_related("community").order_by("code"):
        open_orders, overdue = counts.get(c.pk, (0, 0))
        points.append(
            {
                "id": c.pk,
                "name": c.name,
                "community": c.community.name,
                "lat": float(c.latitude),
                "lng": float(c.longitude),
                "open": open_orders,
                "overdue": overdue,
                "list": lists.get(c.property_firm_id, "") if c.property_firm_id else "",
            }
        )
    return points
