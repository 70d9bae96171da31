"""The quarter's scores and lists: a worked example by hand, thresholds, ties, sparse data, incidents,
idempotent rebuild and the publish freeze."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.actors import SystemActor
from ratings import selectors, services
from ratings.models import FirmScore, ListKind, PeriodStatus, Report
from ratings.report_kinds import QUARTERLY_LISTS
from ratings.tasks import build_due_quarters_task, build_quarter_task
from reports.models import BuildStatus, ReportBuild
from tests.ratings import helpers as h

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

pytestmark = pytest.mark.django_db


def test_worked_example_score_computed_by_hand(tree):
    # given: weights 50/30/20, a firm with 4 answers, 5 panel scores and a work-order record
    p = h.period(tree)
    h.rules(tree, min_answers=3)
    firm = h.firm(tree, "甲物业")
    compound = h.compound_for(tree, firm)
    h.answers(p, compound, [h.VS, h.VS, h.VS, h.S])  # (100+100+100+80)/4 = 95
    h.panel(p, firm, [90, 80, 85, 95, 100])  # mean 90
    h.record(p, firm, on_time=90, satisfaction=80, complaints="2.0")  # complaint score 100-2×10 = 80
    # work orders: 0.4×90 + 0.4×80 + 0.2×80 = 36 + 32 + 16 = 84
    # total: 0.5×95 + 0.3×90 + 0.2×84 = 47.5 + 27 + 16.8 = 91.3

    # when
    services.period_compute(actor=tree.official, period=p)

    # then
    score = FirmScore.objects.get(period=p, firm=firm)
    assert (score.satisfaction, score.panel, score.work_orders) == (Decimal("95"), Decimal("90"), Decimal("84"))
    assert score.total == Decimal("91.30")
    breakdown = selectors.score_breakdown(score)
    contributions = [line.contribution for line in breakdown["lines"]]
    assert contributions == [Decimal("47.50"), Decimal("27.00"), Decimal("16.80")]
    assert sum(contributions) == score.total


def test_missing_panel_shares_its_weight(tree):
    # given: no panel scores → satisfaction and work orders share 50:20
    p = h.period(tree)
    h.rules(tree, min_answers=1)
    firm = h.firm(tree, "乙物业")
    h.answers(p, h.compound_for(tree, firm), [h.S])  # 80
    h.record(p, firm, on_time=100, satisfaction=100, complaints=0)  # 100
    services.period_compute(actor=SYSTEM, period=p)
    # (80×50 + 100×20) / 70 = 6000/70 = 85.714… → 85.71
    assert FirmScore.objects.get(firm=firm).total == Decimal("85.71")


def _ten_firms(tree, p):
    """Ten firms whose totals are 95, 93, 88, 85, 80, 75, 70, 65, 62, 55 (satisfaction only: weights 100/0/0)."""
    h.rules(tree, weight_satisfaction=100, weight_panel=0, weight_work_orders=0, min_answers=2)
    firms = []
    for i, target in enumerate([95, 93, 88, 85, 80, 75, 70, 65, 62, 55]):
        firm = h.firm(tree, f"物业{i:02d}", n=100 + i)
        compound = h.compound_for(tree, firm)
        # two answers whose mean is the target: points are 100/80/60/30/0
        pairs = {95: (h.VS, h.VS), 93: (h.VS, h.VS), 88: (h.VS, h.S), 85: (h.VS, h.S), 80: (h.S, h.S)}
        pairs |= {75: (h.S, h.S), 70: (h.S, h.N), 65: (h.S, h.D), 62: (h.S, h.D), 55: (h.S, h.D)}
        h.answers(p, compound, list(pairs[target]))
        firms.append(firm)
    return firms


def test_thresholds_red_needs_top_percent_and_score_black_by_score_or_bottom(tree):
    # given: five firms with clear totals, red ≥ 90 and top 40%, black < 60 or bottom 20%
    p = h.period(tree)
    h.satisfaction_only_rules(tree)
    levels = {"一号": [h.VS], "二号": [h.S], "三号": [h.S], "四号": [h.N], "五号": [h.D]}  # 100, 80, 80, 60, 30
    firms = {}
    for i, (name, answers) in enumerate(levels.items()):
        firms[name] = h.firm(tree, name, n=200 + i)
        h.answers(p, h.compound_for(tree, firms[name]), answers)

    services.period_compute(actor=SYSTEM, period=p)

    kinds = {s.firm.name: s.list_kind for s in FirmScore.objects.filter(period=p).exclude(firm=tree.firm)}
    # top 40% of 5 = 2 places; only 一号 has ≥ 90 → one red; 五号 < 60 → black (and is the bottom 20%)
    assert kinds == {"一号": "red", "二号": "grey", "三号": "grey", "四号": "grey", "五号": "black"}
    # 二号 and 三号 tie on 80: same satisfaction, no complaints record → the smaller credit code first
    ranks = {s.firm.name: s.rank for s in FirmScore.objects.filter(period=p)}
    assert (ranks["二号"], ranks["三号"]) == (2, 3)


def test_bottom_percent_puts_a_firm_above_the_black_score_on_the_black_list(tree):
    p = h.period(tree)
    h.rules(tree, weight_satisfaction=100, weight_panel=0, weight_work_orders=0, min_answers=1, black_bottom_percent=50)
    good, fair = h.firm(tree, "好物业", n=301), h.firm(tree, "中物业", n=302)
    h.answers(p, h.compound_for(tree, good), [h.VS])
    h.answers(p, h.compound_for(tree, fair), [h.S])
    services.period_compute(actor=SYSTEM, period=p)
    fair_score = FirmScore.objects.get(firm=fair)
    assert fair_score.total == Decimal("80.00") and fair_score.list_kind == ListKind.BLACK
    assert "排名位于后 50%" in fair_score.reason


def test_ties_resolved_by_satisfaction_then_complaints_then_credit_code(tree):
    # given: three firms with the same total 84.00 (weights 50/0/50)
    p = h.period(tree)
    h.rules(tree, weight_satisfaction=50, weight_panel=0, weight_work_orders=50, min_answers=1, black_bottom_percent=0)
    a, b, c = h.firm(tree, "丙一", n=403), h.firm(tree, "丙二", n=402), h.firm(tree, "丙三", n=401)
    h.answers(p, h.compound_for(tree, a), [h.VS])  # satisfaction 100
    h.record(p, a, on_time=60, satisfaction=60, complaints=0)  # 24 + 24 + 20 = 68 → (100 + 68) / 2 = 84
    h.answers(p, h.compound_for(tree, b), [h.S])  # satisfaction 80
    h.record(p, b, on_time=90, satisfaction=90, complaints="2.0")  # 36 + 36 + 0.2×80 = 88 → 84
    h.answers(p, h.compound_for(tree, c), [h.S])  # satisfaction 80
    h.record(p, c, on_time=75, satisfaction=100, complaints="1.0")  # 30 + 40 + 0.2×90 = 88 → 84

    # when
    services.period_compute(actor=SYSTEM, period=p)

    # then: all three are 84.00; a first (higher satisfaction); c before b (fewer complaints per 100 households)
    scores = {s.firm.name: s for s in FirmScore.objects.filter(period=p, firm__in=[a, b, c])}
    assert {s.total for s in scores.values()} == {Decimal("84.00")}
    assert [scores[n].rank for n in ("丙一", "丙三", "丙二")] == [1, 2, 3]


def test_credit_code_breaks_a_full_tie(tree):
    p = h.period(tree)
    h.rules(tree, weight_satisfaction=100, weight_panel=0, weight_work_orders=0, min_answers=1, black_bottom_percent=0)
    late, early = h.firm(tree, "后码", n=502), h.firm(tree, "前码", n=501)
    for firm in (late, early):
        h.answers(p, h.compound_for(tree, firm), [h.S])
    services.period_compute(actor=SYSTEM, period=p)
    assert FirmScore.objects.get(firm=early).rank == 1
    assert FirmScore.objects.get(firm=late).rank == 2


def test_sparse_data_firm_marked_insufficient_and_not_ranked(tree):
    # given: minimum 3 answers; one firm has 2 excellent answers, another 3 ordinary ones
    p = h.period(tree)
    h.rules(tree, min_answers=3)
    few, enough = h.firm(tree, "少样本物业", n=601), h.firm(tree, "足样本物业", n=602)
    h.answers(p, h.compound_for(tree, few), [h.VS, h.VS])
    h.answers(p, h.compound_for(tree, enough), [h.S, h.S, h.S])
    quiet = h.firm(tree, "无问卷物业", n=603)
    h.compound_for(tree, quiet)

    services.period_compute(actor=SYSTEM, period=p)

    few_score = FirmScore.objects.get(firm=few)
    assert few_score.list_kind == ListKind.INSUFFICIENT and few_score.rank is None
    assert "有效问卷 2 份，少于最低要求 3 份" in few_score.reason
    assert FirmScore.objects.get(firm=quiet).list_kind == ListKind.INSUFFICIENT
    assert FirmScore.objects.get(firm=enough).rank == 1
    assert FirmScore.objects.filter(period=p, rank__isnull=False).count() == 1


def test_serious_incident_caps_a_top_firm_to_black(tree):
    p = h.period(tree)
    h.rules(tree, weight_satisfaction=100, weight_panel=0, weight_work_orders=0, min_answers=1, red_top_percent=100)
    star = h.firm(tree, "明星物业", n=701)
    h.answers(p, h.compound_for(tree, star), [h.VS])
    services.incident_record(
        actor=tree.official,
        period=p,
        firm=star,
        date=datetime.date(2026, 2, 3),
        description="电梯困人致伤，处置不力",
    )
    services.period_compute(actor=SYSTEM, period=p)
    score = FirmScore.objects.get(firm=star)
    assert score.total == Decimal("100.00")
    assert score.list_kind == ListKind.BLACK and score.capped_by_incident
    assert "重大事件" in score.reason


def test_the_beats_build_goes_to_the_report_room_and_rebuilding_keeps_the_scores_and_versions(
    tree, django_capture_on_commit_callbacks
):
    # given: ten firms in a quarter being scored
    p = h.period(tree, status="scoring")
    _ten_firms(tree, p)
    # when: beat's task builds it (the room's worker runs once the request commits)
    with django_capture_on_commit_callbacks(execute=True):
        build_id = build_quarter_task.delay(p.pk).get()
    first = [(s.firm_id, s.total, s.rank, s.list_kind) for s in FirmScore.objects.filter(period=p)]
    assert len(first) == 11  # the ten, and the tree's own firm (no answers: 样本不足)
    # then: the PDF is the report room's version 1, and nothing is written to the old ratings storage
    build = ReportBuild.objects.select_related("report").get(pk=build_id)
    assert (build.report.kind, build.report.key, build.version, build.status) == (
        QUARTERLY_LISTS,
        f"{p.year}-Q{p.quarter}",
        1,
        BuildStatus.DONE,
    )
    assert not Report.objects.filter(period=p).exists()

    # when: built again
    with django_capture_on_commit_callbacks(execute=True):
        again_id = build_quarter_task.delay(p.pk).get()

    # then: the same results, no duplicates, and a second version beside the first
    again = [(s.firm_id, s.total, s.rank, s.list_kind) for s in FirmScore.objects.filter(period=p)]
    assert again == first
    assert list(build.report.builds.order_by("version").values_list("pk", "version", "status")) == [
        (build_id, 1, BuildStatus.DONE),
        (again_id, 2, BuildStatus.DONE),
    ]
    p.refresh_from_db()
    assert p.status == PeriodStatus.COMPUTED


def test_publish_freezes_the_period(tree):
    # given: a computed period
    p = h.period(tree, status="scoring")
    firm = h.firm(tree, "冻结物业", n=801)
    h.answers(p, h.compound_for(tree, firm), [h.S])
    services.period_compute(actor=tree.official, period=p)
    services.period_publish(actor=tree.official, period=p)
    before = list(FirmScore.objects.filter(period=p).values_list("firm_id", "total", "list_kind"))

    # when / then: inputs and rebuilds are refused in Chinese, and nothing changes
    with pytest.raises(ValidationError, match="已发布，数据已冻结"):
        services.panel_score_record(actor=tree.official, period=p, firm=firm, party="street", score=10)
    with pytest.raises(ValidationError, match="已发布，数据已冻结"):
        services.period_compute(actor=tree.official, period=p)
    with pytest.raises(ValidationError, match="已发布，数据已冻结"):
        services.quarter_build_enqueue(actor=tree.official, period=p)
    assert build_quarter_task.delay(p.pk).get() is None
    assert list(FirmScore.objects.filter(period=p).values_list("firm_id", "total", "list_kind")) == before
    assert not p.panel_scores.exists()


def test_publish_needs_computed_results(tree):
    p = h.period(tree)
    with pytest.raises(ValidationError, match="只有已计算的季度才能发布"):
        services.period_publish(actor=tree.official, period=p)


def test_beat_builds_the_previous_quarter_unless_published(tree, other_tree, django_capture_on_commit_callbacks):
    from workorders.models import OutboxMessage

    q4 = h.period(tree, year=2025, quarter=4, status="scoring")
    published = h.period(other_tree, year=2025, quarter=4, status="published")
    h.period(tree, year=2026, quarter=1)
    with django_capture_on_commit_callbacks(execute=True):
        ids = build_due_quarters_task.delay("2026-01-01").get()
    assert ids == [q4.pk]
    # each build is asked for through the outbox, in its period's district (and done: eager in tests)
    message = OutboxMessage.objects.get(task=build_quarter_task.name)
    assert message.args == [q4.pk] and message.district_id == tree.district.pk and message.done_at is not None
    q4.refresh_from_db()
    assert q4.status == PeriodStatus.COMPUTED
    assert ReportBuild.objects.get().report.key == "2025-Q4"  # in the report room, the published one left alone
    assert not Report.objects.filter(period=published).exists()


def test_weights_must_sum_to_100(tree):
    with pytest.raises(ValidationError, match="合计应为 100"):
        h.rules(tree, weight_satisfaction=60, weight_panel=30, weight_work_orders=20)
    assert selectors.rating_settings(tree.district).weight_satisfaction == Decimal(50)


def test_work_order_snapshot_rows_entered_directly_are_used(tree):
    p = h.period(tree)
    h.rules(tree, weight_satisfaction=0, weight_panel=0, weight_work_orders=100, min_answers=1)
    firm = h.firm(tree, "工单物业", n=901)
    h.answers(p, h.compound_for(tree, firm), [h.S])
    h.record(p, firm, on_time=50, satisfaction=50, complaints=5)  # 20 + 20 + 0.2×50 = 50
    services.period_compute(actor=SYSTEM, period=p)
    assert FirmScore.objects.get(firm=firm).total == Decimal("50.00")
