"""The staffing pages as each role sees them: what they show, what they let one do, and bad input in
Chinese with nothing saved."""

import logging
from datetime import date

import pytest
from django.urls import reverse

from staffing.models import DutyShift, Household, SeatTerm, StarAssessment, Visit
from tests.factories import SYSTEM
from tests.staffing import walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def a(tree):
    """District A with one of every staffing row (the same makers as the tenancy walk)."""
    walk.staffing_objects(tree)
    return tree


def pages(t):
    objects = walk.staffing_objects(t)
    from staffing.models import DutyRoster, SinkDownTeam, StaffingImport

    return [
        reverse("staffing:home"),
        reverse("staffing:people"),
        reverse("staffing:person-new"),
        reverse("staffing:person", args=[objects[walk.Person].pk]),
        reverse("staffing:volunteers"),
        reverse("staffing:coverage"),
        reverse("staffing:coverage-xlsx"),
        reverse("staffing:team", args=[t.compounds[0].pk]),
        reverse("staffing:stationed", args=[t.compounds[0].pk]),
        reverse("staffing:department", args=[t.department.pk]),
        reverse("staffing:grids"),
        reverse("staffing:grid", args=[t.grids[0].pk]),
        reverse("staffing:my-grid"),
        reverse("staffing:visits-due"),
        reverse("staffing:household-new"),
        reverse("staffing:household", args=[objects[Household].pk]),
        reverse("staffing:visit", args=[objects[Household].pk]),
        reverse("staffing:sinkdown"),
        reverse("staffing:sinkdown-team", args=[objects[SinkDownTeam].pk]),
        reverse("staffing:duty"),
        reverse("staffing:roster", args=[objects[DutyRoster].pk]) + "?month=2026-03",
        reverse("staffing:roster-xlsx", args=[objects[DutyRoster].pk]) + "?month=2026-03",
        reverse("staffing:stars") + "?year=2026&quarter=1",
        reverse("staffing:import"),
        reverse("staffing:import-detail", args=[objects[StaffingImport].pk]),
    ]


def test_every_page_answers_every_role_without_an_error(client, a):
    for user in a.users:
        client.force_login(user)
        for url in pages(a):
            response = client.get(url)
            assert response.status_code in (200, 302, 403, 404), f"{url} as {user.role}: {response.status_code}"
    client.force_login(a.official)
    for url in pages(a):
        response = client.get(url)
        # accounts.text's rule: a NUL or control character is refused with the Chinese 400 page; the rest is cleaned
        expected = 400 if "%00" in url or "%01" in url else 200
        assert response.status_code == expected, url


def test_the_team_page_appoints_and_a_bad_appointment_is_a_chinese_error(client, tree, crew):
    a = tree
    client.force_login(a.street_staff)
    url = reverse("staffing:team", args=[a.compounds[1].pk])
    # a police officer as property manager: refused in Chinese, nothing saved
    response = client.post(
        url, {"form": "appoint", "seat": "property_manager", "person": crew.police.pk, "start": "2026-01-05"}
    )
    assert response.status_code == 400
    assert "物业经理须来自为本小区服务的" in response.content.decode()
    assert not SeatTerm.objects.filter(team__compound=a.compounds[1], seat="property_manager").exists()
    # the real manager
    response = client.post(
        url, {"form": "appoint", "seat": "property_manager", "person": crew.manager.pk, "start": "2026-01-05"}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "吴经理" in page and "已任命" in page


def test_the_grid_worker_logs_a_visit_that_files_a_work_order(client, a):
    from workorders import services as wo

    category = wo.categories_seed(actor=SYSTEM, district=a.district)[0]
    household = walk.household(a, address="7单元701")
    client.force_login(a.grid_worker)
    due = client.get(reverse("staffing:visits-due")).content.decode()
    assert "7单元701" in due and "登记走访" in due
    response = client.post(
        reverse("staffing:visit", args=[household.pk]),
        {
            "outcome": "needs_help",
            "findings": "楼道灯坏了，老人夜里看不清",
            "raise_order": "on",
            "category": category.pk,
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get(household=household)
    assert visit.work_order is not None and visit.visitor == a.grid_worker
    assert "已提交工单" in client.get(response["Location"]).content.decode()


def test_a_visit_without_a_category_for_its_order_keeps_what_was_typed(client, a):
    household = walk.household(a, address="8单元801")
    client.force_login(a.grid_worker)
    response = client.post(
        reverse("staffing:visit", args=[household.pk]),
        {"outcome": "needs_help", "findings": "水管漏水", "raise_order": "on"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "转为工单时请选择问题类别" in body and "水管漏水" in body
    assert not Visit.objects.filter(household=household).exists()


def test_the_raise_an_order_switch_is_shown_only_to_roles_that_may_file_it(client, a):
    """The visit files its order on the grid channel (格格发现): a grid worker and a cadre may, an official and street
    staff may not (workorders.file) — they are not offered a switch that would answer 403 after the visit was typed,
    and their visit is still logged."""
    household = walk.household(a, address="9单元901")
    url = reverse("staffing:visit", args=[household.pk])
    for user, shown in ((a.grid_worker, True), (a.cadre, True), (a.official, False), (a.street_staff, False)):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert ('name="raise_order"' in page) is shown, user.role
        assert ("问题类别" in page) is shown, user.role
    # the official's visit (a switch forged into the post is ignored): logged, no order, no 403
    client.force_login(a.official)
    response = client.post(url, {"outcome": "well", "findings": "一切正常", "raise_order": "on"})
    assert response.status_code == 302
    visit = Visit.objects.get(household=household)
    assert visit.visitor == a.official and visit.work_order is None


def test_the_phone_is_masked_until_revealed_and_the_reveal_is_logged(client, a, caplog):
    person = walk.person(a, phone="13812341234")
    client.force_login(a.cadre)
    url = reverse("staffing:person", args=[person.pk])
    page = client.get(url).content.decode()
    assert "138****1234" in page and "13812341234" not in page
    assert "13812341234" not in client.get(reverse("staffing:people")).content.decode()
    with caplog.at_level(logging.INFO, logger="capillary.personal_data"):
        revealed = client.post(url, {"action": "reveal"}).content.decode()
    assert "13812341234" in revealed
    assert [r.object_id for r in caplog.records if r.name == "capillary.personal_data"] == [person.pk]
    # a grid worker sees the person masked and has no reveal button; a forced POST is refused
    client.force_login(a.grid_worker)
    assert client.post(url, {"action": "reveal"}).status_code in (403, 404)


def test_the_roster_page_refuses_a_make_up_saturday_in_chinese(client, a):
    roster = walk.roster(a)
    officer = walk.street_person(a)
    client.force_login(a.street_staff)
    url = reverse("staffing:roster", args=[roster.pk]) + "?month=2026-02"
    response = client.post(url, {"form": "shift", "person": officer.pk, "day": "2026-02-14", "kind": "rest_day"})
    assert response.status_code == 400 and "2月14日是调休上班日" in response.content.decode()
    before = DutyShift.objects.count()
    response = client.post(
        url,
        {
            "form": "shift",
            "person": officer.pk,
            "day": "2026-02-21",
            "kind": "rest_day",
            "compensatory_day": "2026-02-25",
        },
    )
    assert response.status_code == 302 and DutyShift.objects.count() == before + 1
    calendar = client.get(url).content.decode()
    assert "调休上班" in calendar and "节假日·春节" in calendar and "2/25调休" in calendar


def test_the_stars_page_writes_the_rule_and_grades(client, a):
    client.force_login(a.official)
    url = reverse("staffing:stars") + "?year=2026&quarter=1"
    page = client.get(url).content.decode()
    assert "星级：90 分及以上五星" in page
    assessment = StarAssessment.objects.filter(district=a.district).first()
    response = client.post(url, {"form": "grade", "assessment": assessment.pk, "proficiency": "95", "attitude": "90"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.score is not None
    bad = client.post(url, {"form": "grade", "assessment": assessment.pk, "proficiency": "120", "attitude": "90"})
    assert bad.status_code == 400 and "评分应为 0 至 100" in bad.content.decode()


def test_the_import_page_lists_row_errors_and_saves_nothing(client, a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(a.official)
    csv = "网格编码,类别,姓名,手机号,开始日期\n999999999999999,社区,某人,13811112222,2026-01-05\n"
    response = client.post(reverse("staffing:import"), {"file": SimpleUploadedFile("网格.csv", csv.encode())})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "整份文件未保存" in page and "网格编码“999999999999999”在长安区不存在" in page
    wrong = client.post(reverse("staffing:import"), {"file": SimpleUploadedFile("人员.xls", b"\xd0\xcf")})
    assert wrong.status_code == 400 and "不支持旧版 .xls 文件" in wrong.content.decode()
    client.force_login(a.street_staff)
    assert client.get(reverse("staffing:import")).status_code == 403


def test_the_service_card_shows_names_and_duty_but_no_personal_phone(client, a):
    from staffing.selectors import compound_service_card

    card = compound_service_card(a.compounds[0].pk)
    assert card.stationed_cadre and card.receptions
    client.force_login(a.cadre)
    page = client.get(reverse("staffing:stationed", args=[a.compounds[0].pk])).content.decode()
    assert "居民看到的服务信息" in page and "接待日" in page
    assert "136" not in page.split("居民看到的服务信息")[1]  # the walk's people have 136… phones


def test_coverage_export_is_a_workbook(client, a):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(a.official)
    response = client.get(reverse("staffing:coverage-xlsx"), {"on": "2026-06-30"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["分街道", "空缺岗位", "各小区团队"]
    assert book["分街道"]["A2"].value == "街道"
    assert date(2026, 6, 30).isoformat() in book["分街道"]["A1"].value


def test_odd_query_strings_never_break_a_page(client, a):
    client.force_login(a.official)
    for url in [
        reverse("staffing:people") + "?q=%E5%BC%A0%00%01&role=%00",
        reverse("staffing:coverage") + "?on=2026-02-30&street=%00",
        reverse("staffing:coverage") + "?page=999999",
        reverse("staffing:stars") + "?year=99999&quarter=%00",
        reverse("staffing:sinkdown") + "?year=-1",
        reverse("staffing:roster", args=[walk.roster(a).pk]) + "?month=2026-13",
    ]:
        response = client.get(url)
        # accounts.text's rule: a NUL or control character is refused with the Chinese 400 page; the rest is cleaned
        expected = 400 if "%00" in url or "%01" in url else 200
        assert response.status_code == expected, url


def test_a_term_ended_on_a_date_past_the_calendar_is_refused_on_the_form(client, a):
    """The page's side of the sweep's find (tests/test_bad_input.py): the form refuses 0001-01-01 in Chinese before
    the service's date arithmetic sees it (accounts.text bounds every form's dates), and the term is unchanged."""
    term = walk.seat_term(a, compound=a.compounds[1])
    before = SeatTerm.objects.filter(pk=term.pk).values_list().get()
    client.force_login(a.official)
    url = reverse("staffing:team", args=[term.team.compound_id])
    response = client.post(url, {"form": "end", "term": term.pk, "end": "0001-01-01", "reason": "换届离任"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "日期超出范围：应在 1900 年至 2199 年之间。" in body
    assert SeatTerm.objects.filter(pk=term.pk).values_list().get() == before
    # and the refused form comes back open under its term, with what was typed (the shared end form)
    assert 'value="换届离任"' in body and 'value="0001-01-01"' in body
    assert body.count('<details class="end-term" open>') == 1


def test_every_end_form_keeps_what_was_typed_after_a_refusal(client, a):
    """The shared end form (templates/staffing/_end_form.html) on each page that ends a term: a refused end comes back
    with the typed reason and date, under the term it was for — a grid member's, a stationed cadre's, a sink-down
    member's."""
    member, cadre, sunk = walk.grid_member(a), walk.stationed(a), walk.sinkdown_member(a)
    client.force_login(a.official)
    cases = [
        (reverse("staffing:grid", args=[member.grid_id]), "end-member", member.pk),
        (reverse("staffing:stationed", args=[cadre.compound_id]), "end", cadre.pk),
        (reverse("staffing:sinkdown-team", args=[sunk.team_id]), "end-member", sunk.pk),
    ]
    for url, form, term in cases:
        response = client.post(url, {"form": form, "term": term, "end": "2026-02-30", "reason": "调离本网格"})
        body = response.content.decode()
        assert response.status_code == 400, url
        assert 'value="调离本网格"' in body and '<details class="end-term" open>' in body, url


@pytest.mark.parametrize("bad", ["abc", "x" * 2_000_000, "1\x00", "", "99999999999"])
def test_a_tampered_row_id_says_the_page_is_stale_and_changes_nothing(client, a, bad):
    """The row ids the end and grade forms carry hidden (which term, which assessment): nobody typed them, so
    a tampered or missing one is said as a stale page (accounts.text.HIDDEN_MESSAGE), not in the words of the
    rule that refused it ("输入整数", "内容过长", …), and nothing changes. (The typed reason cannot come back under
    its term when the term is what is wrong: the page says to reload.)"""
    from accounts.text import HIDDEN_MESSAGE

    term = walk.seat_term(a, compound=a.compounds[1])
    assessment = StarAssessment.objects.filter(district=a.district).first()
    rows = (SeatTerm.objects.filter(pk=term.pk), StarAssessment.objects.filter(pk=assessment.pk))
    before = [list(q.values_list()) for q in rows]
    client.force_login(a.official)
    cases = [
        (reverse("staffing:team", args=[term.team.compound_id]),
            {"form": "end", "term": bad, "end": "2026-03-01", "reason": "换届离任"}),
        (reverse("staffing:stars") + "?year=2026&quarter=1",
            {"form": "grade", "assessment": bad, "proficiency": "95", "attitude": "90", "note": "评语七号"}),
    ]  # fmt: skip
    for url, post in cases:
        response = client.post(url, post)
        body = response.content.decode()
        assert response.status_code in (400, 404), url
        if response.status_code == 400:  # an id that is a number but no row is the missing row's 404
            assert str(HIDDEN_MESSAGE) in body, url
            assert "整数" not in body and "内容过长" not in body and "控制字符" not in body, url
    assert [list(q.values_list()) for q in rows] == before
