"""xlsx and our JSON format."""

import io
import json
from datetime import date, datetime, time

from openpyxl import Workbook

from catalog.export import export_json
from catalog.importer import read_catalog
from catalog.model import Resource
from tests.catalog.helpers import HEADER, good_row


def xlsx_bytes(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_with_typed_cells_reads_like_the_text_a_person_typed():
    header = ["ID", "名称", "分類", "対象年齢_下限_月", "緯度", "確認日", "夜間対応", "料金"]
    data = xlsx_bytes([[101, "ひろば", "regional_hub", 6.0, 34.5, datetime(2026, 4, 1), True, time(7, 30)]], header)
    result = read_catalog(data)  # recognised by magic bytes, no file name
    assert result.format == "xlsx" and result.report.ok, result.report.to_text()
    r = result.resources[0]
    assert (r.id, r.age_min_months, r.lat, r.verified_on, r.night, r.fee) == ("101", 6, 34.5, date(2026, 4, 1), True, "07:30")


def test_xlsx_formulas_are_text_and_warned_never_evaluated():
    data = xlsx_bytes([good_row(1, 名称='=HYPERLINK("http://x","y")')])
    result = read_catalog(data, filename="c.xlsx")
    assert result.resources[0].name == '=HYPERLINK("http://x","y")'
    assert [i.code for i in result.report.issues] == ["formula_like"]


def test_xlsx_errors_use_sheet_rows():
    data = xlsx_bytes([good_row(1), good_row(2, 名称="")])
    [issue] = read_catalog(data).report.errors
    assert (issue.code, issue.row) == ("missing_name", 3)


def test_broken_xlsx():
    result = read_catalog(b"PK\x03\x04 not really a zip", filename="c.xlsx")
    assert [i.code for i in result.report.errors] == ["bad_xlsx"]


def test_opendata_layout_in_xlsx():
    header = ["名称", "種別", "受入年齢", "利用可能曜日", "開始時間", "終了時間", "ID"]
    result = read_catalog(xlsx_bytes([["A園", "保育所", "1歳から", "月火水木金", time(7, 0), time(18, 0), "A"]], header))
    assert result.format == "opendata_childcare:xlsx"
    assert result.resources[0].opening_hours == "Mo-Fr 07:00-18:00; PH unknown"


def test_json_round_trip_and_validation():
    resources = [Resource(id="a", name="窓口", category="consultation_hub", verified_on=date(2026, 1, 2), extra={"備考": "x"})]
    result = read_catalog(export_json(resources).encode())
    assert result.format == "json" and result.report.ok
    assert result.resources == resources and result.resources[0].extra == {"備考": "x"}

    bad = [{"id": "a", "name": "", "category": "nope", "age_min_months": "three", "lat": 99, "lon": 131}, {"id": "a", "name": "x", "category": "daycare", "colour": 1}]
    result = read_catalog(json.dumps(bad).encode(), filename="c.json")
    got = {(i.code, i.row) for i in result.report.issues}
    assert got == {("missing_name", 1), ("unknown_category", 1), ("bad_value", 1), ("lat_out_of_range", 1), ("duplicate_id", 2), ("unknown_field", 2)}


def test_invalid_json():
    result = read_catalog(b'{"resources": [', filename="c.json")
    assert [i.code for i in result.report.errors] == ["bad_json"]
