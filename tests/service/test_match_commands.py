"""`tsunagu rank` (the batch contract of ARCHITECTURE.md) and `tsunagu eval`, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from service.cli import app

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data/sample/catalog.csv"
GOLD = ROOT / "data/eval/concerns.jsonl"
runner = CliRunner()


def _write_lines(path: Path, lines: list[dict | str]) -> Path:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    return path


def test_rank_writes_one_contract_line_per_query(tmp_path):
    queries = _write_lines(tmp_path / "q.jsonl", [
        {"id": "q1", "text": "もう夜中だけど、親を病院に連れて行くので、子どもをあずかってほしい", "child_age_months": 30},
        "this line is not json",
        {"id": "q2", "text": "子どもがボタン電池を飲み込んだ"},
        {"id": "q3", "text": "学童に入りたい", "area": "北地区", "needed_at": "2026-11-30T16:00+09:00", "language": "ja"},
    ])
    result = runner.invoke(app, ["rank", "--catalog", str(SAMPLE), "--queries", str(queries), "--top", "5"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    assert [x["id"] for x in lines] == ["q1", "q2", "q3"]
    for line in lines:
        assert set(line) == {"id", "results", "safety", "confidence"}
        assert 0 <= line["confidence"] <= 1 and len(line["results"]) <= 5
        for r in line["results"]:
            assert set(r) == {"resource_id", "name", "category", "score", "reasons"}
            assert isinstance(r["score"], float) and all(isinstance(x, str) for x in r["reasons"])
    assert lines[0]["results"][0]["category"] == "short_stay"
    assert lines[1]["safety"]["level"] == "urgent" and lines[1]["safety"]["contacts"]
    assert lines[2]["safety"] == {"level": "none", "contacts": []}


def test_rank_continues_past_bad_catalog_rows(tmp_path):
    catalog = tmp_path / "bad.csv"
    catalog.write_text("ID,名称,分類\nA,子育てひろば,regional_hub\nB,なぞ,不明な分類\nC,,daycare\n", encoding="utf-8")
    queries = _write_lines(tmp_path / "q.jsonl", [{"id": "x", "text": "親子で遊べる場所"}])
    result = runner.invoke(app, ["rank", "--catalog", str(catalog), "--queries", str(queries)])
    assert result.exit_code == 0
    line = json.loads(next(x for x in result.stdout.splitlines() if x.startswith("{")))
    assert "C" not in {r["resource_id"] for r in line["results"]}
    assert line["results"][0]["resource_id"] == "A"


def test_eval_prints_ours_and_both_baselines(tmp_path):
    gold = [json.loads(x) for x in GOLD.read_text(encoding="utf-8").splitlines()[:12]]
    queries = _write_lines(tmp_path / "gold.jsonl", gold)
    result = runner.invoke(app, ["eval", "--catalog", str(SAMPLE), "--queries", str(queries), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    systems = report["metrics"]["all"]
    assert set(systems) == {"tsunagu", "bm25_sudachi", "char_tfidf"}
    for metrics in systems.values():
        assert 0 <= metrics["hit3"] <= 1 and 0 <= metrics["ndcg5"] <= 1
    assert systems["tsunagu"]["n"] == 12
    assert report["safety"]["overall"]["n"] > 0 and 0 <= report["safety"]["overall"]["false_alarm_rate"] <= 1


def test_eval_compare_reports_changes_between_settings(tmp_path):
    gold = [json.loads(x) for x in GOLD.read_text(encoding="utf-8").splitlines()[:10]]
    queries = _write_lines(tmp_path / "gold.jsonl", gold)
    worse = tmp_path / "lexical_only.toml"
    worse.write_text("[ranking]\nneed_weight = 0.0\nlexical_weight = 1.0\n", encoding="utf-8")
    default = ROOT / "matcher/data/default_settings.toml"
    result = runner.invoke(app, ["eval", "--catalog", str(SAMPLE), "--queries", str(queries), "--compare", str(default), str(worse), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["metrics"]["all"]["hit3"]["A"] >= report["metrics"]["all"]["hit3"]["B"]
    assert report["worse"] and all({"id", "A", "B"} <= set(e) for e in report["worse"])
