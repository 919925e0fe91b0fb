"""Our catalog columns (shared/catalog-format.md): Table → resources, and the column list export uses.

Each column is known by its Japanese header or its English key. Columns we do not know are kept
in Resource.extra under their header (with one warning each, so a typo in a header is noticed);
`extra:NAME` columns, as written by our own export, are kept silently.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

from catalog import values
from catalog.formats.table import Table, records
from catalog.model import Resource
from catalog.taxonomy import Taxonomy
from catalog.validation import DuplicateChecker, ValidationReport, validate_resource

EXTRA_PREFIX = "extra:"


class Column(NamedTuple):
    field: str
    header: str  # Japanese header
    kind: str  # text | code | multi | category | categories | months | bool | lat | lon | date | hours | languages
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("id", "ID", "code", True),
    Column("name", "名称", "text", True),
    Column("name_kana", "名称_カナ", "text"),
    Column("category", "分類", "category", True),
    Column("secondary_categories", "副分類", "categories"),
    Column("description", "説明", "text"),
    Column("example_concerns", "こんなときに", "multi"),
    Column("keywords", "キーワード", "multi"),
    Column("age_min_months", "対象年齢_下限_月", "months"),
    Column("age_max_months", "対象年齢_上限_月", "months"),
    Column("pregnant_ok", "妊婦対象", "bool"),
    Column("eligibility_note", "対象者", "text"),
    Column("service_areas", "地区", "multi"),
    Column("municipality_code", "全国地方公共団体コード", "code"),
    Column("address", "住所", "text"),
    Column("lat", "緯度", "lat"),
    Column("lon", "経度", "lon"),
    Column("phone", "電話番号", "code"),
    Column("url", "URL", "text"),
    Column("opening_hours", "開所時間", "hours"),
    Column("night", "夜間対応", "bool"),
    Column("holiday", "休日対応", "bool"),
    Column("overnight", "宿泊", "bool"),
    Column("fee", "料金", "text"),
    Column("free", "無料", "bool"),
    Column("reservation", "予約", "bool"),
    Column("languages", "対応言語", "languages"),
    Column("provider", "運営", "text"),
    Column("verified_on", "確認日", "date"),
)
COLUMN_BY_FIELD = {c.field: c for c in COLUMNS}
REQUIRED = tuple(c for c in COLUMNS if c.required)


def _fold(name: str) -> str:
    return values.nfkc(name).strip().lower().replace(" ", "")


_BY_NAME: dict[str, Column] = {}
for _c in COLUMNS:
    _BY_NAME[_fold(_c.header)] = _c
    _BY_NAME[_fold(_c.field)] = _c


def column_for(header: str) -> Column | None:
    return _BY_NAME.get(_fold(header))


def is_catalog_header(header: list[str]) -> bool:
    """Two or more of our columns: a person meant this layout (missing ones are then reported)."""
    return sum(1 for h in header if column_for(h)) >= 2


_PARSE_FAILURE_CODE = {
    "bool": "bad_boolean",
    "months": "bad_age",
    "lat": "bad_number",
    "lon": "bad_number",
    "date": "bad_date",
}
_PARSERS: dict[str, Callable[[str], Any]] = {
    "text": values.clean,
    "code": values.normalise_code,
    "multi": values.split_multi,
    "months": values.parse_int,
    "bool": values.parse_bool,
    "lat": values.parse_lat,
    "lon": values.parse_lon,
    "date": values.parse_date,
    "hours": lambda t: values.clean(values.nfkc(t)),
    "languages": lambda t: tuple(values.nfkc(x).lower() for x in values.split_multi(t)),
}


def _resolve_category(value: str, taxonomy: Taxonomy) -> str:
    """A code from a code or (short) name; unknown values are kept so validation names them."""
    found = taxonomy.resolve(value)
    return found.code if found else value.strip()


def _parse_cell(column: Column, text: str, taxonomy: Taxonomy) -> Any:
    if column.kind == "category":
        return _resolve_category(text, taxonomy) if values.clean(text) else ""
    if column.kind == "categories":
        return tuple(dict.fromkeys(_resolve_category(v, taxonomy) for v in values.split_multi(text)))
    return _PARSERS[column.kind](text)


def table_to_resources(
    table: Table, report: ValidationReport, taxonomy: Taxonomy, *, progress: bool = False
) -> list[Resource]:
    mapping: dict[str, Column] = {}
    extra_names: dict[str, str] = {}
    for name in table.header:
        if not name:
            continue
        column = column_for(name)
        if column is not None:
            mapping[name] = column
        elif name.lower().startswith(EXTRA_PREFIX):
            extra_names[name] = name[len(EXTRA_PREFIX) :]
        else:
            extra_names[name] = name
            report.warn(
                "unknown_column",
                f"列「{name}」は既知の列ではありません。値は追加情報（extra）として保存します",
                f"column '{name}' is not a catalog column; its values are kept as extra",
                row=1,
                column=name,
            )
    present = set(c.field for c in mapping.values())
    missing = [c for c in REQUIRED if c.field not in present]
    for column in missing:
        report.error(
            "missing_column",
            f"必須の列「{column.header}」（{column.field}）がありません",
            f"required column '{column.header}' ({column.field}) is missing",
            row=1,
            column=column.header,
        )
    if missing:
        return []
    labels = {c.field: name for name, c in mapping.items()}
    duplicates = DuplicateChecker()
    resources: list[Resource] = []
    for row, record in records(table, report, progress=progress):
        kwargs: dict[str, Any] = {"id": "", "name": "", "category": ""}
        extra: dict[str, str] = {}
        for name, text in record.items():
            column = mapping.get(name)
            if column is None:
                extra[extra_names[name]] = text
                continue
            try:
                value = _parse_cell(column, text, taxonomy)
            except values.OutOfRange as exc:
                report.error(f"{column.field}_out_of_range", exc.message_ja, exc.message_en, row=row, column=name)
                continue
            except values.ValueParseError as exc:
                code = _PARSE_FAILURE_CODE.get(column.kind, "bad_value")
                report.error(code, exc.message_ja, exc.message_en, row=row, column=name)
                continue
            if value is not None:
                kwargs[column.field] = value
        resource = Resource(**kwargs, extra=extra)
        validate_resource(report, resource, row, taxonomy, labels)
        duplicates.check(report, resource.id, row, labels.get("id", "ID"))
        resources.append(resource)
    return resources
