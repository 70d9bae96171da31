"""Funding of the demo district (compounds.demo builds 长安区; staffing.demo its staff and stars).
`load_funding_demo(district)` tells the story the funding issue asks for:

- last year: the policy (Xining's amounts by tier), allocated on 2 January, spent through the year, and the
  year end under "carry up to 30,000 yuan", so that this year starts with carry-overs;
- this year: the same policy applied on 2 January to every community at its tier, one community moved from
  tier A to B from July (pro rata by month), one with an amount of its own (override with a reason), three
  special projects, donations to four community foundations, and a year of requests month by month —
  approved by the street, paid with voucher numbers, a few rejected with a reason;
- waiting now: requests for the streets to approve in every street, and one above the second-approval
  threshold (80,000 yuan) approved by its street and waiting for the district;
- the performance pool of 4.09 million yuan for the year and the staff stars' last quarter computed (about
  1.02 million yuan for the quarter; the page shows highest, average and the distribution), waiting for the
  district's approval.

Everything goes through the services (every yuan in the ledger, the rules checked), as the demo's own users
where there is one (the community's cadre requests, the street's officer approves), otherwise as the system.
Idempotent: a district that already has a fund policy is left alone. Deterministic (a seeded random.Random).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.actors import SystemActor
from accounts.models import User
from accounts.roles import Role
from compounds.models import Community, District, Tier
from compounds.workcalendar import BEIJING
from funding.models import (
    AccountKind,
    BonusQuarter,
    Category,
    Disbursement,
    FundPolicy,
    LedgerEntry,
    Status,
)
from funding.services import bonus, disbursements, policy, sources, yearend
from funding.services.ledger import accounts_open, balance, community_account

SEED = 20261125
XINING = {"tier_a_fen": 150_000_00, "tier_b_fen": 300_000_00, "tier_c_fen": 150_000_00, "tier_d_fen": 100_000_00}
THRESHOLD_FEN = 50_000_00
POOL_FEN = 4_090_000_00
PURPOSES = {
    Category.SERVICE: ["重阳节敬老活动", "暑期青少年托管", "邻里节活动物资", "社区议事会场地布置"],
    Category.REPAIR: ["楼道照明维修", "单元门禁更换", "小区路面修补", "雨水管疏通"],
    Category.ENVIRONMENT: ["楼道杂物清理", "绿化补植", "垃圾分类亭维护"],
    Category.SAFETY: ["消防器材更换", "电动自行车充电桩安装", "监控探头维修"],
    Category.ELDERLY: ["老年助餐点补贴", "适老化扶手安装"],
    Category.CULTURE: ["广场舞音响设备", "社区书屋图书采购"],
    Category.OFFICE: ["打印耗材", "网格员工作手册印制"],
}


@dataclass
class FundingDemoSummary:
    district: District
    created: bool
    seconds: float = 0.0
    counts: dict[str, Any] = field(default_factory=dict)

    def lines(self) -> list[str]:
        if not self.created:
            return [f"{self.district.name}已有经费数据，未改动。"]
        out = [f"已生成{self.district.name}经费演示数据，用时 {self.seconds:.1f} 秒："]
        out += [f"  {label}：{n}" for label, n in self.counts.items()]
        return out


def load_funding_demo(district: District, *, today: date | None = None, seed: int = SEED) -> FundingDemoSummary:
    started = time.perf_counter()
    today = today or timezone.localdate()
    with transaction.atomic():
        if FundPolicy.objects.filter(district=district).exists():
            return FundingDemoSummary(district=district, created=False)
        builder = _Builder(district=district, rng=random.Random(seed), today=today)
        builder.build()
    summary = FundingDemoSummary(district=district, created=True, counts=builder.counts())
    summary.seconds = time.perf_counter() - started
    return summary


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BEIJING)


class _Builder:
    def __init__(self, *, district: District, rng: random.Random, today: date) -> None:
        self.d, self.rng, self.today = district, rng, today
        self.system = SystemActor(name="demo:funding", district_id=district.pk)
        self.communities = list(Community.objects.filter(district=district).select_related("street").order_by("code"))
        users = list(
            User.objects.filter(district=district, is_active=True, role__in=[Role.COMMUNITY_CADRE, Role.STREET_STAFF])
        )
        self.cadre = {u.community_id: u for u in users if u.role == Role.COMMUNITY_CADRE and u.community_id}
        self.street = {u.street_id: u for u in users if u.role == Role.STREET_STAFF and u.street_id}
        self.official = (
            User.objects.filter(district=district, role=Role.DISTRICT_OFFICIAL, is_active=True).order_by("pk").first()
        )
        self.vouchers = 0

    def requester(self, community: Community) -> Any:
        return self.cadre.get(community.pk, self.system)

    def approver(self, community: Community) -> Any:
        return self.street.get(community.street_id, self.system)

    def build(self) -> None:
        accounts_open(district=self.d)
        last = self.today.year - 1
        self.year(last, months=range(2, 13, 3), carry=True)
        yearend.year_end_run(actor=self.system, district=self.d, year=last, now=_at(date(self.today.year, 1, 1), 0))
        self.year(self.today.year, months=range(1, self.today.month), carry=False)
        self.waiting()
        self.bonus()

    def year(self, year: int, *, months: range, carry: bool) -> None:
        policy.policy_set(
            actor=self.system,
            district=self.d,
            year=year,
            carry_rule="cap",
            carry_cap_fen=30_000_00,
            second_approval_fen=THRESHOLD_FEN,
            **XINING,
        )
        if not carry:
            # an amount of its own, set before the year's funds go out
            own = self.communities[3]
            policy.override_set(
                actor=self.system,
                community=own,
                year=year,
                amount_fen=200_000_00,
                reason="辖区新增两个回迁安置小区，经区政府常务会研究单独核定",
                now=_at(date(year, 1, 2), 9),
            )
        policy.policy_apply(actor=self.system, district=self.d, year=year, now=_at(date(year, 1, 2)))
        if not carry:
            self.sources(year)
        for month in months:
            # last year quarter by quarter, this year month by month
            self.month(year, month, spend_share=0.25 if carry else 0.09, skip=0.25 if carry else 0.5)
            if not carry and month == 7:
                moved = next((c for c in self.communities if c.tier == Tier.A and c.pk != self.communities[3].pk), None)
                if moved is not None:
                    policy.tier_change(
                        actor=self.system,
                        community=moved,
                        tier=Tier.B,
                        year=year,
                        from_month=7,
                        reason="老旧小区改造后纳入B类管理",
                        now=_at(date(year, 7, 1)),
                    )
                    moved.refresh_from_db()

    def sources(self, year: int) -> None:
        projects = [
            ("老旧小区加装电梯配套", "加装电梯的管线迁改和无障碍坡道"),
            ("社区养老服务站建设", "助餐点设备和适老化改造"),
        ]
        projects.append(("智慧安防小区试点", "门禁和监控设备"))
        for community, (name, purpose) in zip(self.communities[::13], projects, strict=False):
            sources.special_project_create(
                actor=self.system,
                community=community,
                name=name,
                purpose=purpose,
                amount_fen=self.rng.choice([200_000_00, 350_000_00, 500_000_00]),
                year=year,
                now=_at(date(year, 3, 15)),
            )
        donors = ["西安某某置业有限公司", "长安区慈善协会", "辖区爱心商户联合会", "居民李某某（同意具名）"]
        for community, donor in zip(self.communities[1::10], donors, strict=False):
            sources.donation_receive(
                actor=self.system,
                community=community,
                donor=donor,
                amount_fen=self.rng.choice([5_000_00, 20_000_00, 50_000_00]),
                received_on=date(year, 4, 20),
                purpose="社区基金会·邻里互助",
                now=_at(date(year, 4, 20)),
            )

    def month(self, year: int, month: int, *, spend_share: float, skip: float) -> None:
        for community in self.communities:
            if self.rng.random() < skip:
                continue  # not every community spends every month
            category = self.rng.choice(list(PURPOSES))
            annual = XINING[f"tier_{community.tier.lower()}_fen"]
            amount = int(annual * spend_share * self.rng.uniform(0.6, 1.6)) // 100 * 100
            asked = _at(date(year, month, self.rng.randint(2, 12)))
            try:
                request = disbursements.disbursement_request(
                    actor=self.requester(community),
                    community=community,
                    purpose=self.rng.choice(PURPOSES[category]),
                    category=category,
                    amount_fen=amount,
                    now=asked,
                )
            except ValidationError:  # a community that has spent its year simply stops asking
                continue
            decided = asked + timedelta(days=self.rng.randint(1, 5))
            if self.rng.random() < 0.08:
                disbursements.disbursement_reject(
                    actor=self.approver(community),
                    disbursement=request,
                    reason=self.rng.choice(
                        ["报价单不全，请补充三家比价", "不属于社区服务经费支出范围", "请先提交议事会决议"]
                    ),
                    now=decided,
                )
                continue
            disbursements.disbursement_approve(actor=self.approver(community), disbursement=request, now=decided)
            if request.needs_second:
                disbursements.disbursement_second_approve(
                    actor=self.official or self.system, disbursement=request, now=decided + timedelta(days=2)
                )
            self.vouchers += 1
            disbursements.disbursement_pay(
                actor=self.approver(community),
                disbursement=request,
                voucher_no=f"{year}-{community.street.code[-3:]}-{self.vouchers:05d}",
                now=decided + timedelta(days=self.rng.randint(3, 10)),
            )

    def waiting(self) -> None:
        """Requests waiting for their street now, and one above the threshold waiting for the district."""
        now = _at(self.today) - timedelta(days=1)
        by_street: dict[int, list[Community]] = {}
        for community in self.communities:
            by_street.setdefault(community.street_id, []).append(community)
        for communities in by_street.values():
            for community in communities[:2]:
                category = self.rng.choice(list(PURPOSES))
                disbursements.disbursement_request(
                    actor=self.requester(community),
                    community=community,
                    purpose=self.rng.choice(PURPOSES[category]),
                    category=category,
                    amount_fen=self.rng.randint(20, 150) * 100_00,
                    now=now,
                )
        left = {c.pk: balance(community_account(c, AccountKind.SERVICE)) for c in self.communities}
        big = max(self.communities, key=lambda c: left[c.pk])
        request = disbursements.disbursement_request(
            actor=self.requester(big),
            community=big,
            purpose="小区消防通道改造及标线施划",
            category=Category.SAFETY,
            amount_fen=80_000_00,
            now=now - timedelta(days=3),
        )
        disbursements.disbursement_approve(actor=self.approver(big), disbursement=request, now=now - timedelta(days=2))

    def bonus(self) -> None:
        """The year's pool and the staff stars' last approved quarter computed (waiting for approval)."""
        from staffing.selectors import star_assessments

        # the quarter that just ended: the one staffing's demo grades and approves
        year, quarter = self.today.year, (self.today.month - 1) // 3 + 1
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
        graded = star_assessments(actor=self.system, district_id=self.d.pk, year=year, quarter=quarter)
        pool = bonus.pool_set(
            actor=self.system,
            district=self.d,
            year=year,
            total_fen=POOL_FEN,
            points_1=8,
            points_2=11,
            points_3=14,
            points_4=17,
            points_5=20,
            cap_yuan=5_220,
            floor_yuan=1_000,
            # calibrated on the demo's staff stars (372 graded, most one star for lack of case data): at 46 points,
            # 344 qualify and the quarter's 1,022,500 yuan gives highest 5,220 (the cap), average ≈2,972 —
            # Chang'an's first payout was highest 5,220, average 2,957 (docs/decisions.md, Funding)
            qualifying_score=Decimal(46),
        )
        if any(g.approved for g in graded):
            bonus.quarter_compute(actor=self.system, pool=pool, quarter=quarter)

    def counts(self) -> dict[str, Any]:
        d = self.d
        return {
            "经费账户分录": LedgerEntry.objects.filter(district=d).count(),
            "支出申请": Disbursement.objects.filter(district=d).count(),
            "其中待街道审批": Disbursement.objects.filter(district=d, status=Status.REQUESTED).count(),
            "其中待区级二次审批": Disbursement.objects.filter(district=d, status=Status.SECOND).count(),
            "已计算的绩效奖励季度": BonusQuarter.objects.filter(district=d).count(),
        }
