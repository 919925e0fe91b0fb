"""The catalog commands of the tsunagu CLI (service/commands/catalog_commands.py), on a temporary database."""

import json

import pytest
from typer.testing import CliRunner

from service.cli import app
from tests.catalog.helpers import catalog_csv, good_row

runner = CliRunner()


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("TSUNAGU_DATABASE_URL", url)
    return tmp_path


def write(path, rows):
    path.write_text(catalog_csv(rows), encoding="utf-8")
    return path


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_database_url_comes_from_the_environment(db):
    from service.commands.catalog_commands import database_url

    assert database_url().startswith("sqlite:///") and str(db) in database_url()


def test_import_versions_activate_show_list_export(db):
    first = write(db / "a.csv", [good_row(1), good_row(2, 地区="南")])
    result = invoke("import", first)
    assert result.exit_code == 0, result.output
    assert "検証OK" in result.output and "版 1" in result.output
    second = write(db / "b.csv", [good_row(1)])
    assert invoke("import", second, "--no-activate").exit_code == 0
    versions = invoke("versions").output
    assert "版 1" in versions and "版 2" in versions and versions.count("有効 (active)") == 1

    listed = invoke("list", "--area", "北", "--json")
    assert [r["id"] for r in json.loads(listed.output)] == ["R1"]
    assert "2 件" in invoke("list", "--category", "地域子育て支援拠点").output
    assert invoke("list", "--category", "宇宙").exit_code == 1

    shown = invoke("show", "R2", "--json")
    assert json.loads(shown.output)["service_areas"] == ["南"]
    assert "ひろば2" in invoke("show", "R2").output
    assert invoke("show", "NOPE").exit_code == 1

    assert invoke("activate", 2).exit_code == 0
    assert invoke("show", "R2").exit_code == 1  # not in version 2
    assert invoke("activate", 9).exit_code == 1

    exported = invoke("export", "--format", "json")
    assert [r["id"] for r in json.loads(exported.output)["resources"]] == ["R1"]
    out = db / "out.csv"
    assert invoke("export", "--format", "csv", "--output", out).exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfID,")
    assert invoke("export", "--format", "xml").exit_code == 1


def test_import_with_errors_exits_1_and_stores_nothing(db):
    bad = write(db / "bad.csv", [good_row(1), good_row(1)])
    result = invoke("import", bad, "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["version"] is None and data["report"]["issues"][0]["code"] == "duplicate_id"
    assert "版がありません" in invoke("versions").output


def test_dry_run_stores_nothing(db):
    result = invoke("import", write(db / "a.csv", [good_row(1)]), "--dry-run")
    assert result.exit_code == 0 and "--dry-run" in result.output
    assert "版がありません" in invoke("versions").output


def test_commands_without_a_catalog_explain_themselves(db):
    for args in (("list",), ("show", "R1"), ("export",)):
        result = invoke(*args)
        assert result.exit_code == 1 and "有効なカタログがありません" in result.output


def test_init_imports_the_sample_only_once(db):
    sample = write(db / "sample.csv", [good_row(1)])
    first = invoke("init", "--sample", sample)
    assert first.exit_code == 0 and "初期化しました" in first.output
    write(db / "sample.csv", [good_row(1), good_row(2)])
    again = invoke("init", "--sample", sample)
    assert again.exit_code == 0 and "初期化済み" in again.output
    assert "版 2" not in invoke("versions").output


def test_init_fails_on_a_missing_or_broken_sample(db):
    assert invoke("init", "--sample", db / "nope.csv").exit_code == 1
    broken = write(db / "broken.csv", [good_row(1, 名称="")])
    result = invoke("init", "--sample", broken)
    assert result.exit_code == 1 and "missing_name" in result.output
