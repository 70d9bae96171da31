"""The staff-star rule (星级评定规则): five dimensions, each scored 0–100, weighted into a score, and the
score into one to five stars. Pure functions: the assessment page prints `RULE_LINES` beside the table,
and the tests count a worked example by hand.

Dimensions (the Wenjiang report's five), 20 % each:
- 业务能力 proficiency and 服务态度 attitude: entered by the assessor, 0–100.
- 受理案件 cases accepted: min(accepted, 30) / 30 × 100 — 30 cases a quarter earn the full score.
- 办结案件 cases completed: completed / accepted × 100, at most 100.
- 群众满意度 resident satisfaction: orders rated 很满意 or 满意 / orders rated × 100.

A dimension without data (no login account, so no work orders to count; no case accepted, so no completion
rate; no rated order, so no satisfaction) is left out and its weight is shared among the others in
proportion, the same rule as the property-firm ratings. Zero cases accepted is data (a score of 0).
Score = Σ weight × dimension score / Σ weight of the dimensions with data, rounded half-up to 0.01.
Stars: 90 and above ★★★★★, 80 ★★★★, 70 ★★★, 60 ★★, below 60 ★.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from staffing.wording import interpolate

ACCEPTED_TARGET = 30
WEIGHTS = {"proficiency": 20, "attitude": 20, "accepted": 20, "completed": 20, "satisfaction": 20}
LABELS = {
    "proficiency": _("业务能力"),
    "attitude": _("服务态度"),
    "accepted": _("受理案件"),
    "completed": _("办结案件"),
    "satisfaction": _("群众满意度"),
}
STAR_THRESHOLDS = ((Decimal(90), 5), (Decimal(80), 4), (Decimal(70), 3), (Decimal(60), 2))
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

RULE_LINES = [
    _("五个维度各占 20%：业务能力、服务态度由评定人打分（0–100）；受理案件、办结案件、群众满意度取自工单数据。"),
    interpolate(_("受理案件得分 = 本季度受理数 ÷ %(n)s × 100（受理 %(n)s 件及以上得满分）。"), {"n": ACCEPTED_TARGET}),
    _(
        "办结案件得分 = 办结数 ÷ 受理数 × 100（最高 100）；"
        "群众满意度得分 = 评价为很满意或满意的件数 ÷ 已评价件数 × 100。"
    ),
    _("某一维度没有数据（无登录账号、无受理案件或无评价）时不计入，其权重按比例分给其余维度；受理 0 件按 0 分计。"),
    _("综合得分 = 各维度得分按权重加权平均，四舍五入到 0.01。"),
    _("星级：90 分及以上五星，80 分及以上四星，70 分及以上三星，60 分及以上二星，60 分以下一星。"),
]


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    weight: int
    score: Decimal | None  # None: no data, left out

    @property
    def counted(self) -> bool:
        return self.score is not None


@dataclass(frozen=True)
class Grade:
    score: Decimal | None  # None until proficiency and attitude are entered
    stars: int | None
    dimensions: tuple[Dimension, ...]


def _ratio(numerator: int, denominator: int) -> Decimal:
    return min(HUNDRED, Decimal(numerator) * HUNDRED / Decimal(denominator))


def dimension_scores(
    *,
    proficiency: Decimal | None,
    attitude: Decimal | None,
    accepted: int | None,
    completed: int | None,
    rated: int | None,
    satisfied: int | None,
) -> dict[str, Decimal | None]:
    return {
        "proficiency": proficiency,
        "attitude": attitude,
        "accepted": None if accepted is None else _ratio(min(accepted, ACCEPTED_TARGET), ACCEPTED_TARGET),
        "completed": _ratio(completed or 0, accepted) if accepted else None,
        "satisfaction": _ratio(satisfied or 0, rated) if rated else None,
    }


def stars_for(score: Decimal) -> int:
    for threshold, stars in STAR_THRESHOLDS:
        if score >= threshold:
            return stars
    return 1


def grade(
    *,
    proficiency: Decimal | None,
    attitude: Decimal | None,
    accepted: int | None,
    completed: int | None,
    rated: int | None,
    satisfied: int | None,
) -> Grade:
    scores = dimension_scores(
        proficiency=proficiency,
        attitude=attitude,
        accepted=accepted,
        completed=completed,
        rated=rated,
        satisfied=satisfied,
    )
    dimensions = tuple(Dimension(key, LABELS[key], WEIGHTS[key], scores[key]) for key in WEIGHTS)
    if proficiency is None or attitude is None:
        return Grade(score=None, stars=None, dimensions=dimensions)
    counted = [d for d in dimensions if d.counted]
    total_weight = sum(d.weight for d in counted)
    weighted = sum((Decimal(d.weight) * d.score for d in counted), Decimal(0))
    score = (weighted / Decimal(total_weight)).quantize(CENT, rounding=ROUND_HALF_UP)
    return Grade(score=score, stars=stars_for(score), dimensions=dimensions)
