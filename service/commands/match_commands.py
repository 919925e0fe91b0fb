"""`tsunagu rank` (the batch contract of ARCHITECTURE.md) and `tsunagu eval`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

DEFAULT_GOLD = Path("data/eval/concerns.jsonl")
DEFAULT_SAFETY_GOLD = Path("data/eval/safety.jsonl")
DEFAULT_CATALOG = Path("data/sample/catalog.csv")
METRIC_COLUMNS = [
    ("hit1", "hit@1"),
    ("hit3", "hit@3"),
    ("ndcg5", "nDCG@5"),
    ("mrr", "MRR"),
    ("crisis_recall", "crisis recall"),
    ("false_alarm_rate", "false alarms"),
    ("confidence_auc", "conf. AUC"),
    ("age_violations", "age viol."),
    ("area_violations", "area viol."),
    ("time_violations", "time viol."),
]


def load_catalog_for_matching(path: Path, console: Console):
    """Resources of a catalog file in any accepted format.

    Ranking is lenient where importing is strict: rows with errors are reported on stderr and
    the usable ones (a name and an id) are ranked, so one bad row in someone else's catalog does
    not stop a whole batch. Exits 1 only when nothing is usable."""
    from catalog.importer import read_catalog

    result = read_catalog(path)
    usable = [r for r in result.resources if r.id and r.name and r.name.strip()]
    if result.report.errors:
        console.print(
            f"[yellow]カタログに {len(result.report.errors)} 件のエラーがあります。使える {len(usable)} 件で続けます "
            f"(catalog has errors; continuing with {len(usable)} usable resources): {path}[/yellow]"
        )
        for issue in result.report.errors[:10]:
            console.print(f"  行 {issue.row} {issue.column or ''}: {issue.message_ja} / {issue.message_en}")
    if not usable:
        console.print(f"[red]使える資源がありません (no usable resources): {path}[/red]")
        raise typer.Exit(1)
    return usable


def _read_queries(path: Path, err: Console):
    for number, raw in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
            if not isinstance(line, dict) or "id" not in line:
                raise ValueError("a query line needs an object with an id")
        except ValueError as exc:
            err.print(f"{path}:{number}: 読めない行を飛ばしました (skipped unreadable line): {exc}")
            continue
        yield line


def _build_matcher(resources, settings_path: Optional[Path] = None):
    from matcher import Matcher, MatcherSettings

    settings = MatcherSettings.load(settings_path) if settings_path else MatcherSettings.default()
    return Matcher.build(resources, settings=settings)


def rank(
    catalog: Path = typer.Option(..., "--catalog", exists=True, dir_okay=False, help="Catalog file (CSV, xlsx, JSON, 自治体標準OD, HSDS)."),
    queries: Path = typer.Option(..., "--queries", exists=True, dir_okay=False, help="JSON lines of queries."),
    top: int = typer.Option(10, "--top", min=1, max=100, help="Results per query."),
    settings: Optional[Path] = typer.Option(None, "--settings", exists=True, dir_okay=False, help="Matcher settings TOML."),
) -> None:
    """相談ごとに資源を順位付けする (rank a catalog for each query line; one JSON line per query on stdout)."""
    from matcher import Concern

    err = Console(stderr=True)
    matcher = _build_matcher(load_catalog_for_matching(catalog, err), settings)
    out = sys.stdout
    for line in _read_queries(queries, err):
        qid = str(line["id"])
        try:
            concern = Concern.from_query(line)
        except (ValueError, TypeError) as exc:
            err.print(f"query {qid}: 属性が不正です (invalid attributes): {exc}; text only")
            concern = Concern(text=str(line.get("text") or ""))
        result = matcher.match(concern, top=top)
        out.write(json.dumps(result.to_contract(qid), ensure_ascii=False) + "\n")
    out.flush()


def _systems(resources, matcher):
    from matcher.baselines import BASELINES
    from matcher.evaluate import Ranked

    def ours(concern):
        result = matcher.match(concern, top=10)
        return Ranked(
            [r.resource.id for r in result.results],
            [r.category for r in result.results],
            result.safety["level"],
            result.confidence,
        )

    systems = {"tsunagu": ours}
    for name, cls in BASELINES.items():
        systems[name] = cls(resources).rank
    return systems


def _memoised(rank_fn):
    """Each query is ranked once per system even though every split is scored."""
    cache: dict = {}

    def rank(concern):
        if concern not in cache:
            cache[concern] = rank_fn(concern)
        return cache[concern]

    return rank


def _metrics_table(title: str, rows: dict[str, dict]) -> Table:
    table = Table(title=title)
    table.add_column("system")
    for _key, label in METRIC_COLUMNS:
        table.add_column(label, justify="right")
    for name, metrics in rows.items():
        cells = []
        for key, _label in METRIC_COLUMNS:
            value = metrics[key]
            cells.append("–" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value))
        table.add_row(name, *cells)
    return table


def run_eval(resources, gold_lines, settings_path: Optional[Path] = None, with_baselines: bool = True):
    """Metrics per split and system: {split: {system: Metrics}}, plus per-query rows of ours."""
    from matcher.evaluate import evaluate

    matcher = _build_matcher(resources, settings_path)
    systems = _systems(resources, matcher) if with_baselines else {"tsunagu": _systems(resources, matcher)["tsunagu"]}
    systems = {name: _memoised(fn) for name, fn in systems.items()}
    splits = sorted({line.get("split", "dev") for line in gold_lines})
    report: dict[str, dict] = {}
    per_query: dict[str, list] = {}
    for split in [*splits, "all"]:
        lines = gold_lines if split == "all" else [x for x in gold_lines if x.get("split", "dev") == split]
        report[split] = {}
        for name, fn in systems.items():
            metrics, rows = evaluate(fn, lines, resources)
            report[split][name] = metrics
            if name == "tsunagu" and split == "all":
                per_query = {row["id"]: row for row in rows}
    return report, per_query


def eval_command(
    catalog: Path = typer.Option(DEFAULT_CATALOG, "--catalog", exists=True, dir_okay=False, help="Catalog file."),
    queries: Path = typer.Option(DEFAULT_GOLD, "--queries", exists=True, dir_okay=False, help="Gold JSON lines."),
    settings: Optional[Path] = typer.Option(None, "--settings", exists=True, dir_okay=False, help="Matcher settings TOML."),
    compare: Optional[tuple[Path, Path]] = typer.Option(None, "--compare", help="Two settings files A B: metric changes and the queries that got better or worse."),
    safety_queries: Optional[Path] = typer.Option(None, "--safety", help=f"Safety gold JSON lines (default {DEFAULT_SAFETY_GOLD} when present)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """マッチングの精度を評価する (score the matcher and the built-in baselines on graded gold concerns)."""
    console = Console(width=160)  # the metrics table is wide; keep it readable when piped
    resources = load_catalog_for_matching(catalog, Console(stderr=True))
    gold = list(_read_queries(queries, Console(stderr=True)))
    if compare:
        _compare(resources, gold, compare, console, as_json)
        return
    report, _rows = run_eval(resources, gold, settings)
    output = {split: {name: m.as_dict() for name, m in systems.items()} for split, systems in report.items()}
    safety_path = safety_queries or (DEFAULT_SAFETY_GOLD if DEFAULT_SAFETY_GOLD.exists() else None)
    safety = _safety_metrics(safety_path) if safety_path else None
    if as_json:
        safety_json = _plain(safety) if safety is not None else None
        print(json.dumps({"catalog": str(catalog), "queries": str(queries), "metrics": output, "safety": safety_json}, ensure_ascii=False, indent=2))
        return
    console.print(f"catalog: {catalog} ({len(resources)} resources)   queries: {queries} ({len(gold)})")
    for split, systems in output.items():
        n = next(iter(systems.values()))["n"]
        console.print(_metrics_table(f"split: {split} (n={n})", systems))
    if safety is not None:
        from matcher.safety import format_safety_metrics

        console.print(f"safety set: {safety_path}")
        console.print(format_safety_metrics(safety))


def _safety_metrics(path: Path):
    from matcher.safety import evaluate_safety

    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    return evaluate_safety(lines)


def _plain(value):
    """NamedTuples (nested) as JSON objects."""
    if hasattr(value, "_asdict"):
        return {k: _plain(v) for k, v in value._asdict().items()}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _compare(resources, gold, paths: tuple[Path, Path], console: Console, as_json: bool) -> None:
    a_path, b_path = paths
    a_report, a_rows = run_eval(resources, gold, a_path, with_baselines=False)
    b_report, b_rows = run_eval(resources, gold, b_path, with_baselines=False)
    changes = {}
    for split in a_report:
        a, b = a_report[split]["tsunagu"].as_dict(), b_report[split]["tsunagu"].as_dict()
        changes[split] = {
            k: {"A": a[k], "B": b[k], "delta": None if a[k] is None or b[k] is None else round(b[k] - a[k], 4)}
            for k, _ in METRIC_COLUMNS
        }
    better, worse = [], []
    for qid, row_a in a_rows.items():
        row_b = b_rows.get(qid, {})
        if "ndcg5" in row_a and "ndcg5" in row_b and row_a["ndcg5"] != row_b["ndcg5"]:
            entry = {"id": qid, "A": row_a["ndcg5"], "B": row_b["ndcg5"], "top_A": row_a["top"], "top_B": row_b["top"]}
            (better if row_b["ndcg5"] > row_a["ndcg5"] else worse).append(entry)
    if as_json:
        print(json.dumps({"A": str(a_path), "B": str(b_path), "metrics": changes, "better": better, "worse": worse}, ensure_ascii=False, indent=2))
        return
    for split, metrics in changes.items():
        table = Table(title=f"split: {split}   A={a_path}  B={b_path}")
        for col in ("metric", "A", "B", "Δ"):
            table.add_column(col, justify="right")
        for key, label in METRIC_COLUMNS:
            m = metrics[key]
            delta = "–" if m["delta"] is None else f"{m['delta']:+}"
            table.add_row(label, f"{m['A']}", f"{m['B']}", delta)
        console.print(table)
    console.print(f"良くなった質問 (better): {len(better)}   悪くなった質問 (worse): {len(worse)}")
    for entry in sorted(worse, key=lambda e: e["B"] - e["A"])[:15]:
        console.print(f"  worse {entry['id']}: nDCG {entry['A']} → {entry['B']}  {entry['top_A']} → {entry['top_B']}")
    for entry in sorted(better, key=lambda e: e["A"] - e["B"])[:15]:
        console.print(f"  better {entry['id']}: nDCG {entry['A']} → {entry['B']}  {entry['top_A']} → {entry['top_B']}")


def register(app: typer.Typer) -> None:
    app.command("rank")(rank)
    app.command("eval")(eval_command)
