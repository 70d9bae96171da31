"""Importing streets, communities, compounds and grids of one district, all or nothing.

Rows are matched by code, so importing the same file twice changes nothing. Every row is checked by
the models' own full_clean() (their constraints give the messages), inside a savepoint so
that one bad row does not hide the next one's problems; at the end, any error (or a dry run) rolls the
whole import back and the district's data stays as it was.

The file is Chinese (its sheet names, headers and words such as 是/否 or 市场化物业 are the ledger's), so the
code reads it in Chinese whatever the uploader's language; the messages about it are kept as msgids with their
values (compounds.importing.said) and said in the reader's language by the result page.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, models, transaction
from django.utils import translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.actors import require_actor
from accounts.models import User
from accounts.permissions import has, require
from accounts.text import strip_forbidden, text_problem
from compounds import validators
from compounds.importing import jobs
from compounds.importing.reading import COLUMNS, ImportFileError, Kind, Sheet, read_file
from compounds.importing.said import Said, chinese, from_error, said
from compounds.models import (
    Building,
    Community,
    Compound,
    District,
    Grid,
    ManagementMode,
    OrgImport,
    PropertyFirm,
    Street,
    Tier,
    TierChange,
)
from compounds.models.tree import StreetKind
from compounds.services import community_set_tier
from config.locale import of_record

CREATED, UPDATED, UNCHANGED, REFUSED = "created", "updated", "unchanged", "refused"
OUTCOME_LABELS = {
    CREATED: pgettext_lazy("import outcome", "新增"),
    UPDATED: pgettext_lazy("import outcome", "更新"),
    UNCHANGED: pgettext_lazy("import outcome", "未变"),
    REFUSED: pgettext_lazy("import outcome", "拒绝"),
}

# Counted beside the four kinds: firms named in the compound sheet, buildings numbered from 楼栋数.
FIRMS, BUILDINGS = "firms", "buildings"
COUNT_LABELS = {
    **{k.value: k.label for k in Kind},
    FIRMS: pgettext_lazy("import kind", "物业企业"),
    BUILDINGS: pgettext_lazy("import kind", "楼栋"),
}
# A job's counts are kept under their Chinese label (as they always were): the label to show for each.
SHOWN_COUNT_LABELS = {of_record(label): label for label in COUNT_LABELS.values()}

# Model field → the column a person sees, to say where a model's message comes from.
# ("code" is left out: the models' code messages name the code already.)
FIELD_HEADERS = {
    "name": "名称",
    "kind": "类型",
    "street": "所属街道编码",
    "community": "所属社区编码",
    "address": "地址",
    "built_year": "建成年份",
    "building_count": "楼栋数",
    "households": "户数",
    "management_mode": "管理模式",
    "property_firm": "物业企业",
    "has_owners_committee": "有业委会",
    "has_maintenance_fund": "有维修资金",
    "credit_code": "物业企业统一社会信用代码",
    "tier": "社区分类",
    "reason": "分类依据",
    "effective_year": "分类年份",
}

TRUE_WORDS = {"是", "有", "y", "yes", "true", "1", "√"}
FALSE_WORDS = {"否", "无", "没有", "n", "no", "false", "0", "×", ""}
LIST_SEPARATORS = re.compile(r"[;；,，、\s]+")

# What a row names by its parent's code column (所属街道编码, 所属社区编码), and what is said when it is missing.
PARENT_LABELS = {Street: _("所属街道"), Community: _("所属社区")}
MISSING_PARENT = {
    Street: _("所属街道编码“%(code)s”在%(district)s不存在：请先导入该街道，或检查该街道所在行的错误。"),
    Community: _("所属社区编码“%(code)s”在%(district)s不存在：请先导入该社区，或检查该社区所在行的错误。"),
}
# The sheet named with an error about the whole file (which is no sheet's).
FILE = "文件"


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
class RowOutcome:
    """What one row became (or would have become, in a dry run or a file with errors), and why not."""

    sheet: str
    row: int
    code: str
    name: str
    outcome: str
    said: list[Said] = field(default_factory=list)

    @property
    def message(self) -> str:
        return " ".join(chinese(kept) for kept in self.said)

    def as_json(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "code": self.code,
            "name": self.name,
            "outcome": self.outcome,
            "message": self.message,
            "said": self.said,
            "label": of_record(OUTCOME_LABELS[self.outcome]),
        }


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    district: District
    dry_run: bool = False
    counts: dict[str, Counts] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    rows: list[RowOutcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def saved(self) -> bool:
        return self.ok and not self.dry_run

    def count(self, kind: str) -> Counts:
        return self.counts.setdefault(kind, Counts())

    def count_rows(self) -> list[tuple[str, Counts]]:
        """(Chinese label, counts) in tree order, for pages and the command."""
        order = [Kind.STREETS, Kind.COMMUNITIES, Kind.COMPOUNDS, BUILDINGS, FIRMS, Kind.GRIDS]
        return [(of_record(COUNT_LABELS[k]), self.counts[k]) for k in order if k in self.counts]

    def as_json(self) -> dict[str, Any]:
        """The outcome an OrgImport keeps (compounds.importing.jobs): labels and messages in Chinese, the messages
        also as msgids with their values for the result page to say in its reader's language."""
        return {
            "ok": self.ok,
            "saved": self.saved,
            "dry_run": self.dry_run,
            "counts": {label: vars(c) for label, c in self.count_rows()},
            "errors": [e.as_json() for e in self.errors],
            "rows": [r.as_json() for r in self.rows],
        }


def can_import(actor: User | None, district: District) -> bool:
    """District officials import into their own district; platform administrators into any."""
    return has(actor, "compounds.import", district)


def org_import(
    *,
    actor: User | None,
    district: District,
    sheets: list[Sheet],
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import `sheets` (parents first) into `district`. Saves everything or, on any error, nothing.

    `actor` is a user allowed by can_import, or a SystemActor (the import_org command, the import task); None
    raises MissingActor. `progress(done, total)` is told every 20 rows and at the end.
    """
    require(require_actor(actor), "compounds.import", district)
    report = ImportReport(district=district, dry_run=dry_run)
    # In the source language: a message made with gettext comes out as its msgid (compounds.importing.said).
    with translation.override(None), transaction.atomic():
        # One import per district at a time: a second one waits here and then sees the first one's rows.
        District.objects.select_for_update().get(pk=district.pk)
        importer = _Importer(district=district, actor=actor, report=report, progress=progress)
        importer.total = sum(len(sheet.rows) for sheet in sheets)
        for sheet in sheets:
            importer.import_sheet(sheet)
        if progress is not None:
            progress(importer.total, importer.total)
        if report.errors or dry_run:
            transaction.set_rollback(True)
    return report


def org_import_start(
    *, actor: User, district: District, name: str, data: bytes, dry_run: bool = False, kind: str | None = None
) -> tuple[OrgImport, ImportReport | None]:
    """Keep an uploaded file as an OrgImport and read it: a short file is imported at once, as the uploader (the
    report is returned with the job); a long one is handed to the Celery task (compounds.tasks.run_org_import_task)
    after the commit, and the report is None. Raises ImportFileError for a file that cannot be read (nothing
    kept)."""
    require(require_actor(actor), "compounds.import", district)
    sheets = read_file(io.BytesIO(data), name=name, kind=kind)
    rows = sum(len(sheet.rows) for sheet in sheets)
    job = jobs.job_create(
        model=OrgImport,
        actor=actor,
        district=district,
        name=name,
        data=data,
        dry_run=dry_run,
        total_rows=rows,
        result={"kind": kind or ""},
    )
    if rows > jobs.INLINE_ROWS:
        from compounds.tasks import run_org_import_task

        jobs.job_enqueue(task=run_org_import_task, job=job)
        return job, None
    report = org_import(actor=actor, district=district, sheets=sheets, dry_run=dry_run)
    jobs.job_finish(job, report.as_json())
    return job, report


def org_import_run(*, actor: Any, job: OrgImport, data: bytes, progress: jobs.Progress) -> dict[str, Any]:
    """The task's work on a kept file (compounds.importing.jobs.job_run): the outcome to keep."""
    try:
        sheets = read_file(io.BytesIO(data), name=job.file_name, kind=job.result.get("kind") or None)
    except ImportFileError as error:
        report = ImportReport(district=job.district, dry_run=job.dry_run, errors=[RowError(FILE, 0, error.said)])
        return report.as_json()
    report = org_import(actor=actor, district=job.district, sheets=sheets, dry_run=job.dry_run, progress=progress)
    return report.as_json()


class _Importer:
    def __init__(
        self,
        *,
        district: District,
        actor: User | None,
        report: ImportReport,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.district = district
        self.actor = actor
        self.report = report
        self.progress = progress
        self.done = self.total = 0
        self.handlers: dict[str, Callable[[dict[str, str]], str]] = {
            Kind.STREETS: self.street_row,
            Kind.COMMUNITIES: self.community_row,
            Kind.COMPOUNDS: self.compound_row,
            Kind.GRIDS: self.grid_row,
        }
        self.pending: dict[str, int] = {}  # side counts (firms, buildings) of the row being imported
        self.pending_known: list[tuple[type[models.Model], str, Any]] = []  # rows saved by the row being imported
        # Read-through caches of the district's rows (a miss falls back to the database), so that a
        # 400-compound file takes seconds. A row's own saves enter them only once the row has succeeded.
        self.known: dict[type[models.Model], dict[str, Any]] = {}
        self.building_names: dict[int, set[str]] | None = None
        self.coverage_index: dict[int, tuple[dict[str, str], dict[tuple[str, str], int]]] = {}

    def import_sheet(self, sheet: Sheet) -> None:
        missing = sheet.missing_columns()
        if missing:
            message = said(_("缺少必填列：%(columns)s。"), {"columns": "、".join(missing)})
            self.report.errors.append(RowError(sheet.title, 1, message))
            self.report.rows.append(RowOutcome(sheet.title, 1, "", "", REFUSED, [message]))
            self._tick(len(sheet.rows))
            return
        counts = self.report.count(sheet.kind)
        code_header = next(c.header for c in COLUMNS[sheet.kind] if c.key == "code")
        name_header = next(c.header for c in COLUMNS[sheet.kind] if c.key == "name")
        first_seen: dict[str, int] = {}
        for number, values in sheet.rows:
            self._tick(1)
            code, name = values.get(code_header, ""), values.get(name_header, "")
            messages = self._row(sheet, number, values, code, code_header, first_seen, counts)
            outcome = messages if isinstance(messages, str) else REFUSED
            refused = [] if isinstance(messages, str) else messages
            self.report.errors.extend(RowError(sheet.title, number, m) for m in refused)
            self.report.rows.append(RowOutcome(sheet.title, number, code, name, outcome, refused))

    def _tick(self, rows: int) -> None:
        before, self.done = self.done, self.done + rows
        if self.progress is not None and self.done // 20 > before // 20:
            self.progress(self.done, self.total)

    def _row(
        self,
        sheet: Sheet,
        number: int,
        values: dict[str, str],
        code: str,
        code_header: str,
        first_seen: dict[str, int],
        counts: Counts,
    ) -> str | list[Said]:
        """Import one row: its outcome (created/updated/unchanged), or the messages that refuse it."""
        if code and code in first_seen:
            return [
                said(
                    _("%(header)s“%(code)s”与第 %(row)s 行重复。"),
                    {"header": code_header, "code": code, "row": first_seen[code]},
                )
            ]
        first_seen[code] = number
        refused = _refused_cell(values)
        if refused:
            return [refused]
        self.pending, self.pending_known = {}, []
        try:
            with transaction.atomic():  # a savepoint: a bad row leaves nothing behind
                outcome = self.handlers[sheet.kind](values)
        except ValidationError as error:
            return _messages(error)
        except DatabaseError as error:
            return [said(_("写入数据库失败：%(error)s"), {"error": str(error).strip()})]
        setattr(counts, outcome, getattr(counts, outcome) + 1)
        for kind, created in self.pending.items():
            self.report.count(kind).created += created
        for model, key, obj in self.pending_known:
            self._known(model)[key] = obj
        return outcome

    # ----- rows -------------------------------------------------------------------------------------

    def street_row(self, v: dict[str, str]) -> str:
        code = _code(v, "街道编码", validators.STREET_CODE, 9, _("街道"))
        validators.validate_code_prefix(code, self.district.code, label=_("街道"), parent_label=_("区"))
        name = _required(v, "街道名称")
        fields: dict[str, Any] = {"name": name}
        if "类型" in v or not self._existing(Street, code):
            fields["kind"] = _street_kind(v.get("类型", ""), name)
        __, outcome = self._upsert(Street, code, fields)
        return outcome

    def community_row(self, v: dict[str, str]) -> str:
        code = _code(v, "社区编码", validators.COMMUNITY_CODE, 12, _("社区"))
        street = self._parent(Street, v, "所属街道编码", validators.STREET_CODE, 9)
        tier = _tier(_required(v, "社区分类"))
        reason = _required(v, "分类依据")
        year = _year(v, "分类年份", required=True)
        community, outcome = self._upsert(Community, code, {"name": _required(v, "社区名称"), "street_id": street.pk})
        # The tier is history (community_set_tier): the same tier adds nothing, a different one adds a row.
        already_recorded = TierChange.objects.filter(community=community, tier=tier, effective_year=year).exists()
        if (outcome == CREATED or community.tier != tier) and not already_recorded:
            community_set_tier(actor=self.actor, community=community, tier=tier, reason=reason, effective_year=year)
            outcome = CREATED if outcome == CREATED else UPDATED
        return outcome

    def compound_row(self, v: dict[str, str]) -> str:
        code = _code(v, "小区编码", validators.COMPOUND_CODE, 15, _("小区"))
        community = self._parent(Community, v, "所属社区编码", validators.COMMUNITY_CODE, 12)
        mode = _mode(_required(v, "管理模式"))
        fields: dict[str, Any] = {
            "name": _required(v, "小区名称"),
            "community_id": community.pk,
            "management_mode": mode,
        }
        optional: dict[str, Callable[[], Any]] = {
            "地址": lambda: ("address", v["地址"]),
            "建成年份": lambda: ("built_year", _year(v, "建成年份")),
            "楼栋数": lambda: ("building_count", _count(v, "楼栋数")),
            "户数": lambda: ("households", _count(v, "户数")),
            "有业委会": lambda: ("has_owners_committee", _yes_no(v, "有业委会")),
            "有维修资金": lambda: ("has_maintenance_fund", _yes_no(v, "有维修资金")),
        }
        problems: list[ValidationError] = []
        for header, parse in optional.items():
            if header in v:
                try:
                    key, value = parse()
                    fields[key] = value
                except ValidationError as error:
                    problems.append(error)
        if problems:
            raise ValidationError(problems)
        if "物业企业名称" in v or "物业企业统一社会信用代码" in v:
            firm = self._firm(v, mode)
            fields["property_firm_id"] = firm.pk if firm else None
        compound, outcome = self._upsert(Compound, code, fields)
        self._number_buildings(compound)
        return outcome

    def grid_row(self, v: dict[str, str]) -> str:
        code = _code(v, "网格编码", validators.COMPOUND_CODE, 15, _("网格"))
        community = self._parent(Community, v, "所属社区编码", validators.COMMUNITY_CODE, 12)
        building_ids = self._coverage(v, community) if ("覆盖楼栋" in v or "覆盖小区" in v) else None
        grid, outcome = self._upsert(Grid, code, {"name": _required(v, "网格名称"), "community_id": community.pk})
        if building_ids and outcome == CREATED:
            Grid.buildings.through.objects.bulk_create(
                Grid.buildings.through(grid_id=grid.pk, building_id=pk) for pk in sorted(building_ids)
            )
        elif building_ids is not None and set(grid.buildings.values_list("pk", flat=True)) != building_ids:
            grid.buildings.set(building_ids)
            outcome = CREATED if outcome == CREATED else UPDATED
        return outcome

    # ----- helpers ----------------------------------------------------------------------------------

    def _known(self, model: type[models.Model]) -> dict[str, Any]:
        """The district's rows of `model` by code (firms by credit code), loaded on first use."""
        if model not in self.known:
            key = "credit_code" if model is PropertyFirm else "code"
            rows = model._default_manager.filter(district=self.district)
            self.known[model] = {getattr(obj, key): obj for obj in rows}
        return self.known[model]

    def _existing(self, model: type[models.Model], code: str) -> Any:
        """This district's row with `code`, or None. Only this district's rows are ever looked up for an
        update: a code that another district holds fails the model's unique check on create instead (and
        the prefix checks refuse it before that)."""
        return self._known(model).get(code)

    def _upsert(self, model: type[models.Model], code: str, fields: dict[str, Any]) -> tuple[Any, str]:
        obj = self._existing(model, code)
        if obj is None:
            obj = model(district=self.district, code=code, **fields)
            obj.full_clean()
            obj.save()
            self.pending_known.append((model, code, obj))
            return obj, CREATED
        changed = [key for key, value in fields.items() if getattr(obj, key) != value]
        if not changed:
            return obj, UNCHANGED
        for key in changed:
            setattr(obj, key, fields[key])
        obj.full_clean()
        obj.save(update_fields=changed)
        return obj, UPDATED

    def _parent(
        self, model: type[models.Model], v: dict[str, str], header: str, pattern: re.Pattern, digits: int
    ) -> Any:
        code = _code(v, header, pattern, digits, PARENT_LABELS[model])
        parent = (
            self._known(model).get(code) or model._default_manager.filter(district=self.district, code=code).first()
        )
        if parent is not None:
            return parent
        # Another district's code gets the same answer as a code that exists nowhere: an import never tells
        # one district what another one holds.
        raise ValidationError(MISSING_PARENT[model], params={"code": code, "district": self.district.name})

    def _firm(self, v: dict[str, str], mode: str) -> PropertyFirm | None:
        name = v.get("物业企业名称", "")
        credit_code = v.get("物业企业统一社会信用代码", "").upper()
        if not name and not credit_code:
            return None
        firms = PropertyFirm.objects.filter(district=self.district)
        if not credit_code:
            matches = list(firms.filter(name=name)[:2])
            if len(matches) == 1:
                return matches[0]
            raise ValidationError(
                gettext("请填写物业企业“%(name)s”的统一社会信用代码（本区没有登记该名称的企业）。"),
                params={"name": name},
            )
        firm = self._known(PropertyFirm).get(credit_code)
        if firm is not None:
            return firm
        if not name:
            raise ValidationError(
                gettext("统一社会信用代码为“%(code)s”的企业未在本区登记，请填写物业企业名称。"),
                params={"code": credit_code},
            )
        firm = PropertyFirm(
            district=self.district,
            name=name,
            credit_code=credit_code,
            is_state_fallback=mode == ManagementMode.STATE_FALLBACK,
        )
        firm.full_clean()
        firm.save()
        self.pending_known.append((PropertyFirm, credit_code, firm))
        self.pending[FIRMS] = self.pending.get(FIRMS, 0) + 1
        return firm

    def _number_buildings(self, compound: Compound) -> None:
        """Add buildings 1号楼, 2号楼, … until the compound has as many as its 楼栋数. Never removes any:
        grids and work orders may point at them."""
        if self.building_names is None:
            self.building_names = {}
            for compound_id, name in Building.objects.filter(district=self.district).values_list("compound_id", "name"):
                self.building_names.setdefault(compound_id, set()).add(name)
        names = self.building_names.get(compound.pk, set())
        missing = compound.building_count - len(names)
        if missing <= 0:
            return
        new_names, number = [], 1
        while len(new_names) < missing:
            if f"{number}号楼" not in names:
                new_names.append(f"{number}号楼")
            number += 1
        share, rest = divmod(compound.households, compound.building_count) if compound.building_count else (0, 0)
        Building.objects.bulk_create(
            Building(district=self.district, compound=compound, name=name, households=share + (1 if i < rest else 0))
            for i, name in enumerate(new_names)
        )
        self.pending[BUILDINGS] = self.pending.get(BUILDINGS, 0) + len(new_names)
        self.building_names[compound.pk] = names | set(new_names)  # the row's last step: it has succeeded

    def _coverage(self, v: dict[str, str], community: Community) -> set[int]:
        # Grids come after compounds: a community's compounds and buildings no longer change here.
        if community.pk not in self.coverage_index:
            compounds = dict(Compound.objects.filter(community=community).values_list("code", "name"))
            rows = Building.objects.filter(compound__community=community).values_list("compound__code", "name", "pk")
            self.coverage_index[community.pk] = (compounds, {(code, name): pk for code, name, pk in rows})
        compounds, buildings = self.coverage_index[community.pk]
        ids: set[int] = set()
        problems: list[ValidationError] = []
        for code in _items(v.get("覆盖小区", "")):
            if code not in compounds:
                message = gettext("覆盖小区“%(code)s”不是网格所在社区“%(community)s”的小区。")
                problems.append(ValidationError(message, params={"code": code, "community": community.name}))
                continue
            ids.update(pk for (of, __), pk in buildings.items() if of == code)
        for item in _items(v.get("覆盖楼栋", "")):
            compound_code, building_name = _split_building(item)
            if not building_name:
                message = gettext("覆盖楼栋应写成“小区编码:楼栋名”（如 %(example)s），收到的是“%(item)s”。")
                example = f"{community.code}001:1号楼"
                problems.append(ValidationError(message, params={"example": example, "item": item}))
                continue
            if compound_code not in compounds:
                message = gettext("覆盖楼栋“%(item)s”的小区不是网格所在社区“%(community)s”的小区。")
                problems.append(ValidationError(message, params={"item": item, "community": community.name}))
                continue
            building_id = buildings.get((compound_code, building_name))
            if building_id is None:
                message = gettext("覆盖楼栋“%(item)s”不存在：小区“%(compound)s”没有“%(building)s”。")
                params = {"item": item, "compound": compounds[compound_code], "building": building_name}
                problems.append(ValidationError(message, params=params))
                continue
            ids.add(building_id)
        if problems:
            raise ValidationError(problems)
        return ids


def _refused_cell(values: dict[str, str]) -> Said | None:
    """The message for the first cell of a row that accounts.text's rule refuses (a control character, a NUL,
    an overlong cell), or None."""
    for header, text in values.items():
        problem = text_problem(text)
        if problem is not None:
            return said(
                _("“%(header)s”%(problem)s"), {"header": strip_forbidden(header), "problem": from_error(problem)[0]}
            )
    return None


def _split_building(item: str) -> tuple[str, str]:
    """ "610116001001001:1号楼" → ("610116001001001", "1号楼"); no separator → (item, "")."""
    parts = re.split(r"[:：/]", item, maxsplit=1)
    if len(parts) != 2:
        return item, ""
    return parts[0].strip(), parts[1].strip()


def _items(text: str) -> list[str]:
    return [item for item in LIST_SEPARATORS.split(text or "") if item]


def _required(v: dict[str, str], header: str) -> str:
    value = v.get(header, "").strip()
    if not value:
        raise ValidationError(gettext("“%(header)s”不能为空。"), params={"header": header})
    return value


def _code(v: dict[str, str], header: str, pattern: re.Pattern, digits: int, label: Any) -> str:
    code = _required(v, header)
    validators.validate_code(code, pattern=pattern, digits=digits, label=label)
    return code


def _year(v: dict[str, str], header: str, *, required: bool = False) -> int | None:
    text = v.get(header, "").strip()
    if not text:
        if required:
            raise ValidationError(gettext("“%(header)s”不能为空。"), params={"header": header})
        return None
    text = text.removesuffix("年")
    if not re.fullmatch(r"\d{4}", text):
        message = gettext("“%(header)s”应为四位数字的年份（如 2005），收到的是“%(value)s”。")
        raise ValidationError(message, params={"header": header, "value": v[header]})
    return int(text)


def _count(v: dict[str, str], header: str) -> int:
    text = v.get(header, "").strip().replace(",", "").replace("，", "")
    if not text:
        return 0
    if not re.fullmatch(r"\d+", text):
        message = gettext("“%(header)s”应为不小于 0 的整数，收到的是“%(value)s”。")
        raise ValidationError(message, params={"header": header, "value": v[header]})
    return int(text)


def _yes_no(v: dict[str, str], header: str) -> bool:
    text = v.get(header, "").strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    message = gettext("“%(header)s”应填“是”或“否”，收到的是“%(value)s”。")
    raise ValidationError(message, params={"header": header, "value": v[header]})


def _mode(text: str) -> str:
    for mode in ManagementMode:
        if text in (mode.value, of_record(mode.label), of_record(mode.label).removesuffix("物业")):
            return mode.value
    labels = "、".join(of_record(m.label) for m in ManagementMode)
    raise ValidationError(
        gettext("“管理模式”应为 %(labels)s 之一，收到的是“%(text)s”。"), params={"labels": labels, "text": text}
    )


def _tier(text: str) -> str:
    letter = text.strip().upper().removesuffix("类")
    if letter in Tier.values:
        return letter
    raise ValidationError(gettext("“社区分类”应为 A、B、C、D 之一，收到的是“%(text)s”。"), params={"text": text})


def _street_kind(text: str, name: str) -> str:
    for kind in StreetKind:
        if text in (kind.value, of_record(kind.label)):
            return kind.value
    if text:
        raise ValidationError(gettext("“类型”应为 街道 或 镇，收到的是“%(text)s”。"), params={"text": text})
    return StreetKind.TOWN if name.endswith("镇") else StreetKind.STREET


def _messages(error: ValidationError) -> list[Said]:
    """A model's ValidationError as kept messages, each saying which column it is about."""
    if not hasattr(error, "error_dict"):
        return from_error(error)
    lines = []
    for key, errors in error.error_dict.items():
        header = FIELD_HEADERS.get(key)
        for kept in from_error(ValidationError(errors)):
            on_column = key != NON_FIELD_ERRORS and header is not None
            lines.append(said(_("%(header)s：%(message)s"), {"header": header, "message": kept}) if on_column else kept)
    return lines
