import csv
import io
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.export import escape_cell, export_csv, export_json
from catalog.importer import read_catalog
from catalog.model import Resource
from catalog.taxonomy import load_taxonomy

CODES = load_taxonomy().codes
# Cell text as it survives a spreadsheet: stripped, no multi-value separators, no control chars.
_chars = st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), blacklist_characters=";；'\ufeff")
text = st.text(_chars, min_size=1, max_size=20)
maybe_text = st.none() | text
many = st.lists(text, max_size=3, unique=True).map(tuple)
maybe_bool = st.sampled_from([None, True, False])


@st.composite
def resources(draw):
    count = draw(st.integers(1, 5))
    ids = draw(st.lists(st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True), min_size=count, max_size=count, unique=True))
    out = []
    for rid in ids:
        low = draw(st.none() | st.integers(0, 100))
        high = draw(st.none() | st.integers(low or 0, 240))
        out.append(
            Resource(
                id=rid, name=draw(text), category=draw(st.sampled_from(CODES)),
                secondary_categories=tuple(draw(st.lists(st.sampled_from(CODES), max_size=2, unique=True))),
                name_kana=draw(maybe_text), description=draw(maybe_text), example_concerns=draw(many),
                keywords=draw(many), age_min_months=low, age_max_months=high, pregnant_ok=draw(maybe_bool),
                service_areas=draw(many), lat=draw(st.none() | st.floats(-90, 90)), lon=draw(st.none() | st.floats(-180, 180)),
                phone=draw(st.none() | st.from_regex(r"[0-9#+-]{1,14}", fullmatch=True)),
                opening_hours=draw(st.sampled_from([None, "24/7", "Mo-Fr 08:30-17:15; PH off"])),
                night=draw(maybe_bool), reservation=draw(maybe_bool), free=draw(maybe_bool),
                languages=tuple(draw(st.lists(st.sampled_from(["ja", "en", "vi"]), max_size=2, unique=True))),
                verified_on=draw(st.none() | st.dates(date(2000, 1, 1), date(2099, 12, 31))),
                extra=draw(st.dictionaries(st.sampled_from(["備考", "受入年齢"]), text, max_size=2)),
            )
        )
    return out


@settings(max_examples=40, deadline=None)
@given(resources())
def test_csv_and_json_round_trip(items):
    for exported in (export_csv(items), export_csv(items, bom=True), export_json(items)):
        result = read_catalog(exported.encode("utf-8"))
        assert result.report.ok, result.report.to_text()
        assert result.resources == items
        assert [r.extra for r in result.resources] == [r.extra for r in items]


def test_formula_cells_are_escaped_so_spreadsheets_show_text():
    r = Resource(id="a", name='=HYPERLINK("http://evil")', category="daycare", phone="+81-833", fee="@x")
    rows = list(csv.reader(io.StringIO(export_csv([r]))))
    header, row = rows
    cells = dict(zip(header, row))
    assert cells["名称"] == "'=HYPERLINK(\"http://evil\")"
    assert cells["電話番号"] == "'+81-833" and cells["料金"] == "'@x"
    assert escape_cell("ふつう") == "ふつう"
    assert read_catalog(export_csv([r]).encode()).resources == [r]


def test_csv_uses_japanese_headers_bool_words_and_optional_bom():
    r = Resource(id="a", name="x", category="daycare", reservation=True, night=False)
    text = export_csv([r])
    assert text.startswith("ID,名称,名称_カナ,分類")
    assert ",要," in text and ",不可," in text
    assert export_csv([r], bom=True).startswith("\ufeffID,")
