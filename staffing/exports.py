"""XLSX exports of staffing: the "2+4" coverage and a roster's month. The figures come from
staffing.selectors, the same as the pages and the PDF. Worded in the language of the page they are downloaded
from (a working file, unlike the PDF report, which is an official document in Chinese)."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from compounds.workcalendar import BEIJING
from staffing.models import SEATS, WEEKDAYS
from staffing.selectors import CalendarDay, Coverage

HEADER = PatternFill("solid", fgColor="EEF2F7")
REST = PatternFill("solid", fgColor="FDF2E9")


def xlsx_response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _header(sheet, titles: list[str], widths: list[int]) -> None:
    sheet.append(titles)
    for cell, width in zip(sheet[sheet.max_row], widths, strict=True):
        cell.font, cell.fill = Font(bold=True), HEADER
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = sheet.cell(row=sheet.max_row + 1, column=1)


def coverage_workbook(coverage: Coverage) -> Workbook:
    book = Workbook()
    summary = book.active
    summary.title = gettext("分街道")
    summary.append([gettext("“2+4”服务团队配齐情况（统计日期 %(day)s）") % {"day": f"{coverage.on:%Y-%m-%d}"}])
    summary["A1"].font = Font(bold=True, size=13)
    seats = [str(seat.label) for seat in SEATS]
    titles = [gettext("街道"), gettext("小区"), gettext("已组建团队"), gettext("六岗配齐"), gettext("配齐率")]
    _header(
        summary,
        [*titles, gettext("空缺岗位"), *seats, gettext("最长空缺（天）")],
        [16, 8, 11, 10, 9, 10, *[10] * len(seats), 14],
    )
    for unit in [*coverage.streets, coverage.district]:
        summary.append(
            [
                unit.name,
                unit.compounds,
                unit.teams,
                unit.full,
                float(unit.rate) if unit.rate is not None else None,
                unit.vacant_seats,
                *[unit.by_seat[seat.value] for seat in SEATS],
                unit.longest_days,
            ]
        )
        summary.cell(row=summary.max_row, column=5).number_format = "0.0%"
    for cell in summary[summary.max_row]:
        cell.font = Font(bold=True)

    detail = book.create_sheet(gettext("空缺岗位"))
    _header(
        detail,
        [
            gettext("街道"),
            gettext("社区"),
            gettext("小区"),
            gettext("小区编码"),
            gettext("岗位"),
            gettext("空缺起始"),
            gettext("空缺天数"),
            gettext("原因"),
        ],
        [14, 14, 22, 18, 12, 12, 10, 36],
    )
    for v in coverage.vacancies:
        detail.append(
            [
                v.street_name,
                v.community_name,
                v.compound_name,
                v.compound_code,
                str(v.seat_label),
                v.since,
                v.days,
                str(v.reason),
            ]
        )
        detail.cell(row=detail.max_row, column=6).number_format = "yyyy-mm-dd"

    teams = book.create_sheet(gettext("各小区团队"))
    where = [gettext("街道"), gettext("社区"), gettext("小区"), gettext("小区编码")]
    _header(teams, [*where, *seats, gettext("配齐")], [14, 14, 22, 18, *[12] * len(seats), 8])
    vacant, yes, no = gettext("空缺"), gettext("是"), gettext("否")
    for team in coverage.teams:
        compound = team.compound
        teams.append(
            [
                compound.community.street.name,
                compound.community.name,
                compound.name,
                compound.code,
                *[
                    (team.holders.get(seat.value).person.name if team.holders.get(seat.value) else vacant)
                    for seat in SEATS
                ],
                yes if team.full else no,
            ]
        )
    return book


def roster_workbook(roster, weeks: list[list[CalendarDay]], month_label: str) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = gettext("值班表")
    title = gettext("%(roster)s（%(month)s）值班电话：%(phone)s")
    sheet.append([title % {"roster": roster.name, "month": month_label, "phone": roster.duty_phone or "—"}])
    sheet["A1"].font = Font(bold=True, size=13)
    titles = [gettext("日期"), gettext("星期"), gettext("日历"), gettext("值班人员"), gettext("值班时间")]
    _header(sheet, [*titles, gettext("类型"), gettext("调休日期")], [12, 8, 14, 14, 14, 12, 12])
    for week in weeks:
        for day in week:
            if not day.in_month:
                continue
            rows = day.shifts or [None]
            for shift in rows:
                leave = getattr(shift, "compensatory_leave", None) if shift else None
                sheet.append(
                    [
                        day.day,
                        str(WEEKDAYS[day.day.weekday()]),
                        day.kind_label,
                        shift.person.name if shift else "",
                        f"{shift.starts_at.astimezone(BEIJING):%H:%M}–{shift.ends_at.astimezone(BEIJING):%H:%M}"
                        if shift
                        else "",
                        str(shift.get_kind_display()) if shift else "",
                        leave.day if leave else None,
                    ]
                )
                sheet.cell(row=sheet.max_row, column=1).number_format = "yyyy-mm-dd"
                sheet.cell(row=sheet.max_row, column=7).number_format = "yyyy-mm-dd"
                if day.is_rest:
                    for cell in sheet[sheet.max_row]:
                        cell.fill = REST
    leaves = book.create_sheet(gettext("请假调休"))
    _header(leaves, [gettext("日期"), gettext("姓名"), gettext("类型"), gettext("说明")], [12, 14, 10, 30])
    for week in weeks:
        for day in week:
            if day.in_month:
                for leave in day.leaves:
                    leaves.append([leave.day, leave.person.name, str(leave.get_kind_display()), leave.note])
                    leaves.cell(row=leaves.max_row, column=1).number_format = "yyyy-mm-dd"
    return book
