"""The staffing pages in English (staffing/locale/en): with the language cookie the pages, the models' labels (the
six "2+4" seats, roles, visit needs, task types), the forms, the messages after a change and the services'
refusals read in English; names people typed stay as typed. What staffing keeps in the database stays Chinese (the
import's outcome, end reasons), and so does the coverage PDF, an official document."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.actors import SystemActor
from staffing.models import SeatTerm, StaffingImport
from staffing.selectors import team_coverage
from tests.staffing import walk
from tests.staffing.conftest import fill_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def a(tree):
    walk.staffing_objects(tree)
    return tree


def in_english(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def test_the_home_coverage_and_team_pages_read_in_english(client, tree, crew, english):
    fill_all(tree, crew)
    teams_url = reverse("staffing:team", args=[tree.compounds[0].pk])
    client.force_login(tree.street_staff)
    assert "“2+4”服务团队" in page(client, teams_url) and "物业经理" in page(client, teams_url)

    in_english(client, tree.street_staff)
    home = page(client, reverse("staffing:home"))
    for text in ("Staffing", '"2+4" teams with all six seats', "Vacant seats", "Longest-vacant seats", "Grid staffing"):
        assert text in home, text
    assert 'No "2+4" team formed yet' in home.replace("&quot;", '"')  # a vacancy's reason, worded when shown
    coverage = page(client, reverse("staffing:coverage"))
    for text in ('"2+4" service team coverage', "Coverage rate", "Longest vacancy (days)", "Property manager"):
        assert text in coverage.replace("&quot;", '"'), text
    # the export follows the page's language, and the page says so beside its button
    assert "Spreadsheet in this page's language (English)" in coverage
    team = page(client, teams_url)
    for text in (
        "Service chief",
        "Street liaison",
        "Community police officer",
        "Legal adviser",
        "Property manager",
        "Resident representative",
        "Sponsoring department: ",
        "Record leaving",
    ):
        assert text in team, text
    for chrome in (
        "人员配备",
        "空缺岗位",
        "<h3>服务长</h3>",
        "<h3>物业经理</h3>",
        ">居民代表<",
        "登记离任",
        "包抓部门",
    ):
        assert chrome not in home + coverage + team, chrome
    assert crew.manager.name in team and tree.compounds[0].name in team  # names stay as typed


def test_a_refused_appointment_and_a_done_one_are_in_english(client, tree, crew, english):
    in_english(client, tree.street_staff)
    url = reverse("staffing:team", args=[tree.compounds[1].pk])
    refused = client.post(
        url, {"form": "appoint", "seat": "property_manager", "person": crew.police.pk, "start": "2026-01-05"}
    )
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "The property manager must come from" in body and "物业经理须来自" not in body
    done = client.post(
        url,
        {"form": "appoint", "seat": "property_manager", "person": crew.manager.pk, "start": "2026-01-05"},
        follow=True,
    ).content.decode()
    assert "Appointed." in done and SeatTerm.objects.filter(team__compound=tree.compounds[1]).exists()


def test_grid_pages_and_a_visit_on_the_phone_read_in_english(client, a, english):
    from staffing.models import Visit

    household = walk.household(a, address="7单元701")
    in_english(client, a.grid_worker)
    mine = page(client, reverse("staffing:my-grid"))
    assert "My grid" in mine and "Community grid worker" in mine and "Visits due" in mine
    due = page(client, reverse("staffing:visits-due"))
    assert "Log a visit" in due and "overdue first" in due and "7单元701" in due
    form = page(client, reverse("staffing:visit", args=[household.pk]))
    for text in ("All well", "Needs help", "Nobody home", "Findings (optional)", "Submit the visit"):
        assert text in form, text
    done = client.post(
        reverse("staffing:visit", args=[household.pk]), {"outcome": "well", "findings": ""}, follow=True
    ).content.decode()
    assert "The visit is logged." in done and Visit.objects.filter(household=household).exists()
    client.force_login(a.official)
    client.cookies["django_language"] = "en"
    grid = page(client, reverse("staffing:grid", args=[a.grids[0].pk]))
    for text in ("Grid workers (one from the community, one from the property firm)", "Building heads", "Households"):
        assert text in grid, text
    assert "网格员（社区和物业各一名）" not in grid and "党员中心户" not in grid


def test_the_roster_calendar_and_its_refusal_read_in_english(client, a, english):
    roster = walk.roster(a)
    officer = walk.street_person(a)
    in_english(client, a.street_staff)
    url = reverse("staffing:roster", args=[roster.pk]) + "?month=2026-02"
    refused = client.post(url, {"form": "shift", "person": officer.pk, "day": "2026-02-14", "kind": "rest_day"})
    assert refused.status_code == 400
    assert "Feb 14 is a make-up workday, not a rest day" in refused.content.decode()
    client.post(
        url,
        {
            "form": "shift",
            "person": officer.pk,
            "day": "2026-02-21",
            "kind": "rest_day",
            "compensatory_day": "2026-02-25",
        },
    )
    calendar = page(client, url)
    for text in ("February 2026", "Mon", "Sun", "Make-up workday", "Chinese New Year", "day off 2/25", "Rest-day duty"):
        assert text in calendar, text
    for chrome in ("2026年2月", "调休上班", "节假日·", "周一", "休息日值班"):
        assert chrome not in calendar, chrome
    assert "Spreadsheet in this page's language (English)" in calendar  # beside the export button


def test_people_volunteers_stars_and_sinkdown_read_in_english(client, a, english):
    in_english(client, a.official)
    people = page(client, reverse("staffing:people"))
    assert "Register a person" in people and "All roles" in people and "Street officer" in people
    new = page(client, reverse("staffing:person-new"))
    assert "Party member" in new and "Employer" in new and "街道干部" not in new
    volunteers = page(client, reverse("staffing:volunteers"))
    assert "Volunteers and their hours" in volunteers and "Record volunteer service" in volunteers
    stars = page(client, reverse("staffing:stars") + "?year=2026&quarter=1")
    assert "Staff stars of community and grid workers" in stars and "Q1 2026" in stars
    assert "Stars: 90 and above five stars" in stars and "星级：90 分" not in stars
    sinkdown = page(client, reverse("staffing:sinkdown"))
    assert "Sink-down service teams" in sinkdown and "Dispute mediation" in sinkdown


def test_the_import_reads_in_english_and_keeps_its_outcome_in_chinese(client, a, english):
    from django.core.files.uploadedfile import SimpleUploadedFile

    in_english(client, a.official)
    upload = page(client, reverse("staffing:import"))
    assert "Sheets and columns" in upload and "网格人员 (grid members)" in upload
    csv = "网格编码,类别,姓名,手机号,开始日期\n999999999999999,社区,某人,13811112222,2026-01-05\n"
    response = client.post(reverse("staffing:import"), {"file": SimpleUploadedFile("网格.csv", csv.encode())})
    detail = page(client, response["Location"])
    assert "1 error found; nothing in the file was saved." in detail and "Row" in detail
    # the row's message is kept with the import, in Chinese (a stored text)
    record = StaffingImport.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert "网格编码“999999999999999”在长安区不存在" in record.result["errors"][0]["message"]
    # a sheet's choices are Chinese (岗位 法律顾问), matched as such on an English page
    teams_csv = f"小区编码,岗位,姓名,手机号,任职日期\n{a.compounds[1].code},法律顾问,钱律师,13811113333,2026-01-05\n"
    response = client.post(
        reverse("staffing:import"), {"file": SimpleUploadedFile("团队.csv", teams_csv.encode()), "dry_run": "on"}
    )
    checked = page(client, response["Location"]).replace("&quot;", '"')
    assert "The check passed (checked only, nothing saved)." in checked and '"2+4" teams' in checked
    assert "2+4团队" in StaffingImport.objects.get(pk=response["Location"].rstrip("/").split("/")[-1]).result["counts"]
    wrong = client.post(reverse("staffing:import"), {"file": SimpleUploadedFile("人员.xls", b"\xd0\xcf")})
    assert wrong.status_code == 400 and "Old .xls files are not supported" in wrong.content.decode()


def test_an_imports_row_errors_read_in_the_readers_language_and_are_kept_in_chinese(client, tree, english):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.staffing.test_import import bad_rows_workbook

    # given: an English user uploads a workbook with bad rows
    in_english(client, tree.official)
    upload = SimpleUploadedFile("人员配备.xlsx", bad_rows_workbook(tree))
    response = client.post(reverse("staffing:import"), {"file": upload})
    # then: the page says every row's problem in English (the file's own words, 岗位 and 服务长, stay as written)
    english_page = page(client, response["Location"]).replace("&quot;", '"')
    assert "5 errors found; nothing in the file was saved." in english_page
    for text in (
        '"岗位" must be one of 服务长、街道联系长',
        'Phone 13900000011 is registered to "网格员甲", not "冒名".',
        "Feb 14 is a make-up workday, not a rest day",
        "“12345” is not a valid mobile number or landline with area code (e.g. 13812341234, 029-81234567).",
        '"开始日期" must be a date (such as 2026-03-07); got "2026年13月1日".',
    ):
        assert text in english_page, text
    for chinese in ("应为", "已登记为", "是调休上班日", "不是有效的手机号"):
        assert chinese not in english_page, chinese
    # and what is kept is Chinese: the msgids with their values, and the sentences beside them
    record = StaffingImport.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    kept = json.dumps(record.result["errors"], ensure_ascii=False)
    assert "%(day)s是调休上班日" in kept and "2月14日是调休上班日" in kept and "make-up" not in kept
    assert '{"day": "2026-02-14", "format": "n月j日"}' in kept  # the day kept as a date, worded when shown
    # when: a Chinese reader opens the same import
    client.cookies["django_language"] = "zh-hans"
    chinese_page = page(client, response["Location"])
    # then: the same rows in Chinese
    assert "发现 5 处错误，整份文件未保存。" in chinese_page
    assert "2月14日是调休上班日，不是休息日" in chinese_page and "已登记为“网格员甲”，与“冒名”不符" in chinese_page
    assert "“开始日期”应为日期（如 2026-03-07），收到的是“2026年13月1日”。" in chinese_page
    assert "make-up workday" not in chinese_page


def test_an_import_kept_before_its_messages_were_kept_as_msgids_still_shows_them(client, tree, english):
    from django.core.files.uploadedfile import SimpleUploadedFile

    in_english(client, tree.official)
    csv = "网格编码,类别,姓名,手机号,开始日期\n999999999999999,社区,某人,13811112222,2026-01-05\n"
    response = client.post(reverse("staffing:import"), {"file": SimpleUploadedFile("网格.csv", csv.encode())})
    record = StaffingImport.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    # given: the outcome as it was kept before: finished Chinese sentences, no msgids
    old = "网格编码“999999999999999”在长安区不存在。"
    errors = [
        {"sheet": "网格.csv", "row": 2, "message": old},
        {"sheet": "文件", "row": 0, "message": "请填写派出部门。"},
    ]
    StaffingImport.objects.filter(pk=record.pk).update(result={**record.result, "errors": errors})
    # then: shown as kept (a sentence the catalogue knows is worded in English)
    shown = page(client, response["Location"])
    assert old in shown and "Fill in the sending department." in shown and ">File<" in shown
    client.cookies["django_language"] = "zh-hans"
    assert old in page(client, response["Location"])


def test_vacancy_reasons_are_worded_when_shown_and_the_pdf_stays_chinese(tree, crew, monkeypatch, english):
    from django.template.loader import render_to_string

    from staffing import report_kinds

    fill_all(tree, crew)
    teams_ = SeatTerm.objects.filter(team__compound=tree.compounds[0], seat="legal_adviser")
    from staffing.services import teams

    teams.seat_end(actor=tree.official, term=teams_.get(), end=date(2026, 3, 1), reason="调离")
    with translation.override("en"):
        coverage = team_coverage(actor=SystemActor(name="tests", district_id=tree.district.pk), on=date(2026, 6, 30))
        left = next(v for v in coverage.vacancies if v.seat == "legal_adviser" and v.cause == "left")
        assert str(left.reason) == f"{crew.lawyer.name} left (调离)" and str(left.seat_label) == "Legal adviser"
        captured = {}

        def render_pdf(template, context):
            captured["html"] = render_to_string(template, context)
            return b""

        monkeypatch.setattr(report_kinds, "render_pdf", render_pdf)
        context = {"coverage": coverage, "district_figures": coverage.district, "streets": coverage.streets}
        context |= {"vacancies": coverage.vacancies, "unformed": [], "seats": report_kinds.SEATS, "on": coverage.on}
        report_kinds.render_coverage(context | {"chart": {"bars": []}})
    html = captured["html"]
    assert "法律顾问" in html and f"{crew.lawyer.name}离任（调离）" in html and "Legal adviser" not in html
