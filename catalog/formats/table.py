"""A sheet of text cells with spreadsheet row numbers: what CSV and xlsx readers produce.

Row-level checks that do not depend on the layout live here: more cells than the header, cells
that are too long or look like formulas.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from catalog.validation import ValidationReport, check_cell

PROGRESS_MIN_ROWS = 300


class Table(NamedTuple):
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row number, cells); the header is row 1


def clean_header(header: list[str]) -> list[str]:
    # A BOM read as text, full-width spaces and stray blanks must not hide a known column.
    return [h.replace("\ufeff", "").strip().strip("\u3000").strip() for h in header]


def check_header(table: Table, report: ValidationReport) -> bool:
    """Duplicate column names make a row ambiguous: an error."""
    seen: set[str] = set()
    ok = True
    for name in table.header:
        if name and name in seen:
            report.error(
                "duplicate_column",
                f"見出し「{name}」が2回以上あります",
                f"column '{name}' appears more than once",
                row=1,
                column=name,
            )
            ok = False
        seen.add(name)
    return ok


def unescape(text: str) -> str:
    """Undo the apostrophe our export puts before = + - @ so spreadsheets show them as text."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text


def records(table: Table, report: ValidationReport, *, progress: bool = False) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, {column: text}) for each non-blank row, after the row-level checks.

    Cells that fail a check (too long) are left out of the record; the error is in the report.
    """
    width = len(table.header)
    rows = table.rows
    bar = None
    if progress and len(rows) > PROGRESS_MIN_ROWS:
        from rich.console import Console
        from rich.progress import Progress

        bar = Progress(console=Console(stderr=True), transient=True)
        task = bar.add_task("取り込み中 (importing)", total=len(rows))
        bar.start()
    unnamed_reported: set[int] = set()
    try:
        for number, cells in rows:
            if bar is not None:
                bar.advance(task)
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > width:
                extra = [c for c in cells[width:] if c.strip()]
                if extra:
                    report.error(
                        "extra_cells",
                        f"見出しより多いセルがあります（見出し {width} 列、この行 {len(cells)} 列）: {extra[0][:30]}",
                        f"more cells than the header ({width} columns, this row has {len(cells)})",
                        row=number,
                    )
            record: dict[str, str] = {}
            for index, (name, text) in enumerate(zip(table.header, cells)):
                if not text:
                    continue
                if not name:
                    if text.strip() and index not in unnamed_reported:
                        unnamed_reported.add(index)
                        report.warn(
                            "unnamed_column",
                            f"見出しのない {index + 1} 列目に値があります。この列は読みません",
                            f"column {index + 1} has values but no header; it is not read",
                            row=number,
                        )
                    continue
                text = unescape(text)
                if check_cell(report, number, name, text):
                    record[name] = text
            yield number, record
    finally:
        if bar is not None:
            bar.stop()
