"""Importing staffing spreadsheets into one district, all or nothing: "2+4" teams, grid members, building
heads, households to visit and duty rosters.

Every row goes through the same services as the pages (so the same rules and messages apply), in a
savepoint so that one bad row does not hide the next one's problems; at the end any error (or a dry run)
rolls the whole import back. People are matched by their phone in the district and created when new (with
the role the sheet implies). Importing the same file twice changes nothing.

Long files run in a Celery task (staffing.tasks.run_import_task) that reports its progress through the
cache; the StaffingImport row keeps the outcome (the flow shared with the organisation import:
compounds.importing.jobs).

The rows are read and checked in Chinese whatever the uploader's page language (`translation.override(None)`):
the sheets' names and choices (岗位, 走访类别 …) are Chinese. The outcome kept with the import is stored: each row's
message is kept as its msgid and values (compounds.importing.said, beside its Chinese text) and worded in the
reader's language by the import page (staffing.views.imports).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compounds.importing import jobs
from compounds.importing.said import Said, chinese, from_error, said
from compounds.importing.service import FILE
from compounds.models import (
    Building,
    Community,
    Compound,
    Department,
    DepartmentKind,
    District,
    Grid,
    PropertyFirm,
    Street,
)
from compounds.workcalendar import BEIJING
from config.locale import in_language_of_record, of_record
from staffing.importing.reading import ImportFileError, Kind, Sheet, read_file
from staffing.models import (
    BuildingHead,
    DutyRoster,
    DutyShift,
    GridMember,
    GridSide,
    Household,
    Person,
    PersonRole,
    SeatKind,
    SeatTerm,
    ShiftKind,
    Sponsorship,
    StaffingImport,
    VisitNeed,
)
from staffing.services import duty, grids, people, teams, visits
from staffing.services.common import acting, normalise_phone

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
PEOPLE = "people"
INLINE_ROWS = jobs.INLINE_ROWS  # a file with more rows runs in a Celery task with progress
COLUMN_OF_FIELD = {
    "person": "姓名",
    "name": "姓名",
    "phone": "手机号",
    "start": "开始日期",
    "end": "离任日期",
    "day": "日期",
    "address": "门牌",
    "head_name": "户主姓名",
    "needs": "走访类别",
    "building": "楼栋",
    "grid": "网格编码",
    "compound": "小区编码",
    "compensatory_day": "调休日期",
    "visit_interval_days": "走访周期",
    "department": "派出部门",
    "community": "社区编码",
}


@dataclass
class RowError:
    sheet: str
    row: int
    said: Said  # the message kept as its msgid and values (compounds.importing.said)

    @property
    def message(self) -> str:
        return chinese(self.said)

    def as_json(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "message": self.message, "said": self.said}


@dataclass
class ImportReport:
    dry_run: bool = False
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def saved(self) -> bool:
        return self.ok and not self.dry_run

    def count(self, kind: str, outcome: str) -> None:
        bucket = self.counts.setdefault(kind, {CREATED: 0, UPDATED: 0, UNCHANGED: 0})
        bucket[outcome] += 1

    def as_json(self) -> dict[str, Any]:
        labels = {**{k.value: of_record(k.label) for k in Kind}, PEOPLE: "人员"}
        return {
            "ok": self.ok,
            "saved": self.saved,
            "dry_run": self.dry_run,
            "counts": {labels[k]: v for k, v in self.counts.items()},
            "errors": [e.as_json() for e in self.errors],
        }


@in_language_of_record
def import_sheets(
    *,
    actor: Any,
    district: District,
    sheets: list[Sheet],
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import `sheets` into `district`: everything, or on any error (or a dry run) nothing."""
    acting(actor, "staffing.import", district)
    report = ImportReport(dry_run=dry_run)
    total = sum(len(s.rows) for s in sheets)
    done = 0
    with transaction.atomic():
        District.objects.select_for_update().get(pk=district.pk)  # one staffing import per district at a time
        importer = _Importer(actor=actor, district=district, report=report)
        for sheet in sheets:
            missing = sheet.missing_columns()
            if missing:
                message = said(_("缺少必填列：%(columns)s。"), {"columns": "、".join(missing)})
                report.errors.append(RowError(sheet.title, 1, message))
                done += len(sheet.rows)
                continue
            for number, values in sheet.rows:
                importer.row(sheet, number, values)
                done += 1
                if progress is not None and (done % 20 == 0 or done == total):
                    progress(done, total)
        if report.errors or dry_run:
            transaction.set_rollback(True)
    return report


def import_start(*, actor: Any, upload: Any, dry_run: bool = False, kind: str | None = None) -> StaffingImport:
    """Keep the uploaded file and read it; a short file is imported at once (as the actor), a long one is
    handed to the Celery task (through the task outbox, after the commit). Raises ImportFileError for a file
    that cannot be read (nothing kept). The flow is the organisation import's (compounds.importing.jobs)."""
    district = District.objects.get(pk=actor.district_id)
    acting(actor, "staffing.import", district)
    data = upload.read()
    sheets = read_file(data, name=upload.name, kind=kind)
    rows = sum(len(s.rows) for s in sheets)
    record = jobs.job_create(
        model=StaffingImport,
        actor=actor,
        district=district,
        name=upload.name,
        data=data,
        dry_run=dry_run,
        total_rows=rows,
        result={"kind": kind or ""},
    )
    if rows <= INLINE_ROWS:
        report = import_sheets(actor=actor, district=district, sheets=sheets, dry_run=dry_run)
        jobs.job_finish(record, report.as_json())
    else:
        from staffing.tasks import run_import_task

        jobs.job_enqueue(task=run_import_task, job=record)
    return record


@in_language_of_record
def import_run(*, actor: Any, record: StaffingImport, data: bytes, progress: jobs.Progress) -> dict[str, Any]:
    """The task's work on a kept file (compounds.importing.jobs.job_run): the outcome to keep."""
    try:
        sheets = read_file(data, name=record.file.name, kind=record.result.get("kind") or None)
    except ImportFileError as error:
        return ImportReport(dry_run=record.dry_run, errors=[RowError(FILE, 0, error.said)]).as_json()
    report = import_sheets(
        actor=actor, district=record.district, sheets=sheets, dry_run=record.dry_run, progress=progress
    )
    return report.as_json()


def import_progress(record: StaffingImport) -> dict[str, int]:
    return jobs.job_progress(record)


# ---------------------------------------------------------------------------------------------------- rows


class _Importer:
    def __init__(self, *, actor: Any, district: District, report: ImportReport) -> None:
        self.actor, self.district, self.report = actor, district, report
        self.handlers = {
            Kind.TEAMS: self.team_row,
            Kind.GRID_MEMBERS: self.grid_member_row,
            Kind.BUILDING_HEADS: self.building_head_row,
            Kind.HOUSEHOLDS: self.household_row,
            Kind.ROSTER: self.roster_row,
        }
        self.created_people: list[Person] = []

    def row(self, sheet: Sheet, number: int, values: dict[str, str]) -> None:
        try:
            with transaction.atomic():  # a savepoint: a bad row leaves nothing behind
                created = len(self.created_people)
                outcome = self.handlers[sheet.kind](values)
        except ValidationError as error:
            self.report.errors.extend(RowError(sheet.title, number, m) for m in _messages(error))
            del self.created_people[created:]
            return
        except Http404:
            self.report.errors.append(RowError(sheet.title, number, said(_("引用的对象不存在或不属于本区。"))))
            return
        except PermissionDenied as error:
            self.report.errors.append(RowError(sheet.title, number, said(str(error))))
            return
        except DatabaseError as error:
            message = said(_("写入数据库失败：%(error)s"), {"error": str(error).strip()[:300]})
            self.report.errors.append(RowError(sheet.title, number, message))
            return
        self.report.count(sheet.kind, outcome)
        for _person in self.created_people[created:]:
            self.report.count(PEOPLE, CREATED)

    # ----- lookups ----------------------------------------------------------------------------------

    def compound(self, v: dict[str, str]) -> Compound:
        code = _required(v, "小区编码")
        compound = Compound.objects.filter(district=self.district, code=code).select_related("community").first()
        if compound is None:
            raise ValidationError(_("小区编码“%(code)s”在%(district)s不存在。"), params=self.missing(code))
        return compound

    def grid(self, v: dict[str, str]) -> Grid:
        code = _required(v, "网格编码")
        grid = Grid.objects.filter(district=self.district, code=code).first()
        if grid is None:
            raise ValidationError(_("网格编码“%(code)s”在%(district)s不存在。"), params=self.missing(code))
        return grid

    def missing(self, code: str) -> dict[str, str]:
        return {"code": code[:20], "district": self.district.name}

    def department(self, name: str, *, kind: str | None = None) -> Department:
        departments = Department.objects.filter(district=self.district)
        if name:
            found = departments.filter(name=name).first()
            if found is None:
                message = _("本区没有名为“%(name)s”的部门。")
                raise ValidationError({"department": ValidationError(message, params={"name": name[:40]})})
            return found
        if kind is not None:
            matches = list(departments.filter(kind=kind)[:2])
            if len(matches) == 1:
                return matches[0]
        raise ValidationError({"department": _("请填写派出部门。")})

    def person(self, v: dict[str, str], *, phone_header: str = "手机号", **identity: Any) -> Person:
        """The person with this phone in the district, or a new one with `identity` (role, organisation)."""
        name = _required(v, "姓名")
        phone = normalise_phone(_required(v, phone_header))
        existing = Person.objects.filter(district=self.district, phone=phone).first()
        if existing is not None:
            if existing.name != name:
                message = _("手机号 %(phone)s 已登记为“%(existing)s”，与“%(name)s”不符。")
                params = {"phone": phone, "existing": existing.name, "name": name}
                raise ValidationError({"phone": ValidationError(message, params=params)})
            return existing
        person = people.person_create(
            actor=self.actor, district_id=self.district.pk, name=name, phone=phone, **identity
        )
        self.created_people.append(person)
        return person

    # ----- sheets -----------------------------------------------------------------------------------

    def team_row(self, v: dict[str, str]) -> str:
        compound = self.compound(v)
        seat = _choice(v, "岗位", SeatKind, extra={"联系长": "street_liaison", "民警": "police_officer"})
        start = _date(v, "任职日期", required=True)
        identity: dict[str, Any]
        if seat == SeatKind.SERVICE_CHIEF:
            department = self.department(v.get("派出部门", ""))
            identity = {"role": PersonRole.DEPARTMENT_STAFF, "department": department, "street": None}
            if not Sponsorship.objects.current(start).filter(compound=compound).exists():
                teams.sponsorship_set(actor=self.actor, department=department, compound=compound, start=start)
        elif seat == SeatKind.STREET_LIAISON:
            identity = {"role": PersonRole.STREET_OFFICER, "street": compound.community.street}
        elif seat == SeatKind.POLICE_OFFICER:
            department = self.department(v.get("派出部门", ""), kind=DepartmentKind.POLICE)
            identity = {"role": PersonRole.POLICE_OFFICER, "department": department, "street": None}
        elif seat == SeatKind.LEGAL_ADVISER:
            identity = {
                "role": PersonRole.LEGAL_ADVISER,
                "organisation_name": v.get("工作单位", "")[:100],
                "street": None,
            }
        elif seat == SeatKind.PROPERTY_MANAGER:
            identity = {"role": PersonRole.PROPERTY_STAFF, "property_firm": compound.property_firm, "street": None}
        else:
            identity = {"role": PersonRole.RESIDENT, "community": compound.community}
        person = self.person(v, **identity)
        end = _date(v, "离任日期")
        term = SeatTerm.objects.filter(team__compound=compound, seat=seat, person=person, start=start).first()
        outcome = UNCHANGED
        if term is None:
            term = teams.seat_appoint(
                actor=self.actor, compound=compound, seat=seat, person=person, start=start, replace_current=True
            )
            outcome = CREATED
        if end is not None and term.end is None:
            teams.seat_end(actor=self.actor, term=term, end=end, reason=v.get("离任原因", "") or "离任")
            outcome = outcome if outcome == CREATED else UPDATED
        return outcome

    def grid_member_row(self, v: dict[str, str]) -> str:
        grid = self.grid(v)
        side = _choice(v, "类别", GridSide, extra={"社区": "community", "物业": "property"})
        start = _date(v, "开始日期", required=True)
        if side == GridSide.COMMUNITY:
            identity = {"role": PersonRole.GRID_WORKER, "community": grid.community}
        else:
            identity = {"role": PersonRole.PROPERTY_STAFF, "property_firm": self.grid_firm(grid, v), "street": None}
        person = self.person(v, **identity)
        if GridMember.objects.filter(grid=grid, side=side, person=person, start=start).exists():
            return UNCHANGED
        grids.grid_member_assign(actor=self.actor, grid=grid, side=side, person=person, start=start)
        return CREATED

    def grid_firm(self, grid: Grid, v: dict[str, str]) -> PropertyFirm:
        code = v.get("物业企业统一社会信用代码", "").strip().upper()
        firms = PropertyFirm.objects.filter(district=self.district)
        if code:
            firm = firms.filter(credit_code=code).first()
            if firm is None:
                raise ValidationError(
                    _("统一社会信用代码“%(code)s”的物业企业未在本区登记。"), params={"code": code[:20]}
                )
            return firm
        serving = list(firms.filter(compounds__buildings__grids=grid).distinct()[:2])
        if len(serving) != 1:
            raise ValidationError(_("该网格有多家或没有物业企业服务，请填写物业企业统一社会信用代码。"))
        return serving[0]

    def building_head_row(self, v: dict[str, str]) -> str:
        compound = self.compound(v)
        name = _required(v, "楼栋")
        building = Building.objects.filter(compound=compound, name=name).first()
        if building is None:
            raise _no_building(compound, name)
        start = _date(v, "开始日期", required=True)
        person = self.person(v, role=PersonRole.RESIDENT, community=compound.community)
        if BuildingHead.objects.filter(building=building, person=person, start=start).exists():
            return UNCHANGED
        grids.building_head_assign(actor=self.actor, building=building, person=person, start=start)
        return CREATED

    def household_row(self, v: dict[str, str]) -> str:
        grid, compound = self.grid(v), self.compound(v)
        building = None
        if v.get("楼栋", "").strip():
            building = Building.objects.filter(compound=compound, name=v["楼栋"].strip()).first()
            if building is None:
                raise _no_building(compound, v["楼栋"].strip())
        needs = _needs(v.get("走访类别", ""))
        interval = _int(v, "走访周期")
        fields = {
            "grid": grid,
            "compound": compound,
            "building": building,
            "head_name": _required(v, "户主姓名"),
            "phone": v.get("联系电话", ""),
            "needs": needs,
            "visit_interval_days": interval,
        }
        address = _required(v, "门牌")
        last = _date(v, "上次走访日期")
        existing = Household.objects.filter(compound=compound, building=building, address=address).first()
        if existing is None:
            household = visits.household_register(
                actor=self.actor, address=address, registered_on=_date(v, "登记日期") or timezone.localdate(), **fields
            )
            outcome = CREATED
        else:
            fields["phone"] = normalise_phone(fields["phone"])
            if interval is None:
                fields.pop("visit_interval_days")
            changed = {k: val for k, val in fields.items() if getattr(existing, k) != val}
            household = (
                visits.household_update(actor=self.actor, household=existing, **changed) if changed else existing
            )
            outcome = UPDATED if changed else UNCHANGED
        if last is not None and household.last_visited_on != last:
            Household.objects.filter(pk=household.pk).update(last_visited_on=last)
            outcome = outcome if outcome == CREATED else UPDATED
        return outcome

    def roster_row(self, v: dict[str, str]) -> str:
        code = _required(v, "街道编码")
        street = Street.objects.filter(district=self.district, code=code).first()
        if street is None:
            raise ValidationError(_("街道编码“%(code)s”在%(district)s不存在。"), params=self.missing(code))
        community = None
        if v.get("社区编码", "").strip():
            community = Community.objects.filter(street=street, code=v["社区编码"].strip()).first()
            if community is None:
                message = _("社区编码“%(code)s”不是%(street)s的社区。")
                params = {"code": v["社区编码"][:20], "street": street.name}
                raise ValidationError({"community": ValidationError(message, params=params)})
        name = _required(v, "值班表")
        roster = DutyRoster.objects.filter(street=street, community=community, name=name).first() or duty.roster_create(
            actor=self.actor, street=street, community=community, name=name
        )
        day = _date(v, "日期", required=True)
        starts, ends = _time(v, "开始时间") or roster.day_starts, _time(v, "结束时间") or roster.day_ends
        kind = _choice(v, "类型", ShiftKind, default=ShiftKind.REST_DAY, extra={"值班": "rest_day", "延时": "extended"})
        identity = (
            {"role": PersonRole.COMMUNITY_WORKER, "community": community}
            if community
            else {"role": PersonRole.STREET_OFFICER, "street": street}
        )
        person = self.person(v, **identity)
        starts_at = datetime.combine(day, starts, tzinfo=BEIJING)
        if DutyShift.objects.filter(roster=roster, person=person, starts_at=starts_at).exists():
            return UNCHANGED
        duty.shift_schedule(
            actor=self.actor,
            roster=roster,
            person=person,
            day=day,
            starts=starts,
            ends=ends,
            kind=kind,
            compensatory_day=_date(v, "调休日期"),
        )
        return CREATED


# ---------------------------------------------------------------------------------------------------- cells


def _no_building(compound: Compound, name: str) -> ValidationError:
    message = _("“%(compound)s”没有“%(building)s”。")
    return ValidationError(
        {"building": ValidationError(message, params={"compound": str(compound), "building": name[:20]})}
    )


def _required(v: dict[str, str], header: str) -> str:
    value = (v.get(header) or "").strip()
    if not value:
        raise _empty(header)
    return value


def _empty(header: str) -> ValidationError:
    return ValidationError(_("“%(header)s”不能为空。"), params={"header": header})


def _date(v: dict[str, str], header: str, *, required: bool = False) -> date | None:
    text = (v.get(header) or "").strip()
    if not text:
        if required:
            raise _empty(header)
        return None
    text = text.split(" ")[0]
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if match:
        try:
            return date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    message = _("“%(header)s”应为日期（如 2026-03-07），收到的是“%(text)s”。")
    raise ValidationError(message, params={"header": header, "text": text[:20]})


def _time(v: dict[str, str], header: str) -> time | None:
    text = (v.get(header) or "").strip().replace("：", ":")
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?", text)
    if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
        return time(int(match.group(1)), int(match.group(2)))
    message = _("“%(header)s”应为时间（如 8:00），收到的是“%(text)s”。")
    raise ValidationError(message, params={"header": header, "text": text[:20]})


def _int(v: dict[str, str], header: str) -> int | None:
    text = (v.get(header) or "").strip().removesuffix("天")
    if not text:
        return None
    if not re.fullmatch(r"\d{1,3}", text):
        message = _("“%(header)s”应为 1 至 365 的整数（天），收到的是“%(text)s”。")
        raise ValidationError(message, params={"header": header, "text": text[:20]})
    return int(text)


def _choice(
    v: dict[str, str], header: str, choices: Any, *, default: str | None = None, extra: dict | None = None
) -> str:
    text = (v.get(header) or "").strip()
    if not text and default is not None:
        return default
    for choice in choices:
        if text in (choice.value, choice.label):
            return choice.value
    if extra and text in extra:
        return extra[text]
    labels = "、".join(of_record(label) for label in choices.labels)  # the file's words: Chinese
    message = _("“%(header)s”应为 %(labels)s 之一，收到的是“%(text)s”。")
    raise ValidationError(message, params={"header": header, "labels": labels, "text": text[:20]})


def _needs(text: str) -> list[str]:
    needs = []
    for item in [i for i in re.split(r"[;；,，、\s]+", text or "") if i]:
        match = next((n.value for n in VisitNeed if item in (n.value, n.label)), None)
        if match is None:
            labels = "、".join(of_record(label) for label in VisitNeed.labels)  # the file's words: Chinese
            message = _("“走访类别”应为 %(labels)s，收到的是“%(text)s”。")
            raise ValidationError(message, params={"labels": labels, "text": item[:20]})
        needs.append(match)
    if not needs:
        raise _empty("走访类别")
    return needs


def _messages(error: ValidationError) -> list[Said]:
    """A ValidationError as kept messages, each saying which column it is about."""
    if not hasattr(error, "error_dict"):
        return from_error(error)
    lines = []
    for key, errors in error.error_dict.items():
        column = COLUMN_OF_FIELD.get(key)
        for kept in from_error(ValidationError(errors)):
            on_column = key != NON_FIELD_ERRORS and column is not None
            lines.append(said(_("%(header)s：%(message)s"), {"header": column, "message": kept}) if on_column else kept)
    return lines
