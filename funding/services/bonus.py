"""Bonus pools 绩效奖励: set the year's pool and formula, compute a quarter from staffing's approved staff stars
(funding.bonus holds the formula), approve (district), then a Celery task builds the payroll XLSX."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from compounds.models import District
from funding import bonus
from funding.models import BonusAward, BonusPool, BonusQuarter, PoolStatus
from funding.money import check_fen
from funding.services.common import acting, actor_user, reach
from staffing.selectors import star_assessments

POOL_FIELDS = ("points_1", "points_2", "points_3", "points_4", "points_5", "cap_yuan", "floor_yuan", "qualifying_score")


@transaction.atomic
def pool_set(*, actor: Any, district: District | int, year: int, total_fen: Any, **formula: Any) -> BonusPool:
    acting(actor, "funding.manage_bonus")
    district_id = getattr(district, "pk", district)
    unknown = set(formula) - set(POOL_FIELDS)
    if unknown:
        raise TypeError(f"unknown pool fields {sorted(unknown)}")
    pool = BonusPool.objects.select_for_update().filter(district_id=district_id, year=year).first() or BonusPool(
        district_id=district_id, year=year, total_fen=1
    )
    if pool.pk and pool.quarters.filter(status=PoolStatus.APPROVED).exists() and check_fen(total_fen) != pool.total_fen:
        raise ValidationError({"total_fen": gettext("已有季度审定发放，不能再修改年度资金池。")})
    pool.total_fen = check_fen(total_fen, field="total_fen")
    if pool.total_fen % 100:
        raise ValidationError({"total_fen": gettext("资金池应为整元。")})
    for name, value in formula.items():
        setattr(pool, name, value)
    pool.full_clean()
    pool.save()
    return pool


@transaction.atomic
def quarter_compute(*, actor: Any, pool: BonusPool | int, quarter: int, now: datetime | None = None) -> BonusQuarter:
    """Allocate the quarter's share of the pool over the quarter's approved staff stars (again on each run,
    until the quarter is approved)."""
    pool = reach(actor, BonusPool, pool, action="view", lock=True)
    acting(actor, "funding.manage_bonus", pool)
    if not 1 <= int(quarter) <= 4:
        raise ValidationError({"quarter": gettext("季度应为 1 至 4。")})
    row, _ = BonusQuarter.objects.select_for_update().get_or_create(
        pool=pool, quarter=quarter, defaults={"district_id": pool.district_id, "year": pool.year}
    )
    if row.status == PoolStatus.APPROVED:
        raise ValidationError(gettext("该季度已审定，不能重新计算。"))
    grades = [
        g
        for g in star_assessments(actor=actor, district_id=pool.district_id, year=pool.year, quarter=quarter)
        if g.approved and g.score >= Decimal(pool.qualifying_score)
    ]
    if not grades:
        raise ValidationError(
            gettext("%(year)s年第%(quarter)s季度没有已审定且达到合格线的星级评定，无法计算。")
            % {"year": pool.year, "quarter": quarter}
        )
    points = pool.points()
    pool_yuan = pool.quarter_fen(quarter) // 100
    shares = bonus.allocate(
        pool_yuan=pool_yuan,
        points=[(g.person_id, points[g.stars]) for g in grades],
        cap_yuan=pool.cap_yuan,
        floor_yuan=pool.floor_yuan,
    )
    row.awards.all().delete()
    BonusAward.objects.bulk_create(
        BonusAward(
            district_id=pool.district_id,
            bonus_quarter=row,
            person_id=g.person_id,
            person_name=g.person_name,
            role=g.role,
            community_id=g.community_id,
            street_id=g.street_id,
            stars=g.stars,
            score=g.score,
            points=share.points,
            amount_yuan=share.amount_yuan,
        )
        for g, share in zip(grades, shares, strict=True)
    )
    row.pool_yuan = pool_yuan
    row.status = PoolStatus.COMPUTED
    row.computed_at = now or timezone.now()
    row.save()
    return row


@transaction.atomic
def quarter_approve(*, actor: Any, bonus_quarter: BonusQuarter | int, now: datetime | None = None) -> BonusQuarter:
    """区级审定; the payroll XLSX is built by a Celery task once this commits."""
    row = reach(actor, BonusQuarter, bonus_quarter, action="view", lock=True)
    acting(actor, "funding.approve_bonus", row)
    if row.status != PoolStatus.COMPUTED:
        raise ValidationError(gettext("只有已计算、尚未审定的季度可以审定。"))
    row.status = PoolStatus.APPROVED
    row.approved_at, row.approved_by = now or timezone.now(), actor_user(actor)
    row.save()
    from funding.tasks import build_payroll_task
    from workorders.outbox import outbox_enqueue

    outbox_enqueue(task=build_payroll_task, args=[row.pk, row.district_id], district_id=row.district_id)
    return row


PAYROLL_HEADER = ["序号", "姓名", "身份", "街道", "社区", "星级", "综合得分", "分值", "奖励金额（元）"]


def payroll_rows(row: BonusQuarter) -> list[list[Any]]:
    awards = row.awards.select_related("community", "street").order_by("street__code", "community__code", "person_name")
    return [
        [
            i,
            a.person_name,
            a.role,
            a.street.name if a.street else "",
            a.community.name if a.community else "",
            a.stars,
            a.score,
            a.points,
            a.amount_yuan,
        ]
        for i, a in enumerate(awards, 1)
    ]


def payroll_build(*, actor: Any, bonus_quarter: BonusQuarter | int, now: datetime | None = None) -> BonusQuarter:
    """The payroll XLSX of an approved quarter (safe to run twice: rebuilt the same)."""
    from openpyxl import Workbook

    from accounts.exports import cell

    with transaction.atomic():
        row = reach(actor, BonusQuarter, bonus_quarter, action="view", lock=True)
        acting(actor, "funding.approve_bonus", row)
        if row.status != PoolStatus.APPROVED:
            raise ValidationError(gettext("季度尚未审定，不能生成发放表。"))
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = f"{row.year}年第{row.quarter}季度"
        sheet.append([f"{row.year}年第{row.quarter}季度社区工作人员绩效奖励发放表"])
        sheet.append(PAYROLL_HEADER)
        rows = payroll_rows(row)
        for values in rows:
            sheet.append([cell(v) for v in values])
        sheet.append(["合计", "", "", "", "", "", "", "", sum(r[-1] for r in rows)])
        out = io.BytesIO()
        workbook.save(out)
        if row.payroll:
            row.payroll.delete(save=False)
        row.payroll.save(f"payroll-{row.year}-q{row.quarter}.xlsx", ContentFile(out.getvalue()), save=False)
        row.payroll_built_at = now or timezone.now()
        row.save(update_fields=["payroll", "payroll_built_at"])
    return row
