"""The bonus-pool formula (绩效奖励分配办法): pure functions, printed on the page (`rule_lines`) and counted by
hand in the tests.

1. Everyone with an approved staff-star grade for the quarter and a score at or above the pool's qualifying
   line takes part; below it (考核不合格) earns nothing.
2. Each takes the points of their star grade (by default ★ 8, ★★ 11, ★★★ 14, ★★★★ 17, ★★★★★ 20).
3. The quarter's pool is shared in proportion to points. Whoever would get more than the cap gets the cap,
   whoever would get less than the floor gets the floor, and the rest of the pool is shared again among the
   others in proportion to points, until nobody is outside [floor, cap].
4. Amounts are whole yuan: everyone gets the integer part of their exact share, and the yuan left over go one
   each to the largest fractional remainders (ties: more points first, then the list order) — largest-remainder
   rounding. Nobody is pushed over the cap, and the total never exceeds the pool. When the caps bind for
   everyone, part of the pool stays unspent.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext, pgettext


@dataclass(frozen=True)
class Share:
    key: int  # the person's id
    points: int
    amount_yuan: int


def rule_lines(*, points: dict[int, int], cap_yuan: int, floor_yuan: int, qualifying_score: object) -> list[str]:
    """The formula in words, in the page's language."""
    marks = pgettext("list separator", "，").join(
        ngettext("%(stars)s %(n)s 分", "%(stars)s %(n)s 分", points[stars]) % {"stars": "★" * stars, "n": points[stars]}
        for stars in sorted(points)
    )
    return [
        gettext("参与分配：本季度星级评定已审定、综合得分不低于 %(score)s 分的社区工作人员；低于合格线者不发放。")
        % {"score": qualifying_score},
        gettext("按星级计分：%(marks)s。") % {"marks": marks},
        gettext("季度资金按分值比例分配：个人金额 = 季度资金 × 本人分值 ÷ 全体分值之和。"),
        gettext(
            "个人最高 %(cap)s 元、最低 %(floor)s 元：超出上限的按上限、低于保底的按保底，"
            "其余资金在其他人之间按分值比例再次分配，直至无人越界。"
        )
        % {"cap": f"{cap_yuan:,}", "floor": f"{floor_yuan:,}"},
        gettext(
            "金额取整到元：先取各人应得金额的整数部分，剩余的元按小数部分从大到小逐人加 1 元（最大余额法），"
            "合计不超过季度资金；人人封顶时结余留在资金池。"
        ),
    ]


def allocate(*, pool_yuan: int, points: list[tuple[int, int]], cap_yuan: int, floor_yuan: int) -> list[Share]:
    """`points` is [(key, points)] in the order ties are broken. Returns a Share for each, same order."""
    if not points:
        return []
    if floor_yuan > cap_yuan:
        raise ValidationError(gettext("个人保底不能高于个人上限。"))
    if floor_yuan * len(points) > pool_yuan:
        raise ValidationError(
            gettext("季度资金 %(pool)s 元不足以保证 %(n)s 人每人 %(floor)s 元的保底，请调低保底或增加资金。")
            % {"pool": f"{pool_yuan:,}", "n": len(points), "floor": f"{floor_yuan:,}"}
        )
    if any(p <= 0 for _, p in points):
        raise ValidationError(gettext("每个星级的分值必须大于 0。"))
    exact = _water_fill(Fraction(pool_yuan), [Fraction(p) for _, p in points], Fraction(cap_yuan), Fraction(floor_yuan))
    whole = [int(x) for x in exact]  # floor: every share is non-negative
    budget = min(pool_yuan, int(sum(exact)))  # sum(exact) is the pool, or less when every cap binds
    left = budget - sum(whole)
    order = sorted(range(len(points)), key=lambda i: (-(exact[i] - whole[i]), -points[i][1], i))
    for i in order:
        if left <= 0:
            break
        if exact[i] != whole[i] and whole[i] < cap_yuan:
            whole[i] += 1
            left -= 1
    return [Share(key=key, points=p, amount_yuan=whole[i]) for i, (key, p) in enumerate(points)]


def _water_fill(pool: Fraction, weights: list[Fraction], cap: Fraction, floor: Fraction) -> list[Fraction]:
    """Exact shares in proportion to weights, clipped to [floor, cap], the clipped amounts redistributed."""
    fixed: dict[int, Fraction] = {}
    while True:
        free = [i for i in range(len(weights)) if i not in fixed]
        if not free:
            return [fixed[i] for i in range(len(weights))]
        remaining = pool - sum(fixed.values())
        total = sum(weights[i] for i in free)
        shares = {i: remaining * weights[i] / total for i in free}
        over = [i for i in free if shares[i] > cap]
        under = [i for i in free if shares[i] < floor]
        if not over and not under:
            return [fixed.get(i, shares.get(i)) for i in range(len(weights))]
        # Fix the side that is further out first (the classic water-filling step), one side per round.
        excess = sum(shares[i] - cap for i in over)
        shortfall = sum(floor - shares[i] for i in under)
        for i in over if excess >= shortfall else under:
            fixed[i] = cap if excess >= shortfall else floor
