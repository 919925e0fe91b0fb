"""`tsunagu duplicates`, `tsunagu report quality`, `tsunagu report unmet-needs` and the HSDS
export/import round trip through the CLI, on a temporary database."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog.db import make_engine
from catalog.records import MatchLogEntry, MatchLogStore, create_record_tables
from service.cli import app

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "catalog.csv"
runner = CliRunner()


@pytest.fixture
def db(tmp_path, monkeypatch):
    for name in [n for n in __import__("os").environ if n.startswith("TSUNAGU_")]:
        monkeypatch.delenv(name)
    url = f"sqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("TSUNAGU_DATABASE_URL", url)
    return url


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_duplicates_of_a_file_as_json(db):
    result = invoke("duplicates", SAMPLE, "--json")
    assert result.exit_code == 0, result.output
    pairs = json.loads(result.output)["pairs"]
    assert {frozenset((p["a"], p["b"])) for p in pairs} == {
        frozenset(("WKB-0042", "WKB-0043")), frozenset(("WKB-0072", "WKB-0073")), frozenset(("WKB-0108", "WKB-0109"))}


def test_without_a_catalog_and_without_an_active_version_the_command_fails(db):
    result = invoke("report", "quality")
    assert result.exit_code == 1
    assert "有効なカタログがありません" in result.output


def test_quality_of_the_active_version_and_hsds_round_trip(db, tmp_path):
    assert invoke("import", SAMPLE).exit_code == 0
    result = invoke("report", "quality", "--today", "2026-11-23", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["counts"]["stale"] == 19 and report["coverage"]["gaps"] == [
        {"category": "universal_nursery", "area": "南地区"}]
    text = invoke("report", "quality", "--today", "2026-11-23").output
    assert "universal_nursery × 南地区" in text
    out = tmp_path / "sample.hsds.json"
    assert invoke("export", "--format", "hsds", "-o", out).exit_code == 0
    assert invoke("import", out).exit_code == 0
    again = invoke("duplicates", "--json")
    assert len(json.loads(again.output)["pairs"]) == 3


def test_unmet_needs_reads_the_match_log_since_a_date(db):
    assert invoke("import", SAMPLE).exit_code == 0
    engine = make_engine(db)
    create_record_tables(engine)
    MatchLogStore(engine).add_many([
        MatchLogEntry("q1", 1, ["universal_nursery"], 0.9, "high", "南地区", "1-2歳", 10, 1, "none", [], 3,
                      datetime(2026, 11, 1, tzinfo=timezone.utc)),
        MatchLogEntry("q0", 1, ["universal_nursery"], 0.9, "high", "南地区", "1-2歳", 10, 1, "none", [], 3,
                      datetime(2025, 11, 1, tzinfo=timezone.utc)),
    ])
    engine.dispose()
    result = invoke("report", "unmet-needs", "--since", "2026-01-01", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["matches"] == 1
    assert [(u["category"], u["area"], u["count"]) for u in report["unmet"]] == [("universal_nursery", "南地区", 1)]
    assert invoke("report", "unmet-needs", "--since", "yesterday").exit_code == 1
