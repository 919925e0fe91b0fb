"""xlsx bytes → Table (first worksheet), with every cell as the text a person would type.

Formulas are read as their text (`=HYPERLINK(...)`), never evaluated, so the formula check can
warn about them like in CSV.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time

from catalog.formats.table import Table, clean_header
from catalog.validation import ValidationReport

XLSX_MAGIC = b"PK\x03\x04"


def looks_like_xlsx(data: bytes, filename: str | None) -> bool:
    if filename and filename.lower().endswith((".xlsx", ".xlsm")):
        return True
    return data.startswith(XLSX_MAGIC)


def cell_text(value: object) -> str:
    """The text of a cell value: 12.0 → '12', a midnight datetime → '2026-04-01', 7:30 → '07:30'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


def read_xlsx_table(data: bytes, report: ValidationReport) -> Table | None:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        report.error(
            "bad_xlsx",
            f"Excel ファイル（xlsx）として開けません: {exc}",
            f"cannot open the file as xlsx: {exc}",
        )
        return None
    try:
        sheet = workbook.worksheets[0]
        report.info["sheet"] = sheet.title
        header: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [cell_text(v) for v in values]
            if header is None:
                if any(c.strip() for c in cells):
                    header = clean_header(cells)
                continue
            rows.append((number, cells))
    finally:
        workbook.close()
    if header is None:
        report.error("empty_file", "シートが空です", "the worksheet is empty")
        return None
    # Trailing header cells that are empty come from formatting, not columns.
    while header and not header[-1]:
        header.pop()
    width = len(header)
    rows = [(n, _trim(cells, width)) for n, cells in rows]
    return Table(header, rows)


def _trim(cells: list[str], width: int) -> list[str]:
    """Drop empty cells beyond the header (styling makes read-only rows wider than the data)."""
    end = len(cells)
    while end > width and not cells[end - 1]:
        end -= 1
    return cells[:end]
