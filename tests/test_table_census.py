"""The phone tables census: on a phone a data table is a stack of cards, one per row, and each value is shown beside
its column's name — which the cell carries itself, in `data-label` (static/css/capillary.css: `.data-table td::before
{ content: attr(data-label) }`; the table's head is hidden there). A cell without it shows a bare value: "v3",
"2026-Q3", "12.4" with nothing to say what they are.

Every template's data tables are read here (the templates, so that a table no test renders is read too): each body
cell has a `data-label` that names something (translated like its heading), or spans the row (`colspan`: "nothing
yet"). No template is excused: the funding, ratings and staffing tables that predated the rule have their labels now.
"""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
TAG_ATTRS = r"(?:[^>{]|\{[^}]*\})*"  # a tag's attributes, with template tags inside them ({% translate "…" %})
TABLE = re.compile(rf"<table\b{TAG_ATTRS}\bdata-table\b{TAG_ATTRS}>.*?</table>", re.S)
CELL = re.compile(rf"<td\b{TAG_ATTRS}>", re.S)
HEAD = re.compile(r"<thead\b.*?</thead>", re.S)


def templates() -> list[Path]:
    return sorted(path for path in ROOT.glob("**/templates/**/*.html") if ".venv" not in path.parts)


def unlabelled_cells(text: str) -> list[str]:
    """The body cells of the template's data tables that carry neither a `data-label` with a name nor `colspan`."""
    found = []
    for table in TABLE.findall(text):
        for cell in CELL.findall(HEAD.sub("", table)):
            if ("data-label=" not in cell or 'data-label=""' in cell) and "colspan=" not in cell:
                found.append(re.sub(r"\s+", " ", cell)[:80])
    return found


def test_the_census_finds_a_bare_cell_and_accepts_a_labelled_one():
    bare = '<table class="data-table"><thead><tr><th>版本</th></tr></thead><tbody><tr><td>v1</td></tr></tbody></table>'
    labelled = bare.replace("<td>", '<td data-label="{% translate "版本" %}">')
    empty = bare.replace("<td>", '<td colspan="3" class="empty">')
    nameless = bare.replace("<td>", '<td data-label="">')
    assert unlabelled_cells(bare) == ["<td>"] and unlabelled_cells(nameless) == ['<td data-label="">']
    assert unlabelled_cells(labelled) == [] and unlabelled_cells(empty) == []
    assert unlabelled_cells(bare.replace("data-table", "plain")) == []  # not a data table: no cards on a phone


def test_every_data_table_cell_carries_its_columns_name_for_the_phone():
    missing = {}
    for path in templates():
        if cells := unlabelled_cells(path.read_text(encoding="utf-8")):
            missing[str(path.relative_to(ROOT))] = cells
    assert not missing, "data-table cells without data-label (bare values on a phone):\n" + "\n".join(
        f"{name}: {cells}" for name, cells in missing.items()
    )
