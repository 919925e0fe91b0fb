"""Our own JSON: {"format": "tsunagu-catalog", "version": 1, "resources": [Resource.to_dict(), ...]}.

A bare list of resource objects is accepted too. HSDS JSON is a different format with its own
reader (registered in catalog.importer); `looks_like_hsds` lets the importer tell them apart.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from catalog import values
from catalog.model import RESOURCE_FIELDS, Resource
from catalog.taxonomy import Taxonomy
from catalog.validation import DuplicateChecker, ValidationReport, check_cell, validate_resource

FORMAT_NAME = "json"
FORMAT_TAG = "tsunagu-catalog"
FORMAT_VERSION = 1

_TUPLE_FIELDS = {f.name for f in dataclasses.fields(Resource) if f.type == "tuple[str, ...]"}
_BOOL_FIELDS = {f.name for f in dataclasses.fields(Resource) if f.type == "bool | None"}
_INT_FIELDS = {"age_min_months", "age_max_months"}
_FLOAT_FIELDS = {"lat", "lon"}


def looks_like_json(data: bytes, filename: str | None) -> bool:
    if filename and filename.lower().endswith(".json"):
        return True
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return head in (b"{", b"[")


def looks_like_hsds(document: Any) -> bool:
    return isinstance(document, dict) and any(k in document for k in ("organizations", "services", "service_at_location"))


def dumps(resources: list[Resource]) -> str:
    document = {"format": FORMAT_TAG, "version": FORMAT_VERSION, "resources": [r.to_dict() for r in resources]}
    return json.dumps(document, ensure_ascii=False, indent=2)


def parse_document(data: bytes, report: ValidationReport) -> Any | None:
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        report.error("bad_encoding", f"JSON は UTF-8 でなければなりません（{exc.start + 1} バイト目）",
                     f"JSON must be UTF-8 (byte {exc.start + 1})")
    except json.JSONDecodeError as exc:
        report.error("bad_json", f"JSON として読めません: {exc.lineno} 行 {exc.colno} 列", f"invalid JSON: {exc}",
                     row=exc.lineno)
    return None


def _typed(name: str, value: Any) -> Any:
    """Check one field's JSON type; ValueParseError when it does not fit the model."""
    if value is None:
        return None
    ok = True
    if name in _TUPLE_FIELDS:
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        value = tuple(value) if ok else value
    elif name in _BOOL_FIELDS:
        ok = isinstance(value, bool)
    elif name in _INT_FIELDS:
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    elif name in _FLOAT_FIELDS:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif name == "verified_on":
        return values.parse_date(value) if isinstance(value, str) else _bad(name, value)
    elif name == "extra":
        ok = isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    else:
        ok = isinstance(value, str)
    return value if ok else _bad(name, value)


def _bad(name: str, value: Any) -> Any:
    shown = json.dumps(value, ensure_ascii=False)[:40]
    raise values.ValueParseError(f"「{name}」の値 {shown} の型が違います", f"'{name}' has the wrong type: {shown}")


def document_to_resources(document: Any, report: ValidationReport, taxonomy: Taxonomy) -> list[Resource]:
    items = document.get("resources") if isinstance(document, dict) else document
    if not isinstance(items, list):
        report.error("bad_json", "JSON に resources の一覧がありません", "the JSON has no 'resources' list")
        return []
    if not items:
        report.error("no_rows", "資源が1件もありません", "no resources in the file")
        return []
    duplicates = DuplicateChecker()
    resources: list[Resource] = []
    for row, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            report.error("bad_json", f"resources[{row - 1}] がオブジェクトではありません", f"resources[{row - 1}] is not an object", row=row)
            continue
        kwargs: dict[str, Any] = {"id": "", "name": "", "category": ""}
        for name, raw in item.items():
            if name not in RESOURCE_FIELDS:
                report.warn("unknown_field", f"項目「{name}」は使いません", f"field '{name}' is ignored", row=row, column=name)
                continue
            if isinstance(raw, str) and not check_cell(report, row, name, raw):
                continue
            try:
                value = _typed(name, raw)
            except values.ValueParseError as exc:
                report.error("bad_value", exc.message_ja, exc.message_en, row=row, column=name)
                continue
            if value is not None:
                kwargs[name] = value
        if isinstance(kwargs.get("category"), str) and kwargs["category"]:
            found = taxonomy.resolve(kwargs["category"])
            kwargs["category"] = found.code if found else kwargs["category"]
        resource = Resource(**kwargs)
        validate_resource(report, resource, row, taxonomy, {f: f for f in RESOURCE_FIELDS})
        duplicates.check(report, resource.id, row, "id")
        resources.append(resource)
    return resources
