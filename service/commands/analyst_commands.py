"""Analyst commands: `tsunagu duplicates`, `tsunagu report quality`, `tsunagu report unmet-needs`.

CATALOG is a file in any accepted format, or the active catalog version when omitted. `--json`
prints the same report as the API (/api/v1/analytics/...). Exit code 1 when the catalog cannot
be read or there is no active version.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

report_app = typer.Typer(name="report", help="分析レポート (analyst reports): quality, unmet-needs", no_args_is_help=True)


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True, markup=False)


def _fail(message: str) -> None:
    Console(stderr=True, highlight=False, soft_wrap=True, markup=False).print(message, style="red")
    raise typer.Exit(1)


def _store():
    from catalog.store import CatalogStore
    from service.settings import Settings

    store = CatalogStore(Settings().database_url)
    store.create_schema()
    return store


def _active_resources(required: bool = True):
    from catalog.errors import NoActiveVersion

    try:
        return _store().resources()
    except NoActiveVersion:
        if required:
            _fail("有効なカタログがありません。CATALOG を指定するか tsunagu import で取り込んでください "
                  "(no active catalog: give CATALOG or run tsunagu import)")
        return None


def _resources(catalog: Optional[Path]):
    if catalog is None:
        return _active_resources()
    from service.commands.match_commands import load_catalog_for_matching

    return load_catalog_for_matching(catalog, Console(stderr=True))


def _print_json(data) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


CatalogArg = typer.Argument(None, exists=True, dir_okay=False, readable=True,
                            help="カタログファイル（省略時は有効な版） / catalog file (the active version when omitted)")


def duplicates_command(
    catalog: Optional[Path] = CatalogArg,
    against_active: bool = typer.Option(False, "--against-active",
                                        help="CATALOG と有効な版の間の重複だけを探す (pairs between CATALOG and the active catalog)"),
    min_score: float = typer.Option(70.0, "--min-score", min=0, max=100, help="表示する最低スコア (0–100)"),
    as_json: bool = typer.Option(False, "--json", help="JSON で出力 (print JSON)"),
) -> None:
    """重複の候補を探す (candidate duplicate resources, scored and explained)."""
    from catalog.duplicates import find_duplicates

    if against_active and catalog is None:
        _fail("--against-active には CATALOG が必要です (--against-active needs a CATALOG file)")
    resources = _resources(catalog)
    against = _active_resources() if against_active else None
    pairs = find_duplicates(resources, against=against, min_score=min_score)
    if as_json:
        _print_json({"pairs": [p.to_dict() for p in pairs], "resources": len(resources)})
        return
    names = {r.id: r.name for r in [*resources, *(against or [])]}
    table = Table(title=f"重複の候補 (duplicate candidates): {len(pairs)} 組 / {len(resources)} 件")
    for column in ("score", "A（残す候補）", "B", "理由 (reasons)"):
        table.add_column(column)
    for p in pairs:
        table.add_row(f"{p.score:.1f}", f"{p.a} {names.get(p.a, '')}", f"{p.b} {names.get(p.b, '')}", p.explanation)
    _console().print(table)


def quality_command(
    catalog: Optional[Path] = CatalogArg,
    today: Optional[str] = typer.Option(None, "--today", help="基準日 YYYY-MM-DD（既定は今日） / reference date"),
    as_json: bool = typer.Option(False, "--json", help="JSON で出力 (print JSON)"),
) -> None:
    """カタログの品質レポート (quality report: missing facts, stale, closed, coverage gaps)."""
    from catalog.quality import quality_report

    reference = _date_or_exit(today, "--today") or date.today()
    report = quality_report(_resources(catalog), today=reference)
    if as_json:
        _print_json(report.to_dict())
        return
    console = _console()
    counts = report.counts
    console.print(f"品質レポート (quality report) {reference.isoformat()}: {report.total} 件")
    labels = [("no_text", "説明もこんなときにもない (no text)"), ("no_hours", "開所時間なし (no hours)"),
              ("no_age_range", "対象年齢なし (no age range)"), ("stale", "確認日が12か月より前 (stale)"),
              ("never_verified", "確認日なし (never verified)"), ("closed_hours", "1年間開いていない (never open)"),
              ("closed_note", "休止・廃止の記載 (closed note)"), ("coverage_gaps", "分類×地区の空白 (coverage gaps)")]
    for key, label in labels:
        console.print(f"  {label}: {counts.get(key, 0)}")
    for title, issues in (("古い行 (stale rows)", report.stale[:20]), ("閉所の疑い (closed?)", report.closed)):
        if issues:
            console.print(f"\n{title}")
            for i in issues:
                console.print(f"  {i.resource_id} {i.name}: {i.message_ja}")
    if report.coverage and report.coverage.gaps:
        console.print("\n空白 (coverage gaps): 分類 × 地区")
        for code, area in report.coverage.gaps:
            console.print(f"  {code} × {area}")


def _date_or_exit(text: Optional[str], option: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        _fail(f"{option} は YYYY-MM-DD で指定してください (use YYYY-MM-DD): {text}")
    return None


def unmet_needs_command(
    since: Optional[str] = typer.Option(None, "--since", help="この日以降の記録 YYYY-MM-DD (log rows since)"),
    sample: int = typer.Option(0, "--sample", min=0, max=5000,
                               help="記録の代わりに合成の見本ログ N 件で試す (use N synthetic rows instead of the log)"),
    min_count: int = typer.Option(1, "--min-count", min=1, help="未充足として出す最小件数 (minimum count per unmet need)"),
    as_json: bool = typer.Option(False, "--json", help="JSON で出力 (print JSON)"),
) -> None:
    """満たされていないニーズ（地域課題）: マッチ記録の集計 (unmet needs from the privacy-preserving match log)."""
    from catalog.unmet import read_match_log, unmet_needs

    start = _date_or_exit(since, "--since")
    resources = _active_resources(required=sample > 0)
    if sample:
        from matcher.sample_log import generate_sample_log

        rows = generate_sample_log(sample, seed=0, resources=resources)
    else:
        from catalog.records import create_record_tables

        store = _store()
        create_record_tables(store.engine)
        rows = read_match_log(store.engine, start, municipality=store.municipality)
    report = unmet_needs(rows, resources, since=start, min_count=min_count)
    if as_json:
        _print_json(report.to_dict())
        return
    console = _console()
    console.print(f"マッチ記録 (matches): {report.matches} 件" + (f"（{start.isoformat()} 以降）" if start else ""))
    table = Table(title="よく求められたニーズ (needs asked for)")
    for column in ("分類", "地区", "年齢", "時間帯", "曜日", "件数"):
        table.add_column(column)
    for row in report.demand[:15]:
        table.add_row(row["category"], row["area"], row["age_band"], row["time_band"], row["day"], str(row["count"]))
    console.print(table)
    low = report.low_confidence
    words = "、".join(f"{w['word']}({w['count']})" for w in low.get("top_words", [])) or "（少数のため表示しません）"
    console.print(f"確信度の低い相談 (low confidence): {low.get('count', 0)} 件; よく出た語: {words}")
    if resources is None:
        console.print("有効なカタログがないため、未充足の判定は省略しました (no active catalog: unmet list skipped)")
        return
    table = Table(title=f"未充足のニーズ (unmet needs): {len(report.unmet)}")
    for column in ("分類", "地区", "年齢", "時間帯", "件数", "理由"):
        table.add_column(column)
    for u in report.unmet[:30]:
        table.add_row(u.category, u.area, u.age_band, u.time_band, str(u.count), "・".join(u.reasons_ja))
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("duplicates")(duplicates_command)
    report_app.command("quality")(quality_command)
    report_app.command("unmet-needs")(unmet_needs_command)
    app.add_typer(report_app, name="report")
