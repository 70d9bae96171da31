"""The PDF reports: Chinese text extracted with pdftotext (headings and firm names), pages rendered to PNG
under var/ratings-pdf/ for a person to look at, the build time of a 400-compound, 129-firm district printed,
and downloads through the tenant policy."""

import datetime
import random
import subprocess
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.actors import SystemActor
from compounds.models import Compound, PropertyFirm
from ratings import services
from ratings.models import (
    SATISFACTION_POINTS,
    ListKind,
    PanelParty,
    PanelScore,
    Report,
    ReportKind,
    SatisfactionLevel,
    SurveyResponse,
    WorkOrderRecord,
)
from ratings.reports import monthly
from reports.models import Report as RoomReport
from tests import factories
from tests.ratings import helpers as h

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

pytestmark = pytest.mark.django_db
OUT = Path(settings.BASE_DIR) / "var" / "ratings-pdf"


def pdf_text(pdf: bytes, name: str) -> str:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.pdf"
    path.write_bytes(pdf)
    for old in OUT.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(OUT / name)], check=True)
    result = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True)
    return result.stdout.decode("utf-8")


def squeezed(text: str) -> str:
    """The text without spaces and line breaks (a name may wrap inside a table cell)."""
    return "".join(text.split())


def big_district(tree, firms=129, compounds=400, seed=7):
    """129 firms over 400 compounds, ~30 answers a compound, panel scores and work-order records."""
    rng = random.Random(seed)
    h.rules(tree, min_answers=20)
    period = h.period(tree, year=2026, quarter=1, status="scoring")
    names = ["安居", "锦华", "万家", "恒通", "金色", "阳光", "和谐", "宏远", "长青", "瑞丰", "嘉禾", "华新"]
    firm_rows = PropertyFirm.objects.bulk_create(
        PropertyFirm(
            district=tree.district,
            name=f"{names[i % len(names)]}{i + 1:03d}号物业服务有限公司",
            credit_code=factories.credit_code(10_000 + i),
        )
        for i in range(firms)
    )
    compound_rows = Compound.objects.bulk_create(
        Compound(
            district=tree.district,
            community=tree.communities[i % len(tree.communities)],
            code=f"{tree.communities[i % len(tree.communities)].code}{100 + i // len(tree.communities):03d}",
            name=f"第{i + 1}号小区",
            households=rng.randint(80, 900),
            property_firm=firm_rows[i % firms] if i % 50 else None,
            management_mode="commercial" if i % 50 else "community_hosted",
            has_owners_committee=bool(i % 50),
            has_maintenance_fund=bool(i % 50),
        )
        for i in range(compounds)
    )
    quality = {f.pk: rng.random() for f in firm_rows}
    levels = list(SatisfactionLevel)
    answers = []
    for compound in compound_rows:
        if compound.property_firm_id is None:
            continue
        q = quality[compound.property_firm_id]
        # a few firms get too few answers (样本不足)
        count = 3 if q < 0.04 else rng.randint(15, 40)
        for n in range(count):
            level = levels[min(4, max(0, round(rng.gauss((1 - q) * 2.6, 0.8))))]
            answers.append(
                SurveyResponse(
                    district=tree.district,
                    period=period,
                    compound=compound,
                    firm_id=compound.property_firm_id,
                    household_key=f"{n // 20 + 1}号楼-{101 + n}",
                    level=level,
                    points=SATISFACTION_POINTS[level],
                )
            )
    SurveyResponse.objects.bulk_create(answers, batch_size=2000)
    PanelScore.objects.bulk_create(
        PanelScore(
            district=tree.district,
            period=period,
            firm=firm,
            party=party,
            score=Decimal(min(100, max(0, round(45 + 55 * quality[firm.pk] + rng.uniform(-8, 8), 1)))),
        )
        for firm in firm_rows
        for party in PanelParty.values
    )
    WorkOrderRecord.objects.bulk_create(
        WorkOrderRecord(
            district=tree.district,
            period=period,
            firm=firm,
            orders=rng.randint(5, 300),
            complaints_per_100_households=Decimal(round(rng.uniform(0, 6) * (1.2 - quality[firm.pk]), 2)),
            on_time_rate=Decimal(round(60 + 40 * quality[firm.pk], 2)),
            satisfaction_rate=Decimal(round(55 + 45 * quality[firm.pk], 2)),
        )
        for firm in firm_rows
    )
    return period, firm_rows


def test_quarterly_report_for_a_full_district(tree, capsys):
    # given: a district of 400 compounds and 129 firms, one with a serious incident
    period, firms = big_district(tree)
    services.incident_record(
        actor=tree.official,
        period=period,
        firm=firms[5],
        date=datetime.date(2026, 2, 14),
        description="消防通道堵塞致严重后果",
    )

    # when: the quarter is built (scores, lists, PDF)
    began = time.perf_counter()
    report = services.quarter_build(actor=tree.official, period=period)
    elapsed = time.perf_counter() - began
    with capsys.disabled():
        print(f"\n[ratings] quarterly build, 400 compounds / 129 firms: {elapsed:.2f} s (PDF {report.build_seconds} s)")

    # then: the PDF reads in Chinese, with the headings, the lists and the firms on them
    text = pdf_text(report.file.read(), "quarterly")
    for heading in ("物业企业季度考评", "红榜", "灰榜", "黑榜", "样本不足", "总体情况", "分街道情况", "综合得分分布"):
        assert heading in text, heading
    scores = period.scores.select_related("firm")
    red = scores.filter(list_kind=ListKind.RED)
    black = scores.filter(list_kind=ListKind.BLACK)
    assert red.exists() and black.exists()
    for score in [red.first(), black.first(), scores.get(firm=firms[5])]:
        assert score.firm.name in squeezed(text), score.firm.name
    assert scores.get(firm=firms[5]).list_kind == ListKind.BLACK
    assert tree.streets[0].name in squeezed(text)
    assert "长安区2026年第1季度物业企业红灰黑榜" in squeezed(text)
    # ranks read "rank / ranked", and the tie and sample-size rules are stated beside the lists
    ranked = scores.filter(rank__isnull=False).count()
    assert 0 < ranked < scores.count()
    assert f"1/{ranked}" in squeezed(text) and f"{ranked}/{ranked}" in squeezed(text)
    assert "同分时依次比较" in squeezed(text) and "有效问卷少于20份的企业不参与排名" in squeezed(text)


def test_monthly_street_ranking_report_renders_in_chinese(tree):
    # given: figures for the two streets (as workorders.selectors.street_ranking gives them, as percentages)
    rows = [
        {"rank": 1, "street": tree.streets[1], "orders": 120, "response_rate": Decimal("98.3"),
         "resolution_rate": Decimal("95.0"), "satisfaction_rate": Decimal("92.5"), "composite": Decimal("95.27")},
        {"rank": 2, "street": tree.streets[0], "orders": 88, "response_rate": Decimal("90.9"),
         "resolution_rate": Decimal("85.2"), "satisfaction_rate": None, "composite": Decimal("58.70")},
    ]  # fmt: skip

    # when
    pdf = monthly.render(district=tree.district, month=datetime.date(2026, 10, 1), rows=rows)

    # then
    text = pdf_text(pdf, "monthly")
    for heading in ("街道工单", "月度排名", "街道排名", "响应率", "解决率", "满意率", "综合指数", "2026年10月"):
        assert heading in text, heading
    assert tree.streets[0].name in text and tree.streets[1].name in text


def test_monthly_report_built_from_the_work_order_app_and_stored(tree):
    actor = SystemActor(name="tests", district_id=tree.district.pk)
    report = monthly.build(actor=actor, district=tree.district, month=datetime.date(2026, 10, 15))
    again = monthly.build(actor=actor, district=tree.district, month=datetime.date(2026, 10, 1))
    assert report.pk == again.pk and Report.objects.filter(kind=ReportKind.MONTHLY_STREETS).count() == 1
    text = pdf_text(again.file.read(), "monthly-empty")
    assert "街道排名" in text and tree.streets[0].name in text


def test_an_old_report_link_answers_with_the_report_rooms_latest_version(
    client, tree, django_capture_on_commit_callbacks
):
    # given: a quarter's PDF built in the old ratings storage, whose link people kept
    period = h.period(tree, status="scoring")
    old = services.quarter_build(actor=SYSTEM, period=period)
    old_link = reverse("ratings:report-download", args=[old.pk])
    client.force_login(tree.official)
    assert client.get(old_link).status_code == 200  # not rebuilt in the room yet: served as it was
    # when: the quarter is rebuilt from the period page, in the report room
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ratings:period-detail", args=[period.pk]), {"action": "build"})
    room_report = RoomReport.objects.get(district=tree.district, key=f"{period.year}-Q{period.quarter}")
    # then: the old link goes to the room's stable link, which downloads the room's latest version
    response = client.get(old_link)
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:latest-download", args=[room_report.pk])
    pdf = client.get(response["Location"])
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert "_v1.pdf" in pdf["Content-Disposition"]
    # and the period page lists the room's version only, not the old file beside it
    page = client.get(reverse("ratings:period-detail", args=[period.pk])).content.decode()
    assert reverse("reports:latest-download", args=[room_report.pk]) in page and old_link not in page


def test_download_page_lists_reports_and_downloads_through_the_policy(client, tree, other_tree):
    # given: a built report in each district
    mine = services.quarter_build(actor=SYSTEM, period=h.period(tree, status="scoring"))
    theirs = services.quarter_build(actor=SYSTEM, period=h.period(other_tree, status="scoring"))
    client.force_login(tree.official)

    # when
    page = client.get(reverse("ratings:report-list")).content.decode()
    download = client.get(reverse("ratings:report-download", args=[mine.pk]))

    # then
    assert mine.title in page and "2026年第1季度" in page and theirs.title not in page
    assert mine.built_at.astimezone(datetime.timezone(datetime.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M") in page
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    # and the page sends the official on to the report room, where reports are built now
    assert f'href="{reverse("reports:room")}" data-report-room' in page
    assert client.get(reverse("ratings:report-download", args=[theirs.pk])).status_code == 404


def test_monthly_ranking_built_from_real_work_orders(tree):
    """Orders filed, accepted, resolved and rated through workorders.services, then the month's PDF."""
    from workorders import services as wo
    from workorders.models import Channel
    from workorders.worktime import BEIJING

    # given: in March 2026, street 2 handles all 4 of its orders and residents are pleased; street 1 answers
    # only 2 of its 3 orders and one resident is unhappy
    categories = {c.code: c for c in wo.categories_seed(actor=SYSTEM, district=tree.district)}
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=BEIJING)

    def order(compound, n, *, handle=True, rating="very_satisfied"):
        filed = start + datetime.timedelta(days=n)
        o = wo.work_order_file(
            actor=SYSTEM,
            compound=compound,
            category=categories["corridor-clutter"],
            channel=Channel.RESIDENT_QR,
            title=f"{n}号楼楼道堆物",
            description="楼道里堆满纸箱和旧家具，影响通行和消防安全",
            now=filed,
        )
        o = wo.work_order_route(actor=SYSTEM, order_id=o.pk, now=filed)
        if handle:
            o = wo.work_order_accept(actor=SYSTEM, order=o, now=filed + datetime.timedelta(minutes=30))
            o = wo.work_order_resolve(
                actor=SYSTEM, order=o, resolution="已清理", now=filed + datetime.timedelta(hours=5)
            )
            o = wo.work_order_rate(
                actor=SYSTEM,
                order=o,
                satisfaction=rating,
                tracking_code=o.tracking_code,
                now=filed + datetime.timedelta(hours=6),
            )
        return o

    street1 = [c for c in tree.compounds if c.community.street_id == tree.streets[0].pk]
    street2 = [c for c in tree.compounds if c.community.street_id == tree.streets[1].pk]
    for n in range(4):
        order(street2[n % len(street2)], n)
    order(street1[0], 1)
    order(street1[1], 2, rating="too_slow")
    order(street1[0], 3, handle=False)

    # when: the month's report is built
    report = monthly.build(actor=tree.official, district=tree.district, month=datetime.date(2026, 3, 1))

    # then: it reads in Chinese, street 2 first, with its order count
    text = pdf_text(report.file.read(), "monthly-orders")
    flat = squeezed(text)
    assert "2026年3月" in flat and "街道排名" in flat and "综合指数" in flat
    # street 2: 4 orders, all answered, resolved and rated 很满意; street 1: 3 orders, 2 answered, the 时间长
    # rating re-opened one (重办), so 1 of 3 resolved and 1 of 2 ratings satisfied
    assert f"1{tree.streets[1].name}4100.0%100.0%100.0%100.00" in flat
    assert f"2{tree.streets[0].name}366.7%33.3%50.0%50.00" in flat
