"""Write resources as our catalog CSV (Japanese headers), our JSON or HSDS 3.0 JSON; all import back unchanged.

CSV cells that a spreadsheet would run as a formula (starting with = + - @) get a leading
apostrophe, which spreadsheets show as text and the importer removes again.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from catalog.formats import json_format
from catalog.formats.catalog_table import COLUMNS, EXTRA_PREFIX
from catalog.model import Resource

_BOOL_WORDS = {"reservation": ("要", "不要")}
_DEFAULT_BOOL_WORDS = ("可", "不可")


def escape_cell(text: str) -> str:
    """'=HYPERLINK(...)' → "'=HYPERLINK(...)": never executed when the CSV is opened."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _cell(field: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        yes, no = _BOOL_WORDS.get(field, _DEFAULT_BOOL_WORDS)
        return yes if value else no
    if isinstance(value, tuple):
        return ";".join(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def export_csv(resources: list[Resource], *, bom: bool = False) -> str:
    """Our catalog CSV with Japanese headers; `extra` keys become `extra:NAME` columns.

    With bom=True the text starts with U+FEFF so Excel opens it as UTF-8; encode as UTF-8.
    """
    extra_keys = list(dict.fromkeys(k for r in resources for k in r.extra))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in COLUMNS] + [EXTRA_PREFIX + k for k in extra_keys])
    for r in resources:
        cells = [_cell(c.field, getattr(r, c.field)) for c in COLUMNS]
        cells += [r.extra.get(k, "") for k in extra_keys]
        writer.writerow([escape_cell(c) for c in cells])
    text = out.getvalue()
    return "\ufeff" + text if bom else text


def export_json(resources: list[Resource]) -> str:
    return json_format.dumps(resources)


def export_hsds(resources: list[Resource]) -> str:
    """Open Referral HSDS 3.0 JSON (catalog.formats.hsds); imports back unchanged."""
    from catalog.formats import hsds

    return hsds.dumps(resources)
