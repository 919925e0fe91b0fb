import json

from rich.console import Console

from catalog.model import Resource
from catalog.taxonomy import load_taxonomy
from catalog.validation import Issue, ValidationReport, looks_like_formula, validate_resource


def test_report_separates_errors_from_warnings_and_serialises():
    report = ValidationReport()
    assert report.ok and report.to_dict()["ok"] is True
    report.warn("formula_like", "数式", "formula", row=3, column="名称")
    assert report.ok
    report.error("missing_name", "名称がありません", "missing name", row=2, column="名称")
    assert not report.ok
    assert [i.code for i in report.errors] == ["missing_name"]
    assert [i.code for i in report.warnings] == ["formula_like"]
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert data["error_count"] == 1 and data["issues"][1] == {
        "row": 2, "column": "名称", "code": "missing_name", "message_ja": "名称がありません",
        "message_en": "missing name", "severity": "error",
    }
    assert isinstance(report.issues[0], Issue)


def test_text_and_rich_rendering_list_errors_first_and_cut_long_lists():
    report = ValidationReport()
    report.warn("w", "警告です", "a warning", row=5)
    for row in range(2, 8):
        report.error("e", "[bold]エラー[/bold]", "an error", row=row, column="ID")
    text = report.to_text(limit=3)
    lines = text.splitlines()
    assert "エラー 6 件" in lines[0] and "[エラー] 2行目" in lines[1]
    assert "ほか 4 件" in text
    console = Console(record=True, width=200)
    console.print(report)
    shown = console.export_text()
    assert "[bold]エラー[/bold]" in shown  # data is never read as markup
    assert "警告です" in shown


def test_formula_detection():
    for text in ("=1+1", "@SUM(A1)", "+HYPERLINK(x)", "-2+3+cmd|' /C calc'!A0", "＝1"):
        assert looks_like_formula(text), text
    for text in ("-", "-1.5", "+81-3-1234", "ふつう", ""):
        assert not looks_like_formula(text), text


def test_validate_resource_rules():
    report = ValidationReport()
    r = Resource(id="a", name="x", category="daycare", secondary_categories=("nope",), languages=("xx",), lat=34.0)
    validate_resource(report, r, 2, load_taxonomy())
    assert {i.code for i in report.errors} == {"unknown_category"}
    assert {i.code for i in report.warnings} == {"unknown_language", "half_coordinates"}


def test_public_api_is_exported_from_the_package():
    import catalog

    assert catalog.read_catalog.__module__ == "catalog.importer"
    assert catalog.CatalogStore.__name__ == "CatalogStore"
    assert {"export_csv", "ValidationReport", "VersionInfo"} <= set(catalog.__all__)
