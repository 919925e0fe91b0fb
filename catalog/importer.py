"""Read a catalog file of any accepted format into resources plus a validation report.

Formats are found through a registry of readers tried in order; each has a `sniff` that looks at
the bytes and file name and a `read` that returns resources. A new format (HSDS) is added with
`register_format(...)`, placed before the CSV reader, which accepts anything as the last resort.

CSV and xlsx are tables; their header decides the layout: 自治体標準「子育て施設一覧」
(名称, 種別, 受入年齢, 利用可能曜日 ...) or our catalog columns (ID, 名称, 分類 ...).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, NamedTuple

from catalog.errors import UnsupportedFormat
from catalog.formats import catalog_table, csv_format, json_format, opendata, xlsx_format
from catalog.formats.table import Table, check_header
from catalog.model import Resource
from catalog.taxonomy import Taxonomy, load_taxonomy
from catalog.validation import ValidationReport


class ImportResult(NamedTuple):
    resources: list[Resource]
    report: ValidationReport
    format: str  # csv | xlsx | json | opendata_childcare (+ :xlsx) | hsds ...


class ReadContext(NamedTuple):
    filename: str | None
    taxonomy: Taxonomy
    progress: bool


Sniffer = Callable[[bytes, str | None], bool]
# A reader fills the report and returns (resources, format name).
Reader = Callable[[bytes, ValidationReport, ReadContext], tuple[list[Resource], str]]


class FormatReader(NamedTuple):
    name: str
    sniff: Sniffer
    read: Reader


_READERS: list[FormatReader] = []


def register_format(name: str, sniff: Sniffer, read: Reader, *, before: str | None = "csv") -> None:
    """Add (or replace) a reader; it is tried before `before` (the CSV catch-all by default)."""
    global _READERS
    readers = [r for r in _READERS if r.name != name]
    position = next((i for i, r in enumerate(readers) if r.name == before), len(readers))
    readers.insert(position, FormatReader(name, sniff, read))
    _READERS = readers


def format_names() -> list[str]:
    return [r.name for r in _READERS]


def _table_layout(table: Table, report: ValidationReport, ctx: ReadContext, container: str) -> tuple[list[Resource], str]:
    """Resources from a sheet, choosing the layout from the header."""
    if not check_header(table, report):
        return [], container
    if not any(cells and any(c.strip() for c in cells) for _, cells in table.rows):
        report.error("no_rows", "見出ししかありません（資源の行が0件）", "only a header, no resource rows", row=1)
        return [], container
    report.info["rows"] = len(table.rows)
    if opendata.is_opendata_header(table.header):
        name = opendata.FORMAT_NAME if container == "csv" else f"{opendata.FORMAT_NAME}:{container}"
        return opendata.table_to_resources(table, report, ctx.taxonomy, progress=ctx.progress), name
    if catalog_table.is_catalog_header(table.header):
        return catalog_table.table_to_resources(table, report, ctx.taxonomy, progress=ctx.progress), container
    shown = ", ".join(h for h in table.header[:5] if h)
    report.error(
        "no_header",
        f"1行目に見出し（ID, 名称, 分類 … または自治体標準の 名称, 種別 …）がありません。1行目: {shown[:80]}",
        f"row 1 is not a known header (ID, 名称, 分類 ... or the 自治体標準 名称, 種別 ...); row 1 reads: {shown[:80]}",
        row=1,
    )
    return [], container


def _read_csv(data: bytes, report: ValidationReport, ctx: ReadContext) -> tuple[list[Resource], str]:
    table = csv_format.read_csv_table(data, report)
    return _table_layout(table, report, ctx, "csv") if table is not None else ([], "csv")


def _read_xlsx(data: bytes, report: ValidationReport, ctx: ReadContext) -> tuple[list[Resource], str]:
    table = xlsx_format.read_xlsx_table(data, report)
    return _table_layout(table, report, ctx, "xlsx") if table is not None else ([], "xlsx")


def _read_json(data: bytes, report: ValidationReport, ctx: ReadContext) -> tuple[list[Resource], str]:
    document = json_format.parse_document(data, report)
    if document is None:
        return [], json_format.FORMAT_NAME
    if json_format.looks_like_hsds(document):
        hsds = next((r for r in _READERS if r.name == "hsds"), None)
        if hsds is None:
            raise UnsupportedFormat("HSDS JSON is not supported yet (register a 'hsds' reader)")
        return hsds.read(data, report, ctx)
    return json_format.document_to_resources(document, report, ctx.taxonomy), json_format.FORMAT_NAME


register_format("xlsx", xlsx_format.looks_like_xlsx, _read_xlsx, before=None)
register_format("json", json_format.looks_like_json, _read_json, before=None)
register_format("csv", lambda data, filename: True, _read_csv, before=None)

from catalog.formats import hsds as _hsds  # noqa: E402,F401 — registers the "hsds" reader


def read_catalog(
    source: str | Path | bytes,
    *,
    filename: str | None = None,
    taxonomy: Taxonomy | None = None,
    progress: bool = False,
) -> ImportResult:
    """Read a catalog from a path or bytes. Never raises on bad content: see `report`.

    `resources` may hold rows even when the report has errors (for display); callers that store
    must refuse unless `report.ok`.
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        data = path.read_bytes()
        filename = filename or path.name
    else:
        data = bytes(source)
    ctx = ReadContext(filename, taxonomy or load_taxonomy(), progress)
    report = ValidationReport()
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        report.error("empty_file", "ファイルが空です", "the file is empty")
        return ImportResult([], report, _guess_name(filename))
    for reader in _READERS:
        if reader.sniff(data, filename):
            resources, name = reader.read(data, report, ctx)
            report.info["resources"] = len(resources)
            return ImportResult(resources, report, name)
    raise UnsupportedFormat(filename or "<bytes>")  # unreachable while the CSV catch-all is registered


def _guess_name(filename: str | None) -> str:
    suffix = Path(filename).suffix.lower().lstrip(".") if filename else ""
    return suffix if suffix in ("xlsx", "json") else "csv"
