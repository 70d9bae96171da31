"""Spreadsheet import of staffing data: all or nothing, per-row Chinese errors, idempotent, and a Celery
task with progress for long files."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from staffing.importing import ImportFileError, import_progress, import_sheets, import_start, read_file
from staffing.importing import service as importing
from staffing.models import DutyShift, GridMember, Household, ImportStatus, Leave, Person, SeatTerm, Sponsorship

pytestmark = pytest.mark.django_db


def workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def good_sheets(t) -> dict[str, list[list]]:
    c0, c1 = t.compounds[0].code, t.compounds[1].code
    return {
        "2+4团队": [
            ["小区编码", "岗位", "姓名", "手机号", "任职日期", "派出部门", "工作单位", "离任日期", "离任原因"],
            [c0, "服务长", "刘服务长", "13900000001", "2026-01-05", t.department.name, "", "", ""],
            [c0, "街道联系长", "陈联系长", "13900000002", "2026-01-05", "", "", "", ""],
            [c0, "社区民警", "张警官", "13900000003", "2026/1/5", "", "", "", ""],
            [c0, "法律顾问", "周律师", "13900000004", "2026-01-05", "", "秦律律师事务所", "", ""],
            [c0, "物业经理", "吴经理", "13900000005", "2026-01-05", "", "", "", ""],
            [c0, "居民代表", "郑居民", "13900000006", "2026-01-05", "", "", "2026-03-01", "搬离"],
            [c1, "街道联系长", "陈联系长", "13900000002", "2026-01-05", "", "", "", ""],
        ],
        "网格人员": [
            ["网格编码", "类别", "姓名", "手机号", "开始日期"],
            [t.grids[0].code, "社区网格员", "网格员甲", "13900000011", "2026-01-05"],
            [t.grids[0].code, "物业", "物业网格员乙", "13900000012", "2026-01-05"],
        ],
        "楼栋长": [
            ["小区编码", "楼栋", "姓名", "手机号", "开始日期"],
            [c0, "1号楼", "楼长丙", "13900000013", "2026-01-05"],
        ],
        "走访对象": [
            ["网格编码", "小区编码", "楼栋", "门牌", "户主姓名", "联系电话", "走访类别", "走访周期（天）", "登记日期"],
            [t.grids[0].code, c0, "1号楼", "2单元501", "宋奶奶", "13912345678", "独居老人、残疾人", "", "2026-03-01"],
        ],
        "值班表": [
            ["街道编码", "社区编码", "值班表", "日期", "开始时间", "结束时间", "姓名", "手机号", "调休日期"],
            [
                t.streets[0].code,
                "",
                "第1街道周末值班",
                "2026-03-07",
                "8:00",
                "18:00",
                "陈联系长",
                "13900000002",
                "2026-03-11",
            ],
        ],
    }


def bad_rows_workbook(t) -> bytes:
    """The good workbook with five bad rows: a 岗位 not in the list, a phone already another person's, a rest-day
    shift on a make-up workday (the duty service's refusal, with a day in it), a phone that is no phone
    (accounts.phones), a date that is no date."""
    sheets = good_sheets(t)
    sheets["2+4团队"].append([t.compounds[2].code, "岗长", "某人", "13900000098", "2026-01-05"])
    sheets["网格人员"].append([t.grids[0].code, "社区", "冒名", "13900000011", "2026-02-01"])
    sheets["值班表"].append(
        [t.streets[0].code, "", "第1街道周末值班", "2026-02-14", "", "", "陈联系长", "13900000002", ""]
    )
    sheets["走访对象"].append([t.grids[0].code, t.compounds[0].code, "", "3单元1", "某户", "12345", "独居老人", "", ""])
    sheets["楼栋长"].append([t.compounds[0].code, "1号楼", "楼长丁", "13900000014", "2026年13月1日"])
    return workbook(sheets)


def sheets_of(data: bytes, name: str = "人员配备.xlsx"):
    return read_file(data, name=name)


def test_a_whole_workbook_imports_and_a_second_import_changes_nothing(tree):
    data = workbook(good_sheets(tree))
    # when
    report = import_sheets(actor=tree.official, district=tree.district, sheets=sheets_of(data))
    # then
    assert report.ok, report.errors
    assert report.counts["teams"]["created"] == 7
    assert report.counts["people"]["created"] == 9  # six team members (陈联系长 once), two grid members, a head
    assert SeatTerm.objects.filter(team__compound=tree.compounds[0], end__isnull=True).count() == 5
    assert SeatTerm.objects.get(person__name="郑居民").end == date(2026, 3, 1)
    assert Sponsorship.objects.get(compound=tree.compounds[0]).department == tree.department
    assert GridMember.objects.count() == 2
    household = Household.objects.get()
    household.refresh_from_db()
    assert (household.visit_interval_days, household.next_visit_on) == (7, date(2026, 3, 8))
    shift = DutyShift.objects.get()
    assert Leave.objects.get(shift=shift).day == date(2026, 3, 11)
    # when: the same file again
    again = import_sheets(actor=tree.official, district=tree.district, sheets=sheets_of(data))
    # then
    assert again.ok and not again.counts.get("people")
    assert all(c["created"] == 0 and c["updated"] == 0 for c in again.counts.values())


def test_one_bad_row_saves_nothing_and_every_row_says_what_is_wrong(tree, other_tree):
    sheets = good_sheets(tree)
    sheets["2+4团队"].append([other_tree.compounds[0].code, "法律顾问", "某律师", "13900000099", "2026-01-05"])
    sheets["2+4团队"].append([tree.compounds[2].code, "岗长", "某人", "13900000098", "2026-01-05"])
    sheets["网格人员"].append([tree.grids[0].code, "社区", "冒名", "13900000011", "2026-02-01"])
    sheets["值班表"].append(
        [tree.streets[0].code, "", "第1街道周末值班", "2026-02-14", "", "", "陈联系长", "13900000002", ""]
    )
    sheets["走访对象"].append(
        [tree.grids[0].code, tree.compounds[0].code, "", "3单元1", "某户", "12345", "独居老人", "", ""]
    )
    report = import_sheets(actor=tree.official, district=tree.district, sheets=sheets_of(workbook(sheets)))
    assert not report.ok
    messages = {(e.sheet, e.row): e.message for e in report.errors}
    assert "在长安区不存在" in messages[("2+4团队", 9)]
    assert "“岗位”应为 服务长、街道联系长" in messages[("2+4团队", 10)]
    assert "已登记为“网格员甲”，与“冒名”不符" in messages[("网格人员", 4)]
    assert "2月14日是调休上班日" in messages[("值班表", 3)]
    assert "不是有效的手机号" in messages[("走访对象", 3)]
    # and nothing at all was saved, the good rows neither
    assert not Person.objects.exists() and not SeatTerm.objects.exists() and not DutyShift.objects.exists()


def test_a_dry_run_checks_without_saving(tree):
    report = import_sheets(
        actor=tree.official, district=tree.district, sheets=sheets_of(workbook(good_sheets(tree))), dry_run=True
    )
    assert report.ok and not report.saved
    assert not Person.objects.exists()


def test_files_that_cannot_be_read_say_so_in_chinese():
    with pytest.raises(ImportFileError, match=r"不支持旧版 \.xls"):
        read_file(b"\xd0\xcf\x11\xe0", name="人员.xls")
    with pytest.raises(ImportFileError, match="文件已损坏"):
        read_file(b"PK\x03\x04 not a workbook", name="人员.xlsx")
    with pytest.raises(ImportFileError, match="空字符"):
        read_file(b"\xe5\xb2\x97\xe4\xbd\x8d,\x00\n", name="人员.csv")
    with pytest.raises(ImportFileError, match="不支持的文件类型"):
        read_file(b"%PDF-1.4", name="人员.pdf")
    with pytest.raises(ImportFileError, match="无法从表头判断"):
        read_file("甲,乙\n1,2\n".encode(), name="未知.csv")


def test_only_the_district_imports(tree):
    from accounts.permissions import Forbidden

    with pytest.raises(Forbidden):
        import_sheets(actor=tree.street_staff, district=tree.district, sheets=sheets_of(workbook(good_sheets(tree))))


def test_a_long_file_runs_in_the_task_with_progress(tree, monkeypatch, django_capture_on_commit_callbacks):
    # given: the inline limit lowered so that this file counts as long
    monkeypatch.setattr(importing, "INLINE_ROWS", 3)
    from compounds.importing import jobs
    from workorders.models import OutboxMessage

    seen = []
    real_progress = jobs.cache.set

    def watch(key, value, timeout=None):
        if key.startswith("staffing.staffingimport-progress:"):
            seen.append(dict(value))
        return real_progress(key, value, timeout)

    monkeypatch.setattr(jobs.cache, "set", watch)
    upload = SimpleUploadedFile("人员配备.xlsx", workbook(good_sheets(tree)))
    # when: the upload is kept and the task runs on commit (eager in tests)
    with django_capture_on_commit_callbacks(execute=True):
        record = import_start(actor=tree.official, upload=upload)
    record.refresh_from_db()
    # then
    assert record.status == ImportStatus.DONE, record.result
    assert record.total_rows == 12
    assert seen[0] == {"done": 0, "total": 12} and seen[-1] == {"done": 12, "total": 12}
    assert import_progress(record) == {"done": 12, "total": 12, "percent": 100}
    assert record.result["counts"]["2+4团队"]["created"] == 7
    assert SeatTerm.objects.count() == 7
    # enqueued through the task outbox (done once the task ran), and run as the system for the uploader
    message = OutboxMessage.objects.get(task="staffing.tasks.run_import_task")
    assert message.args == [record.pk, tree.district.pk] and message.done_at is not None
    context = record.pgh_event_model.objects.filter(pgh_obj_id=record.pk).order_by("pgh_id").last().pgh_context
    assert context.metadata["task"] == "task:staffing.run_import_task"
    assert context.metadata["actor"].startswith("系统（task:staffing.run_import_task，代 ")
