"""The spreadsheet importer (compounds/importing): good files, bad rows, repeated imports, tier history,
the import_org command. The file helpers at the top are shared with test_import_views.py."""

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from accounts.actors import SystemActor
from compounds import validators
from compounds.importing import ImportFileError, org_import, read_file
from compounds.models import Building, Community, Compound, Grid, PropertyFirm, Street, TierChange
from tests.factories import DistrictFactory

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

pytestmark = pytest.mark.django_db


def credit_code(body: str) -> str:
    first17 = f"91610116{body}"
    return first17 + validators.credit_code_check_character(first17)


STREET_HEADERS = ["街道编码", "街道名称"]
COMMUNITY_HEADERS = ["社区编码", "社区名称", "所属街道编码", "社区分类", "分类依据", "分类年份"]
COMPOUND_HEADERS = [
    "小区编码",
    "小区名称",
    "所属社区编码",
    "地址",
    "建成年份",
    "楼栋数",
    "户数",
    "管理模式",
    "物业企业名称",
    "物业企业统一社会信用代码",
    "有业委会",
    "有维修资金",
]
GRID_HEADERS = ["网格编码", "网格名称", "所属社区编码", "覆盖楼栋", "覆盖小区"]

FIRM_CODE = credit_code("MA6TAB001")
STATE_FIRM_CODE = credit_code("MA6TAB002")


def good_sheets() -> dict[str, list[list]]:
    """A small district as a workbook: codes typed as numbers in places, as Excel users do."""
    return {
        "街道": [STREET_HEADERS, [610116001, "樊川街道"], [610116002, "神禾街道"]],
        "社区": [
            COMMUNITY_HEADERS,
            [610116001001, "青龙社区", 610116001, "A", "新建商品房小区为主", 2023],
            [610116002001, "白鹿社区", 610116002, "B类", "老旧小区密集", 2024],
        ],
        "小区": [
            COMPOUND_HEADERS,
            [
                "610116001001001",
                "锦绣花园",
                "610116001001",
                "樊川路1号",
                2010,
                3,
                300,
                "市场化物业",
                "西安安居物业服务有限公司",
                FIRM_CODE,
                "是",
                "是",
            ],
            [
                "610116002001001",
                "电子厂家属院",
                "610116002001",
                "神禾路2号",
                1990,
                2,
                81,
                "业主自管",
                "",
                "",
                "否",
                "否",
            ],
            [
                "610116002001002",
                "秦川小区",
                "610116002001",
                "神禾路8号",
                1998,
                4,
                160,
                "国有兜底物业",
                "长安区国有物业兜底服务有限公司",
                STATE_FIRM_CODE,
                "否",
                "是",
            ],
        ],
        "网格": [
            GRID_HEADERS,
            ["610116001001001", "青龙社区第1网格", "610116001001", "610116001001001:1号楼；610116001001001:2号楼", ""],
            ["610116002001001", "白鹿社区第1网格", "610116002001", "", "610116002001001;610116002001002"],
        ],
    }


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        worksheet = workbook.create_sheet(title)
        for row in rows:
            worksheet.append(row)
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8-sig") -> Path:
    with open(path, "w", newline="", encoding=encoding) as handle:
        csv.writer(handle).writerows(rows)
    return path


def import_path(path: Path, district, *, actor=SYSTEM, kind=None, dry_run=False):
    return org_import(actor=actor, district=district, sheets=read_file(path, kind=kind), dry_run=dry_run)


def counts(report) -> dict[str, tuple[int, int, int]]:
    return {label: (c.created, c.updated, c.unchanged) for label, c in report.count_rows()}


def errors(report) -> list[tuple[str, int, str]]:
    return [(e.sheet, e.row, e.message) for e in report.errors]


def snapshot(district) -> dict:
    """Everything an import can touch in a district, to compare before and after."""
    return {
        "streets": sorted(Street.objects.filter(district=district).values_list("code", "name", "kind")),
        "communities": sorted(
            Community.objects.filter(district=district).values_list("code", "name", "street__code", "tier")
        ),
        "tiers": sorted(
            TierChange.objects.filter(district=district).values_list("community__code", "tier", "effective_year")
        ),
        "compounds": sorted(
            Compound.objects.filter(district=district).values_list(
                "code",
                "name",
                "address",
                "built_year",
                "building_count",
                "households",
                "management_mode",
                "property_firm__credit_code",
                "has_owners_committee",
                "has_maintenance_fund",
            )
        ),
        "buildings": sorted(
            Building.objects.filter(district=district).values_list("compound__code", "name", "households")
        ),
        "firms": sorted(PropertyFirm.objects.filter(district=district).values_list("credit_code", "name")),
        "grids": sorted(
            Grid.objects.filter(district=district).values_list(
                "code", "name", "buildings__compound__code", "buildings__name"
            )
        ),
    }


@pytest.fixture
def district(db):
    return DistrictFactory(code="610116", name="长安区")


# ----- good files ------------------------------------------------------------------------------------


def test_a_workbook_builds_the_tree(district, tmp_path):
    # given a workbook with the four sheets street offices keep
    path = write_xlsx(tmp_path / "长安区台账.xlsx", good_sheets())
    # when
    report = import_path(path, district)
    # then
    assert report.ok, errors(report)
    assert counts(report) == {
        "街道": (2, 0, 0),
        "社区": (2, 0, 0),
        "小区": (3, 0, 0),
        "楼栋": (9, 0, 0),
        "物业企业": (2, 0, 0),
        "网格": (2, 0, 0),
    }
    community = Community.objects.get(code="610116002001")
    assert (community.name, community.street.name, community.tier, community.tier_since) == (
        "白鹿社区",
        "神禾街道",
        "B",
        2024,
    )
    assert list(community.tier_history.values_list("tier", "reason", "effective_year")) == [("B", "老旧小区密集", 2024)]
    garden = Compound.objects.get(code="610116001001001")
    assert (garden.name, garden.built_year, garden.households, garden.management_mode) == (
        "锦绣花园",
        2010,
        300,
        "commercial",
    )
    assert (garden.property_firm.name, garden.property_firm.credit_code) == ("西安安居物业服务有限公司", FIRM_CODE)
    assert list(garden.buildings.order_by("name").values_list("name", "households")) == [
        ("1号楼", 100),
        ("2号楼", 100),
        ("3号楼", 100),
    ]
    fallback = Compound.objects.get(code="610116002001002")
    assert fallback.property_firm.is_state_fallback and fallback.management_mode == "state_fallback"
    assert Compound.objects.filter(district=district, is_three_no=True).get().name == "电子厂家属院"
    assert sorted(Grid.objects.get(code="610116001001001").buildings.values_list("name", flat=True)) == [
        "1号楼",
        "2号楼",
    ]
    assert Grid.objects.get(code="610116002001001").buildings.count() == 6  # all buildings of the two compounds


def test_importing_the_same_workbook_twice_changes_nothing(district, tmp_path):
    path = write_xlsx(tmp_path / "台账.xlsx", good_sheets())
    assert import_path(path, district).ok
    before = snapshot(district)
    # when
    report = import_path(path, district)
    # then
    assert report.ok
    assert counts(report) == {"街道": (0, 0, 2), "社区": (0, 0, 2), "小区": (0, 0, 3), "网格": (0, 0, 2)}
    assert snapshot(district) == before


def test_csv_files_one_kind_each_detected_from_headers_or_given(district, tmp_path):
    sheets = good_sheets()
    files = [
        write_csv(tmp_path / "streets.csv", sheets["街道"]),
        write_csv(tmp_path / "communities.csv", sheets["社区"], encoding="gb18030"),  # Excel on Chinese Windows
        write_csv(tmp_path / "compounds.csv", sheets["小区"]),
        write_csv(tmp_path / "export.csv", sheets["网格"]),
    ]
    for path in files:
        assert import_path(path, district).ok
    assert (Street.objects.count(), Community.objects.count(), Compound.objects.count(), Grid.objects.count()) == (
        2,
        2,
        3,
        2,
    )
    # the kind can also be given, whatever the headers say first
    report = import_path(files[2], district, kind="compounds")
    assert counts(report)["小区"] == (0, 0, 3)


def test_a_changed_row_is_updated_and_only_that_row(district, tmp_path):
    sheets = good_sheets()
    assert import_path(write_xlsx(tmp_path / "a.xlsx", sheets), district).ok
    sheets["小区"][2][6] = 95  # 电子厂家属院: 81 → 95 households
    sheets["小区"][2][10] = "是"  # it now has an owners' committee: no longer three-no
    report = import_path(write_xlsx(tmp_path / "b.xlsx", {"小区": sheets["小区"]}), district)
    assert counts(report) == {"小区": (0, 1, 2)}
    compound = Compound.objects.get(code="610116002001001")
    assert (compound.households, compound.has_owners_committee, compound.is_three_no) == (95, True, False)


def test_a_tier_change_is_recorded_as_history_and_the_same_tier_adds_nothing(district, tmp_path):
    sheets = good_sheets()
    assert import_path(write_xlsx(tmp_path / "a.xlsx", sheets), district).ok
    # when: 白鹿 moves from B to A in 2026, 青龙 stays A with another reason
    sheets["社区"][2][3:6] = ["A", "完成老旧小区改造", 2026]
    sheets["社区"][1][4] = "复核后维持"
    report = import_path(write_xlsx(tmp_path / "b.xlsx", {"社区": sheets["社区"]}), district)
    # then
    assert counts(report) == {"社区": (0, 1, 1)}
    moved = Community.objects.get(code="610116002001")
    assert (moved.tier, moved.tier_since, moved.tier_reason) == ("A", 2026, "完成老旧小区改造")
    assert list(moved.tier_history.values_list("tier", "effective_year")) == [("A", 2026), ("B", 2024)]
    assert Community.objects.get(code="610116001001").tier_history.count() == 1
    # and importing the changed file again adds nothing
    again = import_path(write_xlsx(tmp_path / "c.xlsx", {"社区": sheets["社区"]}), district)
    assert counts(again) == {"社区": (0, 0, 2)}
    assert TierChange.objects.filter(district=district).count() == 3


def test_a_dry_run_reports_the_counts_and_saves_nothing(district, tmp_path):
    report = import_path(write_xlsx(tmp_path / "a.xlsx", good_sheets()), district, dry_run=True)
    assert report.ok and report.dry_run and counts(report)["小区"] == (3, 0, 0)
    assert not Street.objects.exists() and not Compound.objects.exists() and not PropertyFirm.objects.exists()


# ----- bad rows --------------------------------------------------------------------------------------


def compound_row(**changes) -> list:
    """A compound row for the `tree` fixture's community 610116001001 (a new compound, 009)."""
    row = dict(
        zip(
            COMPOUND_HEADERS,
            [
                "610116001001009",
                "新建小区",
                "610116001001",
                "樊川路9号",
                2015,
                2,
                200,
                "市场化物业",
                "西安安居物业服务有限公司",
                FIRM_CODE,
                "是",
                "是",
            ],
            strict=True,
        )
    )
    row.update(changes)
    return [row[h] for h in COMPOUND_HEADERS]


BAD_COMPOUND_ROWS = {
    "bad code length": ({"小区编码": "61011600100109"}, "小区编码应为 15 位数字"),
    "code not prefixed by its parent's": ({"小区编码": "610116001002009"}, "应以所属社区的编码“610116001001”开头"),
    "unknown parent": (
        {"小区编码": "610116009009009", "所属社区编码": "610116009009"},
        "所属社区编码“610116009009”在长安区不存在",
    ),
    "parent in another district": (
        {"小区编码": "610113001001009", "所属社区编码": "610113001001"},
        "所属社区编码“610113001001”在长安区不存在",
    ),
    "year not a number": ({"建成年份": "二〇〇五"}, "“建成年份”应为四位数字的年份"),
    "implausible year": ({"建成年份": 1850}, "建成年份应在 1900 至 2100 之间"),
    "bad management mode": (
        {"管理模式": "物业公司"},
        "“管理模式”应为 市场化物业、国有兜底物业、社区托管、业主自管 之一",
    ),
    "bad credit code": (
        {"物业企业统一社会信用代码": FIRM_CODE[:17] + ("0" if FIRM_CODE[17] != "0" else "1")},
        "校验位不正确",
    ),
    "firm with a mode that has no firm": (
        {"管理模式": "业主自管"},
        "只有市场化物业或国有兜底物业的小区才能填写物业企业",
    ),
    "bad yes/no": ({"有业委会": "可能"}, "“有业委会”应填“是”或“否”"),
    "negative households": ({"户数": "-5"}, "“户数”应为不小于 0 的整数"),
    "missing name": ({"小区名称": ""}, "“小区名称”不能为空"),
}


@pytest.mark.parametrize("changes, message", BAD_COMPOUND_ROWS.values(), ids=BAD_COMPOUND_ROWS.keys())
def test_a_bad_compound_row_is_reported_and_nothing_is_saved(tree, other_tree, tmp_path, changes, message):
    # given: row 2 updates an existing compound (a good row), row 3 is bad
    before = snapshot(tree.district)
    existing = tree.compounds[0]
    good = compound_row(
        **{
            "小区编码": existing.code,
            "小区名称": existing.name,
            "户数": 999,
            "物业企业名称": "",
            "物业企业统一社会信用代码": "",
        }
    )
    path = write_csv(tmp_path / "小区.csv", [COMPOUND_HEADERS, good, compound_row(**changes)])
    # when
    report = import_path(path, tree.district)
    # then: the error names the file, row 3 and the problem in Chinese
    assert not report.ok
    assert [(sheet, row) for sheet, row, _ in errors(report)] == [("小区.csv", 3)], errors(report)
    assert message in report.errors[0].message, errors(report)
    # and nothing was saved: not the good row, not a firm; the other district is untouched too
    assert snapshot(tree.district) == before
    assert Compound.objects.get(pk=existing.pk).households == 480
    assert not PropertyFirm.objects.filter(credit_code=FIRM_CODE).exists()
    assert not Compound.objects.filter(code__endswith="009").exists()


def test_bad_rows_of_every_sheet_are_all_reported_with_their_sheet_and_row(district, tmp_path):
    sheets = good_sheets()
    sheets["街道"].append([610113001, "外区街道"])  # row 4: another district's code
    sheets["社区"][1][3] = "E"  # row 2: no such tier
    sheets["社区"].append([610116002002, "新社区", 610116002, "A", "新建", 1999])  # row 4: before tiers existed
    sheets["小区"].append(sheets["小区"][1])  # row 5: the same code as row 2
    sheets["网格"][2][4] = "610116001001001"  # row 3: a compound of another community
    report = import_path(write_xlsx(tmp_path / "坏.xlsx", sheets), district)
    found = errors(report)
    assert [(s, r) for s, r, _ in found] == [
        ("街道", 4),
        ("社区", 2),
        ("社区", 4),
        ("小区", 2),  # its community (row 2 of 社区) was refused
        ("小区", 5),
        ("网格", 2),  # the same
        ("网格", 3),
    ], found
    messages = dict(((s, r), m) for s, r, m in found)
    assert "应以所属区的编码“610116”开头" in messages[("街道", 4)]
    assert "“社区分类”应为 A、B、C、D 之一" in messages[("社区", 2)]
    assert "生效年份应在 2000 至 2100 之间" in messages[("社区", 4)]
    assert "与第 2 行重复" in messages[("小区", 5)]
    assert "不是网格所在社区" in messages[("网格", 3)]
    assert not Street.objects.exists() and not PropertyFirm.objects.exists()


def test_a_sheet_without_a_required_column_is_refused(district, tmp_path):
    rows = [["小区编码", "小区名称"], ["610116001001001", "锦绣花园"]]
    report = import_path(write_csv(tmp_path / "小区.csv", rows), district)
    assert errors(report) == [("小区.csv", 1, "缺少必填列：所属社区编码、管理模式。")]


def test_unreadable_files_are_refused_with_a_chinese_message(tmp_path):
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "broken.xlsx").write_bytes(b"PK not really")
    (tmp_path / "other.csv").write_text("名称,电话\n张三,123\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"另存为 \.xlsx"):
        read_file(tmp_path / "old.xls")
    with pytest.raises(ImportFileError, match="文件已损坏"):
        read_file(tmp_path / "broken.xlsx")
    with pytest.raises(ImportFileError, match="无法从表头判断"):
        read_file(tmp_path / "other.csv")


def test_codes_of_another_district_never_touch_its_data(tree, other_tree, tmp_path):
    # given the other district's own street and compound, renamed in a file imported into this district
    before = snapshot(other_tree.district)
    b = other_tree
    rows_street = [STREET_HEADERS, [b.streets[0].code, "改名街道"]]
    rows_compound = [
        COMPOUND_HEADERS,
        compound_row(**{"小区编码": b.compounds[0].code, "所属社区编码": b.communities[0].code}),
    ]
    # when
    street_report = import_path(write_csv(tmp_path / "s.csv", rows_street), tree.district)
    compound_report = import_path(write_csv(tmp_path / "c.csv", rows_compound), tree.district)
    # then
    assert "应以所属区的编码“610116”开头" in street_report.errors[0].message
    assert "在长安区不存在" in compound_report.errors[0].message
    assert snapshot(other_tree.district) == before


def test_another_districts_code_gets_the_same_answer_as_an_unknown_code(tree, other_tree, tmp_path):
    # given: one row whose community belongs to the other district, one whose community exists nowhere
    b = other_tree
    foreign = compound_row(**{"小区编码": f"{b.communities[0].code}009", "所属社区编码": b.communities[0].code})
    unknown = compound_row(**{"小区编码": "610113009009009", "所属社区编码": "610113009009"})
    # when
    foreign_report = import_path(write_csv(tmp_path / "a.csv", [COMPOUND_HEADERS, foreign]), tree.district)
    unknown_report = import_path(write_csv(tmp_path / "b.csv", [COMPOUND_HEADERS, unknown]), tree.district)
    # then: the two answers differ only in the code the file gave; neither says the code exists elsewhere
    said = [r.errors[0].message for r in (foreign_report, unknown_report)]
    assert said[0].replace(b.communities[0].code, "CODE") == said[1].replace("610113009009", "CODE"), said
    assert all("其他区" not in message for message in said)


def test_only_the_districts_officials_may_import(tree, other_tree, tmp_path):
    path = write_csv(tmp_path / "s.csv", [STREET_HEADERS, ["610116009", "新街道"]])
    for user in [*tree.users[1:], other_tree.official]:
        with pytest.raises(PermissionDenied):
            import_path(path, tree.district, actor=user)
    assert not Street.objects.filter(code="610116009").exists()
    report = import_path(path, tree.district, actor=tree.official)
    assert report.ok and Street.objects.get(code="610116009").district == tree.district


# ----- the command -----------------------------------------------------------------------------------


def test_the_command_imports_a_workbook_and_prints_the_counts(district, tmp_path):
    path = write_xlsx(tmp_path / "台账.xlsx", good_sheets())
    out = io.StringIO()
    call_command("import_org", str(path), "--district", "610116", stdout=out)
    assert "小区：新增 3，更新 0，未变 0" in out.getvalue()
    out = io.StringIO()
    call_command("import_org", str(path), "--district", "610116", stdout=out)
    assert "小区：新增 0，更新 0，未变 3" in out.getvalue()


def test_the_command_reports_bad_rows_and_saves_nothing(district, tmp_path):
    sheets = good_sheets()
    parents = {"街道": sheets["街道"], "社区": sheets["社区"]}
    assert import_path(write_xlsx(tmp_path / "parents.xlsx", parents), district).ok
    sheets["小区"][3][7] = "物业公司"
    path = write_csv(tmp_path / "compounds.csv", sheets["小区"])
    err = io.StringIO()
    with pytest.raises(CommandError, match="发现 1 处错误，未保存任何数据"):
        call_command("import_org", str(path), "--district", "610116", "--kind", "compounds", stderr=err)
    assert "compounds.csv 第 4 行：“管理模式”应为" in err.getvalue()
    assert not Compound.objects.exists()


def test_the_command_dry_run_saves_nothing(district, tmp_path):
    out = io.StringIO()
    call_command(
        "import_org",
        str(write_xlsx(tmp_path / "a.xlsx", good_sheets())),
        "--district",
        "610116",
        "--dry-run",
        stdout=out,
    )
    assert "试运行：未保存任何数据" in out.getvalue()
    assert not Compound.objects.exists()
