"""`make bench-city SIZE=…`: a city's organisation tree, staff, firms and SIZE work orders with their timeline,
history (pghistory) and notification rows, loaded into the real PostgreSQL with COPY.

The city (京华市, sixteen districts with codes 9901xx that no real district uses): at --scale 1, 16 districts,
~330 streets, ~3,000 communities, ~20,000 compounds (~8 buildings each), ~6,000 grids, ~7,000 property firms,
six departments per district and ~35,000 staff of every role. --scale 0.1 builds a tenth of it.

The orders (--orders, spread over the last --days): the compound weighted by households, channels, categories
and six satisfaction levels in the proportions of the field reports, a daytime filing curve, and a lifecycle
per order (routed within seconds to minutes, responded to within hours, resolved within days, rated by most
residents, closed a week later) cut at "now": old orders are closed or rated, recent ones still open; 2 %
rejected, 1 % merged into an earlier order of the same compound. Every order has one timeline row per step
(filed, routed, accepted, in progress, resolved, rated, closed), one pghistory snapshot per save, and one
notification to a person of the unit it was routed to.

How it loads: the order, notification and tree rows are generated in Python and streamed with psycopg's COPY;
the timeline and history rows are derived from the orders in SQL (INSERT … SELECT, one batch per 500 k orders).
The load runs with `session_replication_role = replica` (no triggers, no foreign-key checks: the generator
writes consistent ids itself) and with the secondary indexes of the big tables dropped and rebuilt at the
end (their definitions are kept in var/bench/city-indexes-<database>.sql until they are rebuilt, so an interrupted run
can be repaired with `--rebuild-indexes`). It needs a superuser connection (DATABASE_OWNER_URL or
DATABASE_URL).

    uv run python benchmarks/city.py --orders 100000 --database capillary_city_100k
    make bench-city SIZE=1000000          # into the database capillary_city_1000000

--database NAME (default capillary_city_<orders>) is created from the migrated database of DATABASE_URL (the
embedded server's when it is unset) as a template if it does not exist, else it must be migrated and hold
no city yet. The figures (rows and rows per second per phase, the machine,
its load) go to var/bench/city-<orders>.json and are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import string
import sys
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)

OUT = ROOT / "var" / "bench"
CITY = "京华市"
PROVINCE = "京华省"
DISTRICTS = [
    "东城区", "西城区", "朝阳区", "丰台区", "石景山区", "海淀区", "门头沟区", "房山区",
    "通州区", "顺义区", "昌平区", "大兴区", "怀柔区", "平谷区", "密云区", "延庆区",
]  # fmt: skip
# The tables whose secondary indexes are dropped during the load and rebuilt after it.
BIG_TABLES = (
    "workorders_workorder",
    "workorders_timelineentry",
    "workorders_workorderevent",
    "workorders_notification",
)
# Channel mix (格格发现, 码上反馈, 12345 …) and category mix, weights in per cent.
CHANNELS = [
    ("grid", 30), ("resident_qr", 25), ("hotline_12345", 25), ("phone", 8), ("walk_in", 5),
    ("assigned_from_above", 5), ("open311", 2),
]  # fmt: skip
CATEGORY_WEIGHTS = {
    "corridor-clutter": 12, "sanitation": 14, "parking": 12, "ebike-wire-charging": 5, "illegal-construction": 4,
    "leak": 8, "street-lamp": 5, "manhole-cover": 2, "thrown-from-height": 1, "noise": 8, "neighbour-dispute": 5,
    "property-fee": 4, "facility-repair": 9, "safety-hazard": 3, "greenery": 3, "rental-registration": 2,
    "utility-outage": 2, "other": 1,
}  # fmt: skip
SATISFACTION = [
    ("very_satisfied", 46), ("satisfied", 34), ("neutral", 8), ("too_slow", 6), ("bad_attitude", 3),
    ("poor_service", 3),
]  # fmt: skip
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 13, 11, 8, 9, 11, 12, 11, 10, 9, 8, 6, 4, 2, 1]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
TRACKING = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
DESCRIPTIONS = [
    "{b}号楼{u}单元楼道堆满杂物，影响通行，请尽快清理",
    "{b}号楼附近问题已持续数日，居民反映强烈，请协调处理",
    "{b}号楼{u}单元门口情况需要处理，老人出行不便",
    "小区{b}号楼周边反复出现该问题，希望彻底解决",
]
TIMELINE_STEPS = [
    # column of the order that dates the step, timeline kind, from state, to state
    ("created_at", "filed", "", "submitted"),
    ("routed_at", "routed", "submitted", "assigned"),
    ("responded_at", "transition", "assigned", "accepted"),
    ("started_at", "transition", "accepted", "in_progress"),
    ("resolved_at", "transition", "in_progress", "resolved"),
    ("rated_at", "transition", "resolved", "rated"),
    ("closed_at", "transition", "rated", "closed"),
]


def say(message: str) -> None:
    print(f"[city] {message}", flush=True)


def with_database(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def database_name(url: str) -> str:
    return urllib.parse.urlsplit(url).path.lstrip("/")


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


class Ids:
    """Consecutive ids for a table from its sequence's current value (set past the last one at the end)."""

    def __init__(self, cursor, table: str) -> None:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        self.table = table
        self.next = cursor.fetchone()[0] + 1

    def take(self) -> int:
        self.next += 1
        return self.next - 1

    def finish(self, cursor) -> None:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{self.table}', 'id'), %s)", [max(self.next - 1, 1)])


class Timer:
    def __init__(self) -> None:
        self.phases: list[dict] = []

    def phase(self, name: str, started: float, rows: int) -> None:
        seconds = time.perf_counter() - started
        self.phases.append(
            {"phase": name, "rows": rows, "seconds": round(seconds, 1), "rows_per_second": round(rows / seconds)}
            if seconds
            else {"phase": name, "rows": rows, "seconds": 0}
        )
        say(f"{name}: {rows:,} rows in {seconds:.1f} s ({rows / max(seconds, 1e-9):,.0f}/s), load {load_average()}")


def copy_rows(cursor, table: str, columns: list[str], rows) -> int:
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


# ---------------------------------------------------------------------------------------------------- the tree


def build_tree(cursor, rng: random.Random, scale: float, timer: Timer) -> dict:
    """Districts, streets, communities, compounds, buildings, grids, firms, departments, staff and the
    categories: the ids the orders need, per compound."""
    started = time.perf_counter()
    cursor.execute("SELECT count(*) FROM compounds_district WHERE code LIKE '9901%%'")
    if cursor.fetchone()[0]:
        raise SystemExit("this database already holds the city (districts 9901xx): use a fresh --database")
    ids = {t: Ids(cursor, t) for t in (
        "compounds_district", "compounds_street", "compounds_community", "compounds_compound", "compounds_building",
        "compounds_grid", "compounds_propertyfirm", "compounds_department", "accounts_user",
    )}  # fmt: skip
    rows: dict[str, list] = {t: [] for t in ids}
    password = "!unusable-city-password"  # an unusable hash: nobody signs in as a generated user
    joined = datetime(2025, 1, 1, tzinfo=UTC)
    user_n = [0]

    def user(role: str, district: int, **scope) -> int:
        user_n[0] += 1
        pk = ids["accounts_user"].take()
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        rows["accounts_user"].append((
            pk, password, False, f"city-{user_n[0]}", "", "", "", False, True, joined, name,
            f"139{user_n[0]:08d}", role, scope.get("community"), scope.get("department"), district,
            scope.get("firm"), scope.get("street"), "",
        ))  # fmt: skip
        return pk

    compounds: list[tuple] = []  # (compound, community, street, district, firm or None, households)
    firm_staff: dict[int, int] = {}
    cadre_of: dict[int, int] = {}
    grid_workers: dict[int, list[int]] = {}
    streets_per_district = max(1, round(21 * scale))
    for d, name in enumerate(DISTRICTS, start=1):
        district = ids["compounds_district"].take()
        code = f"9901{d:02d}"
        rows["compounds_district"].append((district, code, name, CITY, PROVINCE))
        for _ in range(5):
            user("district_official", district)
        for kind, label in (
            [("police", "公安分局"), ("urban_management", "城管执法局"), ("justice", "司法局"),
             ("market_supervision", "市场监管局"), ("housing", "住建局"), ("other", "民政局")]
        ):  # fmt: skip
            department = ids["compounds_department"].take()
            rows["compounds_department"].append((department, f"{name}{label}", kind, district))
            for _ in range(3):
                user("department_staff", district, department=department)
        firms = []
        for f in range(max(2, round(440 * scale))):
            firm = ids["compounds_propertyfirm"].take()
            rows["compounds_propertyfirm"].append(
                (firm, f"{name}第{f + 1}物业服务有限公司", f"91{d:02d}{f:014d}", f == 0, f"029{d:02d}{f:06d}", district)
            )
            firms.append(firm)
            firm_staff[firm] = user("firm_staff", district, firm=firm)
            user("firm_staff", district, firm=firm)
        for s in range(streets_per_district):
            street = ids["compounds_street"].take()
            scode = f"{code}{s + 1:03d}"
            rows["compounds_street"].append((street, scode, f"{name}第{s + 1}街道", "street", district))
            for _ in range(3):
                user("street_staff", district, street=street)
            for c in range(max(1, round(rng.gauss(9, 2)))):
                community = ids["compounds_community"].take()
                tier = rng.choices("ABCD", weights=(40, 37, 12, 11))[0]
                rows["compounds_community"].append(
                    (community, f"{scode}{c + 1:03d}", f"第{s + 1}街道第{c + 1}社区", tier, "", 2025, district, street)
                )
                cadre_of[community] = user("community_cadre", district, community=community)
                user("community_cadre", district, community=community)
                workers = []
                for g in range(2):
                    grid = ids["compounds_grid"].take()
                    rows["compounds_grid"].append(
                        (grid, f"{scode}{c + 1:03d}{g + 1:03d}", f"第{g + 1}网格", community, district)
                    )
                    workers.append(user("grid_worker", district))
                grid_workers[community] = workers
                for k in range(max(1, round(rng.gauss(6.7, 2)))):
                    compound = ids["compounds_compound"].take()
                    mode = rng.choices(
                        ["commercial", "state_fallback", "community_hosted", "self_managed"], weights=(70, 10, 12, 8)
                    )[0]
                    firm = rng.choice(firms) if mode in ("commercial", "state_fallback") else None
                    buildings = max(1, round(rng.gauss(8, 4)))
                    households = buildings * rng.randint(24, 120)
                    rows["compounds_compound"].append((
                        compound, f"{scode}{c + 1:03d}{k + 1:03d}", f"第{s + 1}街道第{c + 1}社区{k + 1}号院",
                        f"{CITY}{name}第{s + 1}街道{k + 1}号", rng.randint(1980, 2024), buildings, households, mode,
                        mode == "commercial" and rng.random() < 0.6, mode == "commercial" and rng.random() < 0.7,
                        community, district,
                        firm, "c" + "".join(rng.choices(string.ascii_letters + string.digits, k=15)), None,
                        round(34.2 + rng.random() * 0.4, 6), round(108.8 + rng.random() * 0.4, 6),
                    ))  # fmt: skip
                    for b in range(buildings):
                        rows["compounds_building"].append(
                            (
                                ids["compounds_building"].take(),
                                f"{b + 1}号楼",
                                households // buildings,
                                compound,
                                district,
                            )
                        )
                    compounds.append((compound, community, street, district, firm, households))
    columns = {
        "compounds_district": ["id", "code", "name", "city", "province"],
        "compounds_department": ["id", "name", "kind", "district_id"],
        "compounds_propertyfirm": ["id", "name", "credit_code", "is_state_fallback", "contact_phone", "district_id"],
        "compounds_street": ["id", "code", "name", "kind", "district_id"],
        "compounds_community": ["id", "code", "name", "tier", "tier_reason", "tier_since", "district_id", "street_id"],
        "compounds_grid": ["id", "code", "name", "community_id", "district_id"],
        "compounds_compound": [
            "id", "code", "name", "address", "built_year", "building_count", "households", "management_mode",
            "has_owners_committee", "has_maintenance_fund", "community_id", "district_id",
            "property_firm_id", "public_token", "stationed_cadre_id", "latitude", "longitude",
        ],
        "compounds_building": ["id", "name", "households", "compound_id", "district_id"],
        "accounts_user": [
            "id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
            "is_active", "date_joined", "full_name", "phone", "role", "community_id", "department_id",
            "district_id", "property_firm_id", "street_id", "integration",
        ],
    }  # fmt: skip
    total = 0
    for table in ("compounds_district", "compounds_department", "compounds_propertyfirm", "compounds_street",
                  "compounds_community", "compounds_grid", "compounds_compound", "compounds_building",
                  "accounts_user"):  # fmt: skip
        total += copy_rows(cursor, table, columns[table], rows[table])
        ids[table].finish(cursor)
    timer.phase("organisation tree and staff", started, total)
    counts = {t.split("_", 1)[1]: len(r) for t, r in rows.items()}
    say("tree: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    district_ids = [r[0] for r in rows["compounds_district"]]
    return {
        "compounds": compounds,
        "firm_staff": firm_staff,
        "cadre_of": cadre_of,
        "grid_workers": grid_workers,
        "districts": district_ids,
        "counts": counts,
    }


def seed_categories(district_ids: list[int]) -> dict[int, list[tuple]]:
    """The seeded categories of every district through the product's own service: per district
    [(category id, code, name, default level, respond h, resolve h)]."""
    from accounts.actors import SystemActor
    from compounds.models import District
    from workorders.services import categories_seed

    catalogue = {}
    for district in District.objects.filter(pk__in=district_ids):
        catalogue[district.pk] = [
            (c.pk, c.code, c.name, c.default_handler_level, c.urgency.respond_hours, c.urgency.resolve_hours)
            for c in categories_seed(
                actor=SystemActor(name="benchmark:city", district_id=district.pk), district=district
            )
        ]
    return catalogue


# ---------------------------------------------------------------------------------------------------- orders

ORDER_COLUMNS = [
    "id", "channel", "title", "description", "reporter_name", "reporter_phone", "latitude", "longitude",
    "external_number", "tracking_code", "state", "handler_level", "is_pooled", "respond_by", "resolve_by",
    "committed_respond_by", "committed_resolve_by", "satisfaction", "rating_comment", "resolution", "reject_reason",
    "created_at", "routed_at", "responded_at", "resolved_at", "rated_at", "closed_at", "updated_at",
    "returned_count", "transferred_count", "escalated_count", "reopened_count", "category_id", "community_id",
    "compound_id", "district_id", "duplicate_of_id", "handler_community_id", "handler_firm_id", "property_firm_id",
    "reported_by_id", "street_id", "media_url", "reporter_email",
]  # fmt: skip
NOTIFICATION_COLUMNS = [
    "kind",
    "message",
    "created_at",
    "read_at",
    "dedupe_key",
    "district_id",
    "recipient_id",
    "order_id",
]


def orders(tree: dict, catalogue: dict, count: int, days: int, first_id: int, now: datetime, rng: random.Random):
    """(order row, notification row or None, started_at) per order, in id order (= filing order)."""
    compounds = tree["compounds"]
    cum_households = []
    total = 0
    for c in compounds:
        total += c[5]
        cum_households.append(total)
    channels, channel_w = zip(*CHANNELS, strict=True)
    satisfactions, satisfaction_w = zip(*SATISFACTION, strict=True)
    start = now - timedelta(days=days)
    # the filing instants, sorted: a day uniformly, an hour by the daytime curve, then seconds
    day_of = sorted(rng.randrange(days) for _ in range(count))
    hours = rng.choices(range(24), weights=HOUR_WEIGHTS, k=count)
    picks = rng.choices(range(len(compounds)), cum_weights=cum_households, k=count)
    chosen_channels = rng.choices(channels, weights=channel_w, k=count)
    catalogue_weights = {}
    for district, cats in catalogue.items():
        cum, running = [], 0
        for c in cats:
            running += CATEGORY_WEIGHTS.get(c[1], 1)
            cum.append(running)
        catalogue_weights[district] = (cats, cum)
    satisfaction_cum = [sum(satisfaction_w[: i + 1]) for i in range(len(satisfaction_w))]
    last_in_compound: dict[int, int] = {}
    expo = rng.expovariate
    rnd = rng.random
    for n in range(count):
        pk = first_id + n
        created = start + timedelta(days=day_of[n], hours=hours[n], seconds=rng.randrange(3600))
        compound, community, street, district, firm, _ = compounds[picks[n]]
        cats, cum = catalogue_weights[district]
        category, _code, cat_name, level, respond_h, resolve_h = rng.choices(cats, cum_weights=cum)[0]
        channel = chosen_channels[n]
        b, u = rng.randint(1, 20), rng.randint(1, 6)
        respond_by = created + timedelta(hours=respond_h)
        resolve_by = created + timedelta(hours=resolve_h)
        # the lifecycle, cut at now
        routed = created + timedelta(seconds=0.2 + expo(1 / 20))
        responded = routed + timedelta(hours=expo(1 / (respond_h * 0.4)))
        started = responded + timedelta(minutes=expo(1 / 30))
        resolved = started + timedelta(hours=expo(1 / (resolve_h * 0.5)))
        rated = resolved + timedelta(hours=expo(1 / 30)) if rnd() < 0.72 else None
        closed = (rated or resolved) + timedelta(days=7)
        fate = rnd()
        state, duplicate_of, reject_reason = None, None, ""
        if fate < 0.02:
            state, stamps = "rejected", (routed, None, None, None, None, None)
            reject_reason = "不属于受理范围"
        elif fate < 0.03 and compound in last_in_compound:
            state, stamps = "merged", (routed, None, None, None, None, None)
            duplicate_of = last_in_compound[compound]
        else:
            stamps = (routed, responded, started, resolved, rated, closed)
            names = ("assigned", "accepted", "in_progress", "resolved", "rated", "closed")
            state = "submitted"
            for stamp, name in zip(stamps, names, strict=True):
                if stamp is None:
                    continue
                if stamp > now:
                    break
                state = name
            stamps = tuple(s if s is not None and s <= now else None for s in stamps)
        routed_at, responded_at, started_at, resolved_at, rated_at, closed_at = stamps
        if routed_at is None:
            handler_level, handler_community, handler_firm = "", None, None
        elif level == "property_firm" and firm is not None:
            handler_level, handler_community, handler_firm = "property_firm", None, firm
        else:
            handler_level, handler_community, handler_firm = "community", community, None
        satisfaction = rng.choices(satisfactions, cum_weights=satisfaction_cum)[0] if rated_at else ""
        updated = max(s for s in (created, *stamps) if s is not None)
        reporter = channel in ("resident_qr", "hotline_12345", "phone", "walk_in", "open311")
        last_in_compound[compound] = pk
        order = (
            pk, channel, f"{cat_name}：{b}号楼", rng.choice(DESCRIPTIONS).format(b=b, u=u),
            (rng.choice(SURNAMES) + "先生") if reporter else "", f"13{rng.randrange(10**9):09d}" if reporter else "",
            None, None, f"12345-{pk}" if channel == "hotline_12345" else "",
            "".join(rng.choices(TRACKING, k=12)), state, handler_level, False, respond_by, resolve_by, respond_by,
            resolve_by, satisfaction, "", "已处理完毕" if resolved_at else "", reject_reason,
            created, routed_at, responded_at, resolved_at, rated_at, closed_at, updated,
            1 if rnd() < 0.03 else 0, 1 if rnd() < 0.02 else 0, 1 if rnd() < 0.04 else 0, 1 if rnd() < 0.01 else 0,
            category, community, compound, district, duplicate_of, handler_community, handler_firm, firm,
            rng.choice(tree["grid_workers"][community]) if channel == "grid" else None, street, "", "",
        )  # fmt: skip
        notification = None
        if routed_at is not None and state not in ("rejected", "merged"):
            recipient = tree["firm_staff"][handler_firm] if handler_firm else tree["cadre_of"][community]
            notification = (
                "assigned", f"新工单待受理：{cat_name}（{order[9]}）", routed_at,
                routed_at + timedelta(hours=expo(1 / 4)) if rnd() < 0.85 else None, f"assigned:{pk}", district,
                recipient, pk,
            )  # fmt: skip
        yield order, notification, started_at


def load_orders(cursor, tree, catalogue, count, days, now, rng, timer: Timer, batch: int) -> dict:
    cursor.execute("SELECT coalesce(max(id), 0) FROM workorders_workorder")
    first_id = cursor.fetchone()[0] + 1
    started_at_of: list[tuple[int, datetime]] = []
    notifications: list[tuple] = []
    made = 0
    t0 = time.perf_counter()
    generator = orders(tree, catalogue, count, days, first_id, now, rng)
    while made < count:
        size = min(batch, count - made)
        with cursor.copy(f"COPY workorders_workorder ({', '.join(ORDER_COLUMNS)}) FROM STDIN") as copy:
            for _ in range(size):
                order, notification, started = next(generator)
                copy.write_row(order)
                if notification:
                    notifications.append(notification)
                if started is not None:
                    started_at_of.append((order[0], started))
        made += size
        say(f"  orders {made:,}/{count:,}")
    cursor.execute("SELECT setval(pg_get_serial_sequence('workorders_workorder', 'id'), %s)", [first_id + count - 1])
    timer.phase("work orders (COPY)", t0, count)
    t0 = time.perf_counter()
    copy_rows(cursor, "workorders_notification", NOTIFICATION_COLUMNS, notifications)
    timer.phase("notifications (COPY)", t0, len(notifications))
    # the in-progress step's time is not a column of the order: a scratch table for the derivation below
    t0 = time.perf_counter()
    cursor.execute("CREATE TEMP TABLE city_started (order_id bigint PRIMARY KEY, at timestamptz NOT NULL)")
    copy_rows(cursor, "city_started", ["order_id", "at"], started_at_of)
    timer.phase("scratch: in-progress times (COPY)", t0, len(started_at_of))
    return {"first_id": first_id, "last_id": first_id + count - 1, "notifications": len(notifications)}


def derive_timeline_and_history(cursor, first_id: int, last_id: int, timer: Timer, step: int = 500_000) -> None:
    """One timeline row per step each order reached, and a pghistory snapshot per save (the row as it is now,
    with the state of that step), in SQL from the loaded orders."""
    steps = ", ".join(
        f"({'s.at' if column == 'started_at' else 'w.' + column}, '{kind}', '{src}', '{dst}', {n})"
        for n, (column, kind, src, dst) in enumerate(TIMELINE_STEPS)
    )
    order_columns = [c for c in ORDER_COLUMNS if c not in ("id", "state", "updated_at")]
    history_columns = ", ".join(order_columns)
    t0 = time.perf_counter()
    timeline = history = 0
    for low in range(first_id, last_id + 1, step):
        high = min(low + step - 1, last_id)
        cursor.execute(
            f"""
            INSERT INTO workorders_timelineentry (at, kind, from_state, to_state, note, handler_label, actor_id,
                                                  district_id, order_id)
            SELECT t.at, t.kind, t.src, t.dst, '', '', NULL::bigint, w.district_id, w.id
            FROM workorders_workorder w LEFT JOIN city_started s ON s.order_id = w.id
            CROSS JOIN LATERAL (VALUES {steps}) AS t(at, kind, src, dst, n)
            WHERE w.id BETWEEN %(low)s AND %(high)s AND t.at IS NOT NULL AND w.state NOT IN ('rejected', 'merged')
            UNION ALL
            SELECT t.at, t.kind, t.src, t.dst, t.note, '', NULL::bigint, w.district_id, w.id
            FROM workorders_workorder w CROSS JOIN LATERAL (
                VALUES (w.created_at, 'filed', '', 'submitted', ''),
                       (w.updated_at, 'transition', 'submitted', w.state, w.reject_reason)
            ) AS t(at, kind, src, dst, note)
            WHERE w.id BETWEEN %(low)s AND %(high)s AND w.state IN ('rejected', 'merged')
            """,
            {"low": low, "high": high},
        )  # fmt: skip
        timeline += cursor.rowcount
        cursor.execute(
            f"""
            INSERT INTO workorders_workorderevent (pgh_created_at, pgh_label, id, state, updated_at, pgh_obj_id,
                                                   pgh_context_id, {history_columns})
            SELECT t.at, CASE WHEN t.n = 0 THEN 'insert' ELSE 'update' END, w.id,
                   CASE WHEN w.state IN ('rejected', 'merged') AND t.n > 0 THEN w.state ELSE t.dst END, t.at, w.id,
                   NULL, {", ".join("w." + c for c in order_columns)}
            FROM workorders_workorder w LEFT JOIN city_started s ON s.order_id = w.id
            CROSS JOIN LATERAL (VALUES {steps}) AS t(at, kind, src, dst, n)
            WHERE w.id BETWEEN %(low)s AND %(high)s AND t.at IS NOT NULL
            """,
            {"low": low, "high": high},
        )  # fmt: skip
        history += cursor.rowcount
        say(f"  timeline and history up to order {high:,}: {timeline:,} + {history:,} rows")
    timer.phase("timeline + history (INSERT … SELECT)", t0, timeline + history)


# ---------------------------------------------------------------------------------------------------- indexes


def drop_indexes(cursor, index_file: Path) -> int:
    """Drop the secondary indexes of the big tables (not those behind a primary key or unique constraint),
    keeping their definitions in index_file."""
    cursor.execute(
        """
        SELECT i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
        ORDER BY t.relname, i.relname
        """,
        [list(BIG_TABLES)],
    )
    found = cursor.fetchall()
    if index_file.exists():  # a previous run was interrupted: its definitions are the complete list
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    index_file.write_text("".join(f"{definition};\n" for _, definition in found), encoding="utf-8")
    for name, _ in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return len(found)


def rebuild_indexes(connection, timer: Timer, index_file: Path) -> int:
    if not index_file.exists():
        return 0
    t0 = time.perf_counter()
    statements = [s for s in index_file.read_text(encoding="utf-8").split(";\n") if s.strip()]
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for statement in statements:
            cursor.execute(statement.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
    index_file.unlink()
    timer.phase(f"rebuild {len(statements)} indexes", t0, len(statements))
    return len(statements)


def recount_rollup(connection, timer: Timer) -> int:
    """The KPI rollups and the state counters (workorders_kpicounter, _kpimonth, _kpicommunitymonth,
    _statecounter) from the loaded orders: the load ran with their triggers off, so they are recounted once here,
    as `rebuild_kpi_rollup` does."""
    from workorders import rollup

    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM workorders_kpicounter")
        cursor.execute(
            f"INSERT INTO workorders_kpicounter ({rollup.COLUMNS}, {rollup.COUNTS}) "
            + rollup.RECOUNT_SELECT.format(where="")
        )
        rows = cursor.rowcount
        cursor.execute("DELETE FROM workorders_kpimonth")
        cursor.execute(
            f"INSERT INTO workorders_kpimonth ({rollup.MONTH_COLUMNS}, {rollup.COUNTS}) "
            + rollup.MONTHS_FROM_DAYS_SELECT.format(where="")
        )
        rows += cursor.rowcount
        cursor.execute("DELETE FROM workorders_kpicommunitymonth")
        cursor.execute(
            f"INSERT INTO workorders_kpicommunitymonth ({rollup.COMMUNITY_MONTH_COLUMNS}, {rollup.COUNTS}) "
            + rollup.COMMUNITY_MONTHS_FROM_MONTHS_SELECT.format(where="")
        )
        rows += cursor.rowcount
        cursor.execute("DELETE FROM workorders_statecounter")
        cursor.execute(
            f"INSERT INTO workorders_statecounter ({rollup.STATE_KEY}, orders) "
            + rollup.STATES_RECOUNT_SELECT.format(where="")
        )
        rows += cursor.rowcount
    connection.commit()
    timer.phase("KPI rollup and state counters (recount)", t0, rows)
    return rows


# ---------------------------------------------------------------------------------------------------- main


def base_database_url() -> str:
    if os.environ.get("DATABASE_OWNER_URL") or os.environ.get("DATABASE_URL"):
        return os.environ.get("DATABASE_OWNER_URL") or os.environ["DATABASE_URL"]
    from config import embedded

    return embedded.database_url()


def prepare_database(base_url: str, name: str) -> str:
    """NAME on the server of base_url: a copy of base_url's (migrated) database, or, when that one is in use
    (a template must have no other connection), a new database migrated here."""
    import subprocess

    import psycopg

    url = with_database(base_url, name)
    with psycopg.connect(with_database(base_url, "postgres"), autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return url
        template = database_name(base_url)
        try:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            say(f"created database {name} from the template {template}")
            return url
        except psycopg.errors.ObjectInUse:
            connection.execute(f'CREATE DATABASE "{name}"')
    say(f"created database {name}; migrating it ({template} is in use and cannot be its template)")
    env = {**os.environ, "DATABASE_URL": url, "DATABASE_OWNER_URL": url}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], env=env, check=True)
    return url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=100_000, help="work orders (default 100,000)")
    parser.add_argument("--scale", type=float, default=1.0, help="size of the organisation tree (1 = 20,000 compounds)")
    parser.add_argument("--days", type=int, default=365, help="the orders span the last DAYS days (default 365)")
    parser.add_argument(
        "--database", help="load into this database (default capillary_city_<orders>; made from DATABASE_URL's)"
    )
    parser.add_argument("--seed", type=int, default=12345, help="random seed (default 12345)")
    parser.add_argument("--batch", type=int, default=250_000, help="orders per COPY (default 250,000)")
    parser.add_argument(
        "--rebuild-indexes", action="store_true", help="only rebuild indexes an interrupted run dropped"
    )
    args = parser.parse_args()

    url = prepare_database(base_database_url(), args.database or f"capillary_city_{args.orders}")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    import psycopg

    timer = Timer()
    index_file = OUT / f"city-indexes-{database_name(url)}.sql"
    rng = random.Random(args.seed)
    now = datetime.now(UTC).replace(microsecond=0)
    began = time.perf_counter()
    load_before = load_average()
    with psycopg.connect(url) as connection:
        if args.rebuild_indexes:
            rebuild_indexes(connection, timer, index_file)
            connection.commit()
            return 0
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("SET synchronous_commit = off")
            tree = build_tree(cursor, rng, args.scale, timer)
        connection.commit()
        catalogue = seed_categories(tree["districts"])
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            dropped = drop_indexes(cursor, index_file)
            connection.commit()
            say(f"dropped {dropped} secondary indexes of {', '.join(BIG_TABLES)} for the load")
            span = load_orders(cursor, tree, catalogue, args.orders, args.days, now, rng, timer, args.batch)
            derive_timeline_and_history(cursor, span["first_id"], span["last_id"], timer)
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('workorders_timelineentry', 'id'), "
                "(SELECT max(id) FROM workorders_timelineentry))"
            )
        connection.commit()
        rebuild_indexes(connection, timer, index_file)
        connection.commit()
        recount_rollup(connection, timer)
        t0 = time.perf_counter()
        connection.autocommit = True
        counters = (
            "workorders_kpicounter",
            "workorders_kpimonth",
            "workorders_kpicommunitymonth",
            "workorders_statecounter",
        )
        for table in (*BIG_TABLES, *counters, "compounds_compound", "accounts_user"):
            connection.execute(f"VACUUM (ANALYZE) {table}")
        timer.phase("vacuum analyze", t0, len(BIG_TABLES) + len(counters) + 2)
        sizes = {
            table: connection.execute(f"SELECT count(*), pg_total_relation_size('{table}') FROM {table}").fetchone()
            for table in BIG_TABLES
        }
    seconds = time.perf_counter() - began
    result = {
        "when": now.isoformat(),
        "command": f"make bench-city SIZE={args.orders}"
        + (f" CITY_ARGS='--scale {args.scale}'" if args.scale != 1 else ""),
        "database": database_name(url),
        "machine": {"nproc": os.cpu_count(), "load_before": load_before, "load_after": load_average()},
        "orders": args.orders,
        "tree": tree["counts"],
        "tables": {t: {"rows": r, "megabytes": round(b / 2**20)} for t, (r, b) in sizes.items()},
        "seconds": round(seconds, 1),
        "orders_per_second": round(args.orders / seconds),
        "rows_per_second": round(sum(p["rows"] for p in timer.phases if "index" not in p["phase"]) / seconds),
        "phases": timer.phases,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"city-{args.orders}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    from benchmarks import results as results_md

    results_md.update(f"city-{args.orders}", results_md.city_section(result))
    say(
        f"done in {seconds:.0f} s: {args.orders:,} orders ({result['orders_per_second']:,}/s overall, "
        f"{result['rows_per_second']:,} rows/s), written var/bench/city-{args.orders}.json"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
