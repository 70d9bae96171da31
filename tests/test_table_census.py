"""The phone tables census: on a phone a data table is a stack of cards, one per row, and each value is shown beside
its column's name — which the cell carries itself, in `data-label` (static/css/capillary.css: `.data-table td::before
{ content: attr(data-label) }`; the table's head is hidden there). A cell without it shows a bare value: "v3",
"2026-Q3", "12.4" with nothing to say what they are.

Every template's data tables are read here (the templates, so that a table no test renders is read too): each body
cell has a `data-label` (translated like its heading), or spans the row (`colspan`: "nothing yet"). The templates that
predate the rule are listed in UNLABELLED until their cells get their labels; the list may only shrink.
"""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
TAG_ATTRS = r"(?:[^>{]|\{[^}]*\})*"  # a tag's attributes, with template tags inside them ({% translate "…" %})
TABLE = re.compile(rf"<table\b{TAG_ATTRS}\bdata-table\b{TAG_ATTRS}>.*?</table>", re.S)
CELL = re.compile(rf"<td\b{TAG_ATTRS}>", re.S)
HEAD = re.compile(r"<thead\b.*?</thead>", re.S)

# Templates whose data tables still show bare values on a phone (before this census): to be labelled, then removed.
UNLABELLED = {
    "templates/funding/_execution_table.html",
    "templates/funding/account_detail.html",
    "templates/funding/account_list.html",
    "templates/funding/bonus.html",
    "templates/funding/bonus_quarter.html",
    "templates/funding/home.html",
    "templates/funding/policy.html",
    "templates/funding/request_list.html",
    "templates/funding/sources.html",
    "templates/funding/year_end.html",
    "templates/ratings/_contracts.html",
    "templates/ratings/_score_table.html",
    "templates/ratings/firm_detail.html",
    "templates/ratings/firm_list.html",
    "templates/ratings/introduction_list.html",
    "templates/ratings/period_detail.html",
    "templates/ratings/period_inputs.html",
    "templates/ratings/period_list.html",
    "templates/ratings/report_list.html",
    "templates/ratings/score_detail.html",
    "templates/ratings/settings.html",
    "templates/staffing/_task_counts.html",
    "templates/staffing/import_detail.html",
}


def templates() -> list[Path]:
    return sorted(path for path in ROOT.glob("**/templates/**/*.html") if ".venv" not in path.parts)


def unlabelled_cells(text: str) -> list[str]:
    """The body cells of the template's data tables that carry neither `data-label` nor `colspan`."""
    found = []
    for table in TABLE.findall(text):
        for cell in CELL.findall(HEAD.sub("", table)):
            if "data-label=" not in cell and "colspan=" not in cell:
                found.append(re.sub(r"\s+", " ", cell)[:80])
    return found


def test_the_census_finds_a_bare_cell_and_accepts_a_labelled_one():
    bare = '<table class="data-table"><thead><tr><th>版本</th></tr></thead><tbody><tr><td>v1</td></tr></tbody></table>'
    labelled = bare.replace("<td>", '<td data-label="{% translate "版本" %}">')
    empty = bare.replace("<td>", '<td colspan="3" class="empty">')
    assert unlabelled_cells(bare) == ["<td>"]
    assert unlabelled_cells(labelled) == [] and unlabelled_cells(empty) == []
    assert unlabelled_cells(bare.replace("data-table", "plain")) == []  # not a data table: no cards on a phone


def test_every_data_table_cell_carries_its_columns_name_for_the_phone():
    missing = {}
    for path in templates():
        name = str(path.relative_to(ROOT))
        if name not in UNLABELLED and (cells := unlabelled_cells(path.read_text(encoding="utf-8"))):
            missing[name] = cells
    assert not missing, "data-table cells without data-label (bare values on a phone):\n" + "\n".join(
        f"{name}: {cells}" for name, cells in missing.items()
    )


def test_the_list_of_unlabelled_templates_only_shrinks():
    labelled = [name for name in UNLABELLED if not unlabelled_cells((ROOT / name).read_text(encoding="utf-8"))]
    assert not labelled, f"these templates are labelled now: take them off UNLABELLED: {labelled}"
