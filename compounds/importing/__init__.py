"""The spreadsheet importer: `read_file` turns an XLSX or CSV into sheets, `org_import` saves them into
one district all or nothing, and reports created/updated/unchanged counts or every bad row."""

from compounds.importing.reading import ImportFileError, Kind, Sheet, kind_from_text, read_file
from compounds.importing.service import (
    ImportReport,
    RowError,
    RowOutcome,
    can_import,
    org_import,
    org_import_run,
    org_import_start,
)

__all__ = [
    "ImportFileError",
    "ImportReport",
    "Kind",
    "RowError",
    "RowOutcome",
    "Sheet",
    "can_import",
    "kind_from_text",
    "org_import",
    "org_import_run",
    "org_import_start",
    "read_file",
]
