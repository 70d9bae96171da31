"""Work orders for the demo district (compounds/demo.py): about 150 orders filed over the last two months
through the real services (file, route, accept, start, resolve, rate, return, escalate, reject, close), by the
demo's own users (grid workers, firm staff, community cadres, street staff), so that a street officer sees a
queue with new, assigned, in-progress, overdue and closed orders, and the KPI page and the monthly street
ranking have figures. (The rating period the survey needs is opened by portal/demo.py, the top floor.)

Deterministic: one random.Random(seed) decides every order's compound, channel, text, fate and the gaps
between its steps; times are counted back from `now`, and an order's steps are squeezed into its age, so the
final states do not depend on the time of day. Idempotent: a district that already has orders is left alone.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pgtrigger
from django.apps import apps
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

from accounts.actors import SystemActor
from accounts.models import User
from accounts.roles import Role
from compounds.models import Compound, Department, District, Grid, Street
from workorders import services
from workorders.models import Category, Channel, HandlerLevel, Satisfaction, State, WorkOrder
from workorders.worktime import BEIJING

L = HandlerLevel
SEED = 20260116
ORDER_COUNT = 150  # the services take ~50 queries an order: 150 orders in a few seconds
DAYS = 60
FIRST_STREET_SHARE = 0.35  # street1 (the demo street officer) gets a busy queue

CHANNEL_WEIGHTS = [
    (Channel.RESIDENT_QR, 35),
    (Channel.GRID, 25),
    (Channel.HOTLINE_12345, 25),
    (Channel.PHONE, 15),
]
CATEGORY_WEIGHTS = {
    "corridor-clutter": 10,
    "sanitation": 12,
    "parking": 12,
    "ebike-wire-charging": 6,
    "illegal-construction": 3,
    "leak": 9,
    "street-lamp": 5,
    "manhole-cover": 2,
    "thrown-from-height": 2,
    "noise": 8,
    "neighbour-dispute": 4,
    "property-fee": 5,
    "facility-repair": 10,
    "safety-hazard": 3,
    "greenery": 4,
    "rental-registration": 2,
    "utility-outage": 5,
    "other": 3,
}
# category code: [(title, description)], {building} and {unit} are filled in.
TEXTS = {
    "corridor-clutter": [
        ("楼道堆放杂物", "{building}{unit}单元楼道长期堆放纸箱和旧家具，影响通行，存在消防隐患。"),
        ("消防通道被占用", "{building}门口消防通道堆满杂物，多次反映未清理。"),
    ],
    "sanitation": [
        ("垃圾清运不及时", "{building}旁垃圾桶已满溢两天，异味严重，请尽快清运。"),
        ("建筑垃圾无人清理", "{building}附近有住户装修后遗留建筑垃圾，堆放一周无人处理。"),
    ],
    "parking": [
        ("车辆乱停乱放", "{building}楼下车辆停在消防通道上，救护车无法进入。"),
        ("外来车辆占用车位", "小区内外来车辆长期占用业主车位，物业不管理。"),
    ],
    "ebike-wire-charging": [
        ("电动车飞线充电", "{building}{unit}单元有住户从窗户拉线给电动车充电，存在火灾隐患。"),
        ("楼道内给电动车充电", "{building}{unit}单元楼道内有电动车夜间充电，请尽快处理。"),
    ],
    "illegal-construction": [
        ("一楼私搭乱建", "{building}一楼住户在院内搭建彩钢房，占用公共绿地。"),
        ("楼顶违章搭建", "{building}顶楼住户在楼顶加盖房屋，影响楼体安全。"),
    ],
    "leak": [
        ("屋顶漏水", "{building}顶层下雨天屋顶渗水，墙面发霉，请物业维修。"),
        ("下水管道渗漏", "{building}{unit}单元地下室下水管道渗漏，污水外溢。"),
    ],
    "street-lamp": [
        ("路灯不亮", "小区主干道路灯坏了一周，晚上出行不安全。"),
        ("楼道灯损坏", "{building}{unit}单元楼道声控灯全部不亮。"),
    ],
    "manhole-cover": [
        ("井盖缺失", "{building}东侧路面井盖缺失，已有行人险些掉落。"),
        ("井盖破损塌陷", "{building}门口井盖破损下陷，车辆经过有危险。"),
    ],
    "thrown-from-height": [
        ("高空抛物", "{building}有住户从楼上往下扔垃圾，险些砸到行人。"),
    ],
    "noise": [
        ("夜间施工噪音", "小区旁工地夜间十一点后仍在施工，噪音扰民。"),
        ("广场舞噪音扰民", "小区广场晚上广场舞音响声音过大，影响休息。"),
        ("楼上装修噪音", "{building}{unit}单元有住户周末早上七点开始装修。"),
    ],
    "neighbour-dispute": [
        ("邻里漏水纠纷", "{building}楼上住户漏水到楼下，双方协商不成，请社区调解。"),
        ("宠物扰民纠纷", "{building}{unit}单元邻居养狗不拴绳，多次发生争执。"),
    ],
    "property-fee": [
        ("物业费上涨有异议", "物业公司通知物业费上涨，未召开业主大会，居民有异议。"),
        ("停车费收费不透明", "物业收取停车费但未公示收费标准和收支情况。"),
    ],
    "facility-repair": [
        ("电梯故障", "{building}{unit}单元电梯经常停运，老人上下楼困难。"),
        ("单元门禁损坏", "{building}{unit}单元门禁坏了，外来人员随意进出。"),
        ("健身器材损坏", "小区健身器材螺丝松动，存在安全隐患。"),
    ],
    "safety-hazard": [
        ("外墙脱落", "{building}外墙瓷砖脱落，砸坏楼下车辆。"),
        ("消防栓无水", "{building}消防栓打开无水，灭火器过期。"),
    ],
    "greenery": [
        ("树木遮挡采光", "{building}前树木过高，遮挡低层住户采光。"),
        ("绿地无人养护", "小区绿地杂草丛生，长期无人修剪。"),
    ],
    "rental-registration": [
        ("群租房问题", "{building}{unit}单元有一套房屋群租，人员进出频繁。"),
    ],
    "utility-outage": [
        ("停水未通知", "{building}今天上午突然停水，没有提前通知。"),
        ("暖气不热", "{building}{unit}单元暖气不热，室温不到十五度。"),
    ],
    "other": [
        ("流浪猫狗较多", "小区内流浪猫狗较多，夜间叫声扰民。"),
        ("快递柜占用通道", "{building}门口新装快递柜占用人行通道。"),
    ],
}
RESOLUTIONS = {
    L.PROPERTY_FIRM: ["已安排维修人员现场处理完毕", "已清理完毕并加强巡查", "已联系住户整改，现场已恢复"],
    L.USER: ["驻点干部上门协调，问题已解决", "已入户沟通，住户同意整改"],
    L.COMMUNITY: ["社区已组织协调，问题已解决", "已召集相关方现场调解，达成一致", "社区已督促物业整改到位"],
    L.STREET: ["街道协调相关单位处理完毕", "街道联合执法，已整改到位"],
    L.DEPARTMENT: ["职能部门已现场执法，问题已处理", "已依法处置并加强巡查"],
}
RETURN_REASONS = ["不属于物业服务范围", "诉求涉及多方，需社区统筹", "地址信息有误，无法处理"]
ESCALATE_REASONS = ["住户拒不配合整改，需上级协调", "涉及公共部位，本单位无权处理", "处理难度大，需要协调"]
REJECT_REASONS = ["诉求不属于受理范围，已告知诉求人", "重复反映，已在其他工单中办理"]
SURNAMES = list("王李张刘陈杨赵黄周吴徐孙马胡朱郭何罗高林")

# Allocated mobile prefixes (after the "1"): the phone rule (accounts.phones) refuses unallocated ones (154…).
MOBILE_PREFIXES = ("30", "35", "38", "39", "50", "58", "59", "86", "88", "89")


@dataclass
class DemoOrdersSummary:
    created: bool
    seconds: float = 0.0
    states: dict[str, int] = field(default_factory=dict)
    channels: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        if not self.created:
            return ["演示工单已存在，未改动。"]
        total = sum(self.states.values())
        out = [f"已生成演示工单 {total} 件（近 {DAYS} 天），用时 {self.seconds:.1f} 秒："]
        out.append("  渠道：" + "，".join(f"{Channel(k).label} {n}" for k, n in sorted(self.channels.items())))
        out.append("  状态：" + "，".join(f"{k} {n}" for k, n in sorted(self.states.items())))
        return out


def build_demo_work_orders(
    *, district: District, seed: int = SEED, count: int = ORDER_COUNT, now: datetime | None = None
) -> DemoOrdersSummary:
    """Seed the district's urgency classes and categories and file `count` orders over the last DAYS days
    (see the module docstring). Leaves a district that already has orders alone."""
    started = time.perf_counter()
    now = now or timezone.now()
    with transaction.atomic():
        if WorkOrder.objects.filter(district=district).exists():
            return DemoOrdersSummary(created=False)
        services.categories_seed(actor=SystemActor(name="demo:work_orders", district_id=district.pk), district=district)
        _Filer(district=district, rng=random.Random(seed), now=now).file_all(count)
    orders = WorkOrder.objects.filter(district=district)
    summary = DemoOrdersSummary(
        created=True,
        states=dict(Counter(orders.values_list("state", flat=True))),
        channels=dict(Counter(orders.values_list("channel", flat=True))),
    )
    summary.seconds = time.perf_counter() - started
    return summary


def demo_work_orders_delete(*, district: District) -> None:
    """Delete the district's work-order rows (orders, timelines, escalations, notifications, meetings, the
    catalogue), children first, so that the demo district can be reset: its users are still referenced by
    the orders they filed (PROTECT)."""
    remaining = [
        model
        for model in reversed(list(apps.get_app_config("workorders").get_models()))
        if any(f.name == "district" and f.is_relation for f in model._meta.concrete_fields)
    ]
    # The timeline is append-only (a trigger); only this reset of demo data may delete it.
    with pgtrigger.ignore("workorders.TimelineEntry:timeline_append_only"):
        for _ in range(len(remaining) + 1):
            blocked = []
            for model in remaining:
                try:
                    with transaction.atomic():
                        model._base_manager.filter(district=district).delete()
                except (ProtectedError, RestrictedError):
                    blocked.append(model)
            if not blocked:
                return
            remaining = blocked
    raise RuntimeError(f"无法清空演示工单：{', '.join(m.__name__ for m in remaining)} 仍被引用。")


class _Filer:
    def __init__(self, *, district: District, rng: random.Random, now: datetime) -> None:
        self.district = district
        self.rng = rng
        self.now = now
        users = list(User.objects.filter(district=district, is_active=True).order_by("username"))
        self.users = {u.pk: u for u in users}
        self.firm_staff = _first_by(users, Role.FIRM_STAFF, "property_firm_id")
        self.cadres = _first_by(users, Role.COMMUNITY_CADRE, "community_id")
        self.street_staff = _first_by(users, Role.STREET_STAFF, "street_id")
        self.department_staff = _first_by(users, Role.DEPARTMENT_STAFF, "department_id")
        self.departments = list(Department.objects.filter(district=district).order_by("pk"))
        grid_user = {}
        for u in users:
            if u.role == Role.GRID_WORKER:
                for grid_id in u.grids.values_list("pk", flat=True):
                    grid_user.setdefault(grid_id, u)
        self.grid_worker_of: dict[int, User] = {}
        through = Grid.buildings.through
        for grid_id, compound_id in (
            through.objects.filter(grid__district=district)
            .order_by("grid_id", "building_id")
            .values_list("grid_id", "building__compound_id")
        ):
            if grid_id in grid_user:
                self.grid_worker_of.setdefault(compound_id, grid_user[grid_id])
        compounds = list(
            Compound.objects.filter(district=district)
            .select_related("community__street", "property_firm")
            .order_by("code")
        )
        first_street = Street.objects.filter(district=district).order_by("code").first()
        self.first_street_compounds = [c for c in compounds if c.community.street_id == first_street.pk]
        self.compounds = compounds
        categories = {c.code: c for c in Category.objects.filter(district=district, is_active=True)}
        self.categories = [(categories[code], w) for code, w in CATEGORY_WEIGHTS.items() if code in categories]

    # ----- one order -------------------------------------------------------------------------------

    def file_all(self, count: int) -> None:
        # Most orders spread over the period, one in six from the last three days (the open queue).
        ages = sorted(
            (
                self.rng.uniform(0.02, 3) if self.rng.random() < 0.17 else self.rng.uniform(0.02, DAYS)
                for _ in range(count)
            ),
            reverse=True,
        )
        for i, age_days in enumerate(ages, start=1):
            self.file_one(i, timedelta(days=age_days))

    def file_one(self, number: int, age: timedelta) -> None:
        rng = self.rng
        pool = self.first_street_compounds if rng.random() < FIRST_STREET_SHARE else self.compounds
        compound = rng.choice(pool)
        category = rng.choices([c for c, _ in self.categories], weights=[w for _, w in self.categories])[0]
        channel = rng.choices([c for c, _ in CHANNEL_WEIGHTS], weights=[w for _, w in CHANNEL_WEIGHTS])[0]
        title, text = rng.choice(TEXTS.get(category.code, TEXTS["other"]))
        description = text.format(
            building=f"{rng.randint(1, max(1, compound.building_count))}号楼", unit=rng.randint(1, 4)
        )
        filed_at = self.now - age
        actor, extra = None, {}
        name = rng.choice(SURNAMES) + rng.choice(["女士", "先生"])
        phone = f"1{rng.choice(MOBILE_PREFIXES)}{rng.randint(0, 99999999):08d}"
        if channel == Channel.GRID:
            actor = self.grid_worker_of.get(compound.pk)
            if actor is None:
                channel = Channel.RESIDENT_QR
        if channel == Channel.HOTLINE_12345:
            local = filed_at.astimezone(BEIJING)
            extra["external_number"] = f"12345-{local:%Y%m%d}-{number:05d}"
        elif channel == Channel.PHONE:
            actor = self.street_staff.get(compound.community.street_id) or self.cadres.get(compound.community_id)
        order = services.work_order_file(
            # Residents' QR reports and 12345 pushes are filed as the demo (the system) in the district.
            actor=actor or SystemActor(name="demo:work_orders", district_id=self.district.pk),
            compound=compound,
            category=category,
            channel=channel,
            title=title,
            description=description,
            reporter_name="" if channel == Channel.GRID else name,
            reporter_phone="" if channel == Channel.GRID else phone,
            now=filed_at,
            **extra,
        )
        steps = self.plan(age)
        # The gaps (hours) between steps; squeezed into the order's age if they would run past now.
        gaps = [self.gap(step) for step in steps]
        total = sum(gaps) + 0.1
        limit = age.total_seconds() / 3600 * 0.95
        scale = min(1.0, limit / total)
        at = filed_at + timedelta(hours=0.05 * scale)
        order = services.work_order_route(
            actor=SystemActor(name="demo:work_orders", district_id=self.district.pk), order_id=order.pk, now=at
        )
        for step, gap in zip(steps, gaps, strict=True):
            at += timedelta(hours=gap * scale)
            order = self.do(step, order, at)
            if order is None:
                break
            if order.state == State.REOPENED:
                # 重办: the handler takes it up again; a later step (close) finds it resolved and rated again.
                rest = steps[steps.index(step) + 1 :]
                if not rest:
                    break
                for again in ["accept", "resolve", "rate"]:
                    at += timedelta(hours=gap * scale / 4)
                    order = self.do(again, order, at, satisfied=True)

    def plan(self, age: timedelta) -> list[str]:
        """The steps after routing, by the order's age: recent orders are still open, older ones closed."""
        rng, days = self.rng, age.total_seconds() / 86400
        roll = rng.random()
        if days < 2:
            fate = (
                "assigned" if roll < 0.4 else "accepted" if roll < 0.6 else "in_progress" if roll < 0.9 else "resolved"
            )
        elif days < 10:
            fate = (
                "assigned"
                if roll < 0.1
                else "in_progress"
                if roll < 0.3
                else "resolved"
                if roll < 0.45
                else "rated"
                if roll < 0.7
                else "closed"
            )
        else:
            fate = "in_progress" if roll < 0.04 else "resolved" if roll < 0.1 else "rated" if roll < 0.3 else "closed"
        if rng.random() < 0.03:
            return ["reject"]
        steps = []
        detour = rng.random()
        if detour < 0.07:
            steps.append("return")  # back to the street desk, which dispatches to the community
        elif detour < 0.15:
            steps.append("escalate")
        order_of = ["accept", "start", "resolve", "rate", "close"]
        upto = {"assigned": 0, "accepted": 1, "in_progress": 2, "resolved": 3, "rated": 4, "closed": 5}[fate]
        if fate == "closed" and rng.random() < 0.3:
            return [*steps, "accept", "start", "resolve", "close"]  # closed without a rating
        return steps + order_of[:upto]

    def gap(self, step: str) -> float:
        rng = self.rng
        late = rng.random() < 0.15
        if step in ("accept", "return", "escalate", "reject"):
            return rng.uniform(20, 60) if late else rng.uniform(0.2, 12)
        if step == "start":
            return rng.uniform(0.2, 20)
        if step == "resolve":
            return rng.uniform(72, 300) if late else rng.uniform(1, 60)
        if step == "rate":
            return rng.uniform(2, 72)
        return rng.uniform(12, 96)  # close

    # ----- one step --------------------------------------------------------------------------------

    def handler_user(self, order: WorkOrder) -> User | None:
        level = order.handler_level
        if level == L.PROPERTY_FIRM:
            return self.firm_staff.get(order.handler_firm_id)
        if level == L.COMMUNITY:
            return self.cadres.get(order.handler_community_id)
        if level == L.STREET:
            return self.street_staff.get(order.handler_street_id)
        if level == L.DEPARTMENT:
            return self.department_staff.get(order.handler_department_id)
        if level == L.USER:
            return self.users.get(order.handler_user_id)
        return None

    def do(self, step: str, order: WorkOrder, at: datetime, *, satisfied: bool = False) -> WorkOrder | None:
        rng = self.rng
        # Where the demo has nobody for a unit, the demo itself (the system, named) acts.
        system = SystemActor(name="demo:work_orders", district_id=self.district.pk)
        handler = self.handler_user(order) or system
        desk = self.street_staff.get(order.street_id) or system
        if step == "reject":
            services.work_order_reject(actor=desk, order=order, reason=rng.choice(REJECT_REASONS), now=at)
            return None
        if step == "return":
            order = services.work_order_return(actor=handler, order=order, reason=rng.choice(RETURN_REASONS), now=at)
            if rng.random() < 0.2:
                return None  # still on the street desk
            return services.work_order_assign(
                actor=desk, order=order, level=L.COMMUNITY, unit=order.community, note="", now=at
            )
        if step == "escalate":
            if order.handler_level == L.DEPARTMENT:
                return order  # routed straight to a department (a routing rule): no rung above it
            departments = [rng.choice(self.departments)] if order.handler_level == L.STREET else []
            return services.work_order_escalate(
                actor=handler, order=order, reason=rng.choice(ESCALATE_REASONS), departments=departments, now=at
            )
        if step == "accept":
            return services.work_order_accept(actor=handler, order=order, now=at)
        if step == "start":
            return services.work_order_start(actor=handler, order=order, now=at)
        if step == "resolve":
            level = order.handler_level or L.COMMUNITY
            resolution = rng.choice(RESOLUTIONS.get(level, RESOLUTIONS[L.COMMUNITY]))
            return services.work_order_resolve(actor=handler, order=order, resolution=resolution, now=at)
        if step == "rate":
            weights = [60, 40, 0, 0, 0, 0] if satisfied else [52, 34, 6, 4, 2, 2]
            satisfaction = rng.choices(list(Satisfaction), weights=weights)[0]
            if rng.random() < 0.7:  # the resident rates with the tracking code
                order = services.work_order_rate(
                    actor=system,
                    order=order,
                    satisfaction=satisfaction,
                    tracking_code=order.tracking_code,
                    now=at,
                )
            else:  # 回访: the street desk records a rating taken by phone
                order = services.work_order_rate(
                    actor=desk, order=order, satisfaction=satisfaction, comment="电话回访", now=at
                )
            return order
        if step == "close":
            return services.work_order_close(actor=desk, order=order, note="回访完毕，归档", now=at)
        raise ValueError(step)


def _first_by(users: list[User], role: str, attribute: str) -> dict[int, User]:
    result: dict[int, User] = {}
    for u in users:
        if u.role == role and getattr(u, attribute) is not None:
            result.setdefault(getattr(u, attribute), u)
    return result
