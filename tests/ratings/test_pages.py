"""The ratings pages: what a district official sees, the actions, and tenancy on every URL (another
district's object is a 404, lists never show another district's names)."""

import datetime

import pytest
from django.urls import reverse

from accounts.actors import SystemActor
from ratings import services
from ratings.models import Decision, FirmScore, PeriodStatus, Report, ServiceContract
from reports.models import BuildStatus, ReportBuild
from tests import samples
from tests.ratings import helpers as h

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

pytestmark = pytest.mark.django_db
MARKER = "乙区"


def built_quarter(t, min_answers=1):
    """A computed period with a report, a contract and an introduction with a document, in tree `t`."""
    period = h.period(t, status="scoring")
    h.rules(t, min_answers=min_answers)
    h.answers(period, t.compounds[0], [h.VS, h.S])
    h.panel(period, t.firm, [88])
    services.contract_create(
        actor=SYSTEM,
        firm=t.firm,
        compound=t.compounds[0],
        start=datetime.date(2024, 1, 1),
        fee_fen=150,
    )
    compound = h.three_no_compound(t)
    introduction = services.introduction_start(actor=SYSTEM, compound=compound, firm=t.firm, fee_fen=100)
    services.introduction_record_step(
        actor=SYSTEM,
        introduction=introduction,
        stage=1,
        date=datetime.date(2026, 1, 5),
        responsible="王主任",
        decision=Decision.APPROVED,
        documents=[samples.pdf("纪要.pdf")],
    )
    report = services.quarter_build(actor=SYSTEM, period=period)
    return {
        "period": period,
        "score": FirmScore.objects.get(period=period, firm=t.firm),
        "report": report,
        "contract": ServiceContract.objects.get(compound=t.compounds[0]),
        "introduction": introduction,
        "document": introduction.steps.get().documents.get(),
    }


def object_urls(objs, t):
    return {
        "firm": reverse("ratings:firm-detail", args=[t.firm.pk]),
        "introduction": reverse("ratings:introduction-detail", args=[objs["introduction"].pk]),
        "document": reverse("ratings:document-download", args=[objs["document"].pk]),
        "period": reverse("ratings:period-detail", args=[objs["period"].pk]),
        "inputs": reverse("ratings:period-inputs", args=[objs["period"].pk]),
        "score": reverse("ratings:score-detail", args=[objs["score"].pk]),
        "report": reverse("ratings:report-download", args=[objs["report"].pk]),
        "api-period": f"/api/v1/ratings/periods/{objs['period'].pk}/",
        "api-period-lists": f"/api/v1/ratings/periods/{objs['period'].pk}/lists/",
        "api-score": f"/api/v1/ratings/scores/{objs['score'].pk}/",
        "api-breakdown": f"/api/v1/ratings/scores/{objs['score'].pk}/breakdown/",
        "api-contract": f"/api/v1/ratings/contracts/{objs['contract'].pk}/",
        "api-introduction": f"/api/v1/ratings/introductions/{objs['introduction'].pk}/",
        "api-report": f"/api/v1/ratings/reports/{objs['report'].pk}/",
    }


LISTS = [
    "ratings:index",
    "ratings:firm-list",
    "ratings:contract-list",
    "ratings:introduction-list",
    "ratings:period-list",
    "ratings:report-list",
]
API_LISTS = [
    "contracts", "introductions", "periods", "settings", "panel-scores", "work-order-records", "incidents",
    "survey-answers", "scores", "reports",
]  # fmt: skip


def test_every_object_url_is_404_for_another_districts_object(client, tree, other_tree):
    # given: district B has a built quarter with everything in it
    foreign = object_urls(built_quarter(other_tree), other_tree)
    client.force_login(tree.official)
    for name, url in foreign.items():
        assert client.get(url).status_code == 404, f"GET {name} {url}"
        # POST: a 404, or a 405 where the URL takes no POST at all (read-only API detail)
        assert client.post(url).status_code in (404, 405), f"POST {name} {url}"
    post_actions = [
        f"/api/v1/ratings/periods/{foreign['period'].split('/')[-2]}/{action}/"
        for action in ("build", "publish", "start-scoring")
    ]
    for url in post_actions:
        assert client.post(url).status_code == 404, url
    assert Report.objects.filter(district=other_tree.district).count() == 1


def test_lists_never_show_another_district(client, tree, other_tree):
    built_quarter(tree)
    built_quarter(other_tree)
    for user in tree.users:
        client.force_login(user)
        for name in LISTS:
            response = client.get(reverse(name))
            assert response.status_code == 200, (name, user.role)
            assert MARKER not in response.content.decode(), (name, user.role)
        for name in API_LISTS:
            response = client.get(f"/api/v1/ratings/{name}/")
            assert response.status_code == 200, (name, user.role)
            assert MARKER not in response.content.decode(), (name, user.role)


def test_official_sees_own_objects(client, tree, other_tree):
    built_quarter(other_tree)
    objs = built_quarter(tree)
    client.force_login(tree.official)
    for name, url in object_urls(objs, tree).items():
        response = client.get(url)
        assert response.status_code == 200, (name, url)


def test_period_page_shows_lists_and_breakdown_explains(client, tree):
    objs = built_quarter(tree)
    client.force_login(tree.official)
    page = client.get(reverse("ratings:period-detail", args=[objs["period"].pk])).content.decode()
    assert "红榜" in page and "黑榜" in page and tree.firm.name in page
    breakdown = client.get(reverse("ratings:score-detail", args=[objs["score"].pk])).content.decode()
    # satisfaction (100+80)/2 = 90, panel 88, no work-order record: (90×50 + 88×30) / 80 = 89.25
    for text in (
        "业主满意度",
        "评审团评分",
        "工单记录",
        "90.00",
        "88.00",
        "62.50%",
        "37.50%",
        "56.25",
        "33.00",
        "89.25",
    ):
        assert text in breakdown, text


def test_firm_staff_see_only_their_own_firms_scores(client, tree):
    objs = built_quarter(tree)
    rival = h.firm(tree, "竞争对手物业")
    h.answers(objs["period"], h.compound_for(tree, rival), [h.S])
    services.period_compute(actor=SYSTEM, period=objs["period"])
    client.force_login(tree.firm_staff)
    page = client.get(reverse("ratings:firm-list")).content.decode()
    assert tree.firm.name in page and "竞争对手物业" not in page
    rival_score = FirmScore.objects.get(firm=rival)
    assert client.get(reverse("ratings:score-detail", args=[rival_score.pk])).status_code == 404
    # reports are for district officials
    assert client.get(reverse("ratings:report-download", args=[objs["report"].pk])).status_code == 404


def test_official_opens_scores_and_publishes_through_the_pages(client, tree, django_capture_on_commit_callbacks):
    client.force_login(tree.official)
    response = client.post(reverse("ratings:period-list"), {"year": 2026, "quarter": 2})
    period = tree.district.ratingperiod_set.get()
    assert response.status_code == 302 and period.status == PeriodStatus.OPEN
    h.answers(period, tree.compounds[0], [h.S])
    h.rules(tree, min_answers=1)
    url = reverse("ratings:period-detail", args=[period.pk])
    # publishing before computing is refused with a Chinese message, and nothing changes
    page = client.post(url, {"action": "publish"}, follow=True).content.decode()
    assert "只有已计算的季度才能发布" in page
    client.post(url, {"action": "start_scoring"})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, {"action": "build"})  # enqueued on commit; Celery is eager in tests
    assert len(callbacks) == 1
    # the report room built a version of the quarter's lists, and the official was sent to its progress page
    build = ReportBuild.objects.get()
    assert response.url == reverse("reports:build", args=[build.pk])
    assert build.status == BuildStatus.DONE and build.report.key == "2026-Q2" and build.requested_by == tree.official
    period.refresh_from_db()
    assert period.status == PeriodStatus.COMPUTED
    assert "下载 PDF（第 1 版）" in client.get(url).content.decode()
    client.post(url, {"action": "publish"})
    period.refresh_from_db()
    assert period.status == PeriodStatus.PUBLISHED
    page = client.post(url, {"action": "build"}, follow=True).content.decode()
    assert "已发布，数据已冻结" in page


def test_street_staff_cannot_publish(client, tree):
    period = h.period(tree, status="computed")
    client.force_login(tree.street_staff)
    response = client.post(reverse("ratings:period-detail", args=[period.pk]), {"action": "publish"})
    assert response.status_code == 403  # they see the quarter, so the answer is a refusal, not "not found"
    period.refresh_from_db()
    assert period.status == PeriodStatus.COMPUTED


def test_street_staff_record_panel_scores_on_the_inputs_page(client, tree):
    period = h.period(tree, status="scoring")
    client.force_login(tree.street_staff)
    url = reverse("ratings:period-inputs", args=[period.pk])
    client.post(url, {"firm": tree.firm.pk, "party": "street", "score": "87.5", "note": "整改及时"})
    bad = client.post(url, {"firm": tree.firm.pk, "party": "street", "score": "120"})
    assert bad.status_code == 200 and "100" in bad.content.decode()
    assert list(period.panel_scores.values_list("party", "score")) == [("street", 87.5)]


def test_six_steps_through_the_page_with_documents(client, tree):
    compound = h.three_no_compound(tree)
    client.force_login(tree.street_staff)
    response = client.post(
        reverse("ratings:introduction-list"),
        {
            "compound": compound.pk,
            "firm": tree.firm.pk,
            "fee_basis": "per_household",
            "fee_yuan": "1.20",
            "contract_years": 3,
        },
    )
    introduction = compound.firm_introductions.get()
    assert response.status_code == 302 and introduction.fee_fen == 120
    url = reverse("ratings:introduction-detail", args=[introduction.pk])
    skip = client.post(
        url, {"stage": 2, "date": "2026-03-01", "responsible": "李四", "decision": "approved"}, follow=True
    )
    assert "不能跳过或重复步骤" in skip.content.decode()
    upload = samples.pdf("征询表.pdf")
    client.post(
        url, {"stage": 1, "date": "2026-03-01", "responsible": "张三", "decision": "approved", "documents": [upload]}
    )
    page = client.get(url).content.decode()
    assert "征求居民意见" in page and "张三" in page and "征询表.pdf" in page and "企业申请" in page
    assert introduction.steps.count() == 1
