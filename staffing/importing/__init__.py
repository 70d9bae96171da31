"""Spreadsheet import of staffing data (teams, grid members, building heads, households, rosters)."""

from staffing.importing.reading import ImportFileError, Kind, read_file
from staffing.importing.service import ImportReport, import_progress, import_sheets, import_start

__all__ = ["ImportFileError", "ImportReport", "Kind", "import_progress", "import_sheets", "import_start", "read_file"]
