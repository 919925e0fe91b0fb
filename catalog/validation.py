"""The validation report of an import: one Issue per problem, located by spreadsheet row and column.

Row numbers are those a person sees in Excel: the header is row 1, the first resource row 2. For
JSON input the row is the 1-based position of the item in the list. Codes are stable snake_case
identifiers that tests, the API and the UI may rely on; messages are for people, in Japanese and
English.

Errors block storing the catalog (all-or-nothing); warnings do not.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal, NamedTuple

from catalog.hours import validate_hours
from catalog.model import Resource
from catalog.taxonomy import Taxonomy

Severity = Literal["error", "warning"]

MAX_CELL_CHARS = 10_000
LANGUAGE_CODES = frozenset(
    "ja en zh ko vi pt tl ne es id th my km mn fr de ru it uk ar hi bn si ur fa ms lo".split()
)


class Issue(NamedTuple):
    row: int | None
    column: str | None
    code: str
    message_ja: str
    message_en: str
    severity: Severity

    @property
    def where(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"{self.row}行目")
        if self.column:
            parts.append(f"「{self.column}」")
        return " ".join(parts) or "ファイル全体"

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()


class ValidationReport:
    """Issues found while reading one catalog file, plus facts about what was read (`info`)."""

    def __init__(self, issues: list[Issue] | None = None):
        self.issues: list[Issue] = list(issues or [])
        # Facts for people (rows read, columns kept as extra, values not mapped ...), not problems.
        self.info: dict[str, Any] = {}

    def add(
        self,
        code: str,
        message_ja: str,
        message_en: str,
        *,
        row: int | None = None,
        column: str | None = None,
        severity: Severity = "error",
    ) -> Issue:
        issue = Issue(row, column, code, message_ja, message_en, severity)
        self.issues.append(issue)
        return issue

    def error(self, code: str, message_ja: str, message_en: str, *, row=None, column=None) -> Issue:
        return self.add(code, message_ja, message_en, row=row, column=column, severity="error")

    def warn(self, code: str, message_ja: str, message_en: str, *, row=None, column=None) -> Issue:
        return self.add(code, message_ja, message_en, row=row, column=column, severity="warning")

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def codes(self) -> Counter[str]:
        return Counter(i.code for i in self.issues)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "error_count": len(self.errors),
            "warning_count": len(self.warnings),
            "issues": [i.to_dict() for i in self.issues],
            "info": dict(self.info),
        }

    def summary_line(self) -> str:
        if self.ok:
            head = "検証OK (valid)"
        else:
            head = "検証エラーあり (invalid): 取り込みできません / nothing can be stored"
        return f"{head} — エラー {len(self.errors)} 件 (errors), 警告 {len(self.warnings)} 件 (warnings)"

    def to_text(self, limit: int = 200) -> str:
        """Plain text, one issue a line, errors first; at most `limit` issues are listed."""
        lines = [self.summary_line()]
        ordered = self.errors + self.warnings
        for issue in ordered[:limit]:
            mark = "エラー" if issue.severity == "error" else "警告"
            lines.append(f"  [{mark}] {issue.where}: {issue.message_ja} ({issue.message_en}) [{issue.code}]")
        if len(ordered) > limit:
            lines.append(f"  … ほか {len(ordered) - limit} 件 (and {len(ordered) - limit} more)")
        for key, value in self.info.items():
            lines.append(f"  {key}: {value}")
        return "\n".join(lines)

    def __rich__(self):
        """A rich renderable, so `console.print(report)` shows a table."""
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        style = "bold green" if self.ok else "bold red"
        table = Table(show_header=True, header_style="bold", expand=False)
        for name in ("種別", "行", "列", "内容 (message)", "code"):
            table.add_column(name)
        ordered = self.errors + self.warnings
        for issue in ordered[:200]:
            kind = Text("エラー", style="red") if issue.severity == "error" else Text("警告", style="yellow")
            # Text(), not str: cell values are data and must never be read as rich markup.
            table.add_row(
                kind,
                Text("" if issue.row is None else str(issue.row)),
                Text(issue.column or ""),
                Text(f"{issue.message_ja}\n({issue.message_en})"),
                Text(issue.code),
            )
        parts: list[Any] = [Text(self.summary_line(), style=style)]
        if ordered:
            parts.append(table)
        if len(ordered) > 200:
            parts.append(Text(f"… ほか {len(ordered) - 200} 件 (and {len(ordered) - 200} more)"))
        for key, value in self.info.items():
            parts.append(Text(f"{key}: {value}", style="dim"))
        return Group(*parts)

    def __repr__(self) -> str:
        return f"ValidationReport(errors={len(self.errors)}, warnings={len(self.warnings)})"


# --- checks on cells and on whole resources, shared by every format ---------------------------

FORMULA_START = ("=", "+", "-", "@")


def looks_like_formula(text: str) -> bool:
    """A cell a spreadsheet would run as a formula (=HYPERLINK(...), @SUM, -2+3 ...).

    A leading + or - is common in honest data (+81 phone numbers, a lone - meaning "none",
    negative numbers), so those only count when letters or brackets follow.
    """
    if not text:
        return False
    first = text[0]
    if first in ("=", "@", "＝", "＠"):
        return True
    if first in ("+", "-", "＋", "－"):
        rest = text[1:]
        return any(c.isalpha() or c in "(（!|" for c in rest)
    return False


def check_cell(report: ValidationReport, row: int, column: str, text: str) -> bool:
    """Cell-level checks (length, formula-like). False when the cell must not be used."""
    if len(text) > MAX_CELL_CHARS:
        report.error(
            "cell_too_long",
            f"セルが長すぎます（{len(text):,} 文字、上限 {MAX_CELL_CHARS:,} 文字）",
            f"cell too long ({len(text):,} characters, limit {MAX_CELL_CHARS:,})",
            row=row,
            column=column,
        )
        return False
    if looks_like_formula(text.strip()):
        report.warn(
            "formula_like",
            f"数式のような値です。文字として扱い、実行しません: {text[:40]}",
            f"looks like a spreadsheet formula; kept as text, never executed: {text[:40]}",
            row=row,
            column=column,
        )
    return True


def validate_resource(
    report: ValidationReport,
    resource: Resource,
    row: int | None,
    taxonomy: Taxonomy,
    columns: dict[str, str] | None = None,
) -> None:
    """Rules every resource must meet, whatever format it came from.

    `columns` maps field names to the column label used in messages (Japanese header by default).
    """
    label = (columns or {}).get

    if not resource.id:
        report.error("missing_id", "ID がありません", "missing id", row=row, column=label("id", "ID"))
    if not resource.name:
        report.error("missing_name", "名称がありません", "missing name", row=row, column=label("name", "名称"))
    if not resource.category:
        report.error(
            "missing_category", "分類がありません", "missing category", row=row, column=label("category", "分類")
        )
    elif resource.category not in taxonomy:
        report.error(
            "unknown_category",
            f"分類「{resource.category}」は分類表にありません",
            f"category '{resource.category}' is not in the taxonomy",
            row=row,
            column=label("category", "分類"),
        )
    for code in resource.secondary_categories:
        if code not in taxonomy:
            report.error(
                "unknown_category",
                f"副分類「{code}」は分類表にありません",
                f"secondary category '{code}' is not in the taxonomy",
                row=row,
                column=label("secondary_categories", "副分類"),
            )
    if resource.opening_hours:
        reason = validate_hours(resource.opening_hours)
        if reason is not None:
            report.error(
                "bad_hours",
                f"開所時間「{resource.opening_hours}」を読めません（OpenStreetMap opening_hours 形式）",
                f"opening hours '{resource.opening_hours}' do not parse: {reason}",
                row=row,
                column=label("opening_hours", "開所時間"),
            )
    lo, hi = resource.age_min_months, resource.age_max_months
    if lo is not None and hi is not None and lo > hi:
        report.error(
            "age_min_gt_max",
            f"対象年齢の下限 {lo} か月が上限 {hi} か月より大きい",
            f"age minimum {lo} months is above the maximum {hi} months",
            row=row,
            column=label("age_min_months", "対象年齢_下限_月"),
        )
    if resource.lat is not None and not -90 <= resource.lat <= 90:
        report.error(
            "lat_out_of_range", f"緯度 {resource.lat} は範囲外です", f"latitude {resource.lat} out of range",
            row=row, column=label("lat", "緯度"),
        )
    if resource.lon is not None and not -180 <= resource.lon <= 180:
        report.error(
            "lon_out_of_range", f"経度 {resource.lon} は範囲外です", f"longitude {resource.lon} out of range",
            row=row, column=label("lon", "経度"),
        )
    if (resource.lat is None) != (resource.lon is None):
        report.warn(
            "half_coordinates",
            "緯度と経度の片方しかありません",
            "only one of latitude and longitude is given",
            row=row,
            column=label("lat", "緯度"),
        )
    for code in resource.languages:
        if code not in LANGUAGE_CODES:
            report.warn(
                "unknown_language",
                f"対応言語「{code}」は ISO 639-1 の言語コードとして知られていません",
                f"language '{code}' is not a known ISO 639-1 code",
                row=row,
                column=label("languages", "対応言語"),
            )


class DuplicateChecker:
    """Finds ids seen before in the same file and says where they first appeared."""

    def __init__(self) -> None:
        self.first_row: dict[str, int | None] = {}

    def check(self, report: ValidationReport, resource_id: str, row: int | None, column: str = "ID") -> None:
        if not resource_id:
            return
        if resource_id in self.first_row:
            first = self.first_row[resource_id]
            report.error(
                "duplicate_id",
                f"ID「{resource_id}」が重複しています（最初は {first} 行目）",
                f"duplicate id '{resource_id}' (first seen in row {first})",
                row=row,
                column=column,
            )
        else:
            self.first_row[resource_id] = row
