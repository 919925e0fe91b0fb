import pytest

from catalog.errors import UnsupportedFormat
from catalog.importer import format_names, read_catalog, register_format
from tests.catalog.helpers import catalog_csv, good_row


def codes(result):
    return [i.code for i in result.report.issues]


def test_valid_catalog_csv_in_utf8_with_and_without_bom_and_cp932():
    text = catalog_csv([good_row(1), good_row(2)])
    for data in (text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("cp932")):
        result = read_catalog(data, filename="c.csv")
        assert result.report.ok, result.report.to_text()
        assert result.format == "csv"
        assert [r.name for r in result.resources] == ["ひろば1", "ひろば2"]
        assert result.resources[0].service_areas == ("北",)


def test_english_keys_and_category_names_are_accepted():
    header = ["id", "name", "category", "secondary_categories", "pregnant_ok", "languages"]
    result = read_catalog(catalog_csv([["a", "窓口", "一時預かり事業", "児童館；family_support_center", "○", "ja;EN"]], header).encode())
    assert result.report.ok, result.report.to_text()
    r = result.resources[0]
    assert (r.category, r.secondary_categories) == ("temporary_care", ("childrens_hall", "family_support_center"))
    assert r.pregnant_ok is True and r.languages == ("ja", "en")


def test_empty_cells_are_unknown():
    result = read_catalog(catalog_csv([["a", "窓口", "daycare"]], ["ID", "名称", "分類", "夜間対応"]).encode())
    assert result.resources[0].night is None


def test_missing_name_and_unknown_category_are_located_by_spreadsheet_row():
    result = read_catalog(catalog_csv([good_row(1), good_row(2, 名称=""), good_row(3, 分類="宇宙センター")]).encode())
    errors = {(i.code, i.row, i.column) for i in result.report.errors}
    assert ("missing_name", 3, "名称") in errors
    assert ("unknown_category", 4, "分類") in errors
    assert len(result.resources) == 3  # returned for display, but the report is not ok
    assert not result.report.ok


def test_bad_values():
    rows = [
        good_row(1, 開所時間="いつでも"),
        good_row(2, 対象年齢_下限_月="36", 対象年齢_上限_月="12"),
        good_row(3, 緯度="95.0"),
        good_row(4, 経度="200"),
        good_row(5, 対象年齢_下限_月="三か月"),
    ]
    got = {(i.code, i.row) for i in read_catalog(catalog_csv(rows).encode()).report.errors}
    assert got == {("bad_hours", 2), ("age_min_gt_max", 3), ("lat_out_of_range", 4), ("lon_out_of_range", 5), ("bad_age", 6)}


def test_duplicate_id_names_the_first_row():
    result = read_catalog(catalog_csv([good_row(1), good_row(2), good_row(1)]).encode())
    [issue] = result.report.errors
    assert (issue.code, issue.row) == ("duplicate_id", 4)
    assert "2" in issue.message_ja


def test_full_width_ids_are_normalised_before_the_duplicate_check():
    result = read_catalog(catalog_csv([good_row(1, ID="Ｒ１"), good_row(1)]).encode())
    assert result.resources[0].id == "R1"
    assert codes(result) == ["duplicate_id"]


def test_cp932_file_with_a_broken_byte_says_where():
    data = catalog_csv([good_row(1), good_row(2), good_row(3)]).encode("cp932")
    lines = data.split(b"\r\n")
    lines[2] = lines[2].replace("ひろば".encode("cp932"), b"\x82\xff\x82\xeb")  # 0x82 0xFF is not CP932
    result = read_catalog(b"\r\n".join(lines))
    [issue] = result.report.errors
    assert issue.code == "bad_encoding" and issue.row == 3
    assert "0xFF" in issue.message_ja
    assert result.resources == []


def test_mixed_encodings_name_the_odd_lines():
    utf8 = catalog_csv([good_row(1), good_row(2), good_row(3)]).encode("utf-8").split(b"\r\n")
    utf8[3] = catalog_csv([good_row(3)]).split("\r\n")[1].encode("cp932")
    result = read_catalog(b"\r\n".join(utf8))
    assert "mixed_encoding" in codes(result)
    mixed = next(i for i in result.report.errors if i.code == "mixed_encoding")
    assert mixed.row == 4 and "CP932" in mixed.message_ja


def test_utf16_is_refused_with_advice():
    result = read_catalog(catalog_csv([good_row()]).encode("utf-16"))
    assert codes(result) == ["bad_encoding"] and "UTF-16" in result.report.errors[0].message_ja


@pytest.mark.parametrize("data", [b"", b"   \r\n", b"\xef\xbb\xbf"])
def test_empty_file(data):
    assert codes(read_catalog(data, filename="x.csv")) == ["empty_file"]


def test_header_only():
    assert codes(read_catalog(catalog_csv([]).encode())) == ["no_rows"]


def test_no_header():
    result = read_catalog(catalog_csv([good_row(2)], header=good_row(1)).encode())
    assert codes(result) == ["no_header"]


def test_missing_required_column():
    result = read_catalog(catalog_csv([["a", "x"]], ["ID", "名称"]).encode())
    assert codes(result) == ["missing_column"] and result.report.errors[0].column == "分類"


@pytest.mark.parametrize("delimiter, word", [("\t", "タブ"), (";", "セミコロン")])
def test_wrong_delimiter_is_detected(delimiter, word):
    result = read_catalog(catalog_csv([good_row()], delimiter=delimiter).encode())
    assert codes(result) == ["wrong_delimiter"]
    assert word in result.report.errors[0].message_ja


def test_huge_cell_is_an_error():
    result = read_catalog(catalog_csv([good_row(1, 名称="あ" * 10_001)]).encode())
    assert "cell_too_long" in codes(result)
    result = read_catalog(catalog_csv([good_row(1, 名称="a" * 200_000)]).encode())
    assert "cell_too_long" in codes(result)


def test_formula_like_cells_are_kept_as_text_with_a_warning():
    rows = [good_row(1, 名称='=HYPERLINK("http://evil","x")'), good_row(2, 名称="@SUM(A1)"), good_row(3, 名称="-2+3+cmd|' /C calc'!A0")]
    result = read_catalog(catalog_csv(rows).encode())
    assert result.report.ok
    assert [i.code for i in result.report.warnings] == ["formula_like"] * 3
    assert result.resources[0].name == '=HYPERLINK("http://evil","x")'


def test_plus_and_minus_in_honest_data_do_not_warn():
    result = read_catalog(catalog_csv([good_row(1, 経度="-122.4")] + [good_row(2, 名称="-")]).encode())
    assert result.report.issues == []


def test_more_cells_than_the_header_is_an_error_but_trailing_empty_cells_are_not():
    text = catalog_csv([good_row(1) + ["extra"], good_row(2) + ["", ""]])
    result = read_catalog(text.encode())
    assert [(i.code, i.row) for i in result.report.issues] == [("extra_cells", 2)]


def test_unknown_columns_are_kept_as_extra_with_one_warning():
    rows = [["a", "窓口", "daycare", "駅前"], ["b", "窓口2", "daycare", "駅北"]]
    result = read_catalog(catalog_csv(rows, ["ID", "名称", "分類", "最寄り駅"]).encode())
    assert codes(result) == ["unknown_column"]
    assert result.resources[1].extra == {"最寄り駅": "駅北"}


def test_a_path_is_read_with_its_name(tmp_path):
    path = tmp_path / "catalog.csv"
    path.write_text(catalog_csv([good_row()]), encoding="utf-8")
    assert read_catalog(path).report.ok
    assert read_catalog(str(path)).resources[0].id == "R1"


def test_format_registry_has_a_hook_for_more_readers():
    import catalog.importer as importer

    assert format_names()[-1] == "csv"
    assert "hsds" in format_names()  # catalog.formats.hsds registers itself
    saved = list(importer._READERS)

    def read_hsds(data, report, ctx):
        return [], "hsds-replaced"

    register_format("hsds", lambda data, name: False, read_hsds)  # replaces the built-in one
    try:
        assert read_catalog(b'{"services": []}', filename="x.json").format == "hsds-replaced"
        assert format_names().index("hsds") < format_names().index("csv")
        importer._READERS = [r for r in importer._READERS if r.name != "hsds"]
        with pytest.raises(UnsupportedFormat):
            read_catalog(b'{"organizations": [], "services": []}', filename="hsds.json")
    finally:
        importer._READERS = saved


def test_progress_bar_does_not_change_the_result():
    from tests.catalog.synthetic import synthetic_catalog_csv

    data = synthetic_catalog_csv(400).encode()
    assert read_catalog(data, progress=True).resources == read_catalog(data).resources
