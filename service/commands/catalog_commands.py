"""Catalog commands: import, versions, activate, show, list, export, init.

Messages are Japanese with English in parentheses. Exit code 1 means the command did not do
what was asked (validation errors, unknown version or id, no active catalog).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from catalog.errors import ImportFailed, NoActiveVersion, ResourceNotFound, VersionNotFound
from catalog.export import export_csv, export_hsds, export_json
from catalog.importer import read_catalog
from catalog.model import Resource
from catalog.store import CatalogStore, VersionInfo
from catalog.taxonomy import load_taxonomy

DATABASE_URL_ENV = "TSUNAGU_DATABASE_URL"


def database_url() -> str:
    """The one place the CLI learns where the database is: TSUNAGU_DATABASE_URL via service.settings."""
    from service.settings import Settings

    return Settings().database_url


def _store() -> CatalogStore:
    """The store of TSUNAGU_DEFAULT_MUNICIPALITY (set it to import for another municipality)."""
    from service.settings import Settings

    store = CatalogStore(database_url(), Settings().default_municipality)
    store.create_schema()
    return store


def _console() -> Console:
    # markup off: file names and formats such as [csv] are data, not rich tags.
    return Console(highlight=False, soft_wrap=True, markup=False)


def _fail(message: str) -> None:
    Console(stderr=True, highlight=False, soft_wrap=True, markup=False).print(message, style="red")
    raise typer.Exit(1)


def _version_line(v: VersionInfo) -> str:
    mark = "＊有効 (active)" if v.active else ""
    when = v.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
    return f"版 {v.id} (version {v.id}): {v.resource_count} 件, {v.source} [{v.format}] {when} {mark}".rstrip()


def import_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="カタログファイル (CSV / xlsx / JSON)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="検証だけして保存しない (validate only)"),
    activate: bool = typer.Option(True, "--activate/--no-activate", help="取り込んだ版を有効にする (make it active)"),
    as_json: bool = typer.Option(False, "--json", help="結果を JSON で出力 (print JSON)"),
    note: str = typer.Option("", "--note", help="版のメモ (version note)"),
) -> None:
    """カタログを検証して取り込む (validate and import a catalog file)."""
    console = _console()
    result = read_catalog(file, progress=not as_json)
    info: VersionInfo | None = None
    if result.report.ok and not dry_run:
        store = _store()
        info = store.add_version(result.resources, source=file.name, format=result.format, note=note, activate=activate)
    if as_json:
        out = {
            "format": result.format,
            "resources": len(result.resources),
            "dry_run": dry_run,
            "version": info._asdict() | {"created_at": info.created_at.isoformat()} if info else None,
            "report": result.report.to_dict(),
        }
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        console.print(f"形式 (format): {result.format}, 資源 (resources): {len(result.resources)}")
        console.print(result.report)
        if info is not None:
            console.print(f"保存しました (stored): {_version_line(info)}")
        elif dry_run and result.report.ok:
            console.print("--dry-run: 保存していません (nothing stored)")
        elif not result.report.ok:
            console.print("エラーがあるため何も保存していません (nothing stored because of errors)", style="red")
    if not result.report.ok:
        raise typer.Exit(1)


def versions_command() -> None:
    """カタログの版の一覧 (list catalog versions)."""
    console = _console()
    found = _store().versions()
    if not found:
        console.print("版がありません (no versions yet)")
        return
    for v in found:
        console.print(_version_line(v) + (f" — {v.note}" if v.note else ""))


def activate_command(version: int = typer.Argument(..., help="版の番号 (version id)")) -> None:
    """指定した版を有効にする (make a version active)."""
    try:
        info = _store().activate(version)
    except VersionNotFound:
        _fail(f"版 {version} はありません (version {version} not found)")
        return
    _console().print(f"有効にしました (activated): {_version_line(info)}")


def _active_resources(store: CatalogStore) -> list[Resource]:
    try:
        return store.resources()
    except NoActiveVersion:
        _fail("有効なカタログがありません。tsunagu import で取り込んでください (no active catalog; run tsunagu import)")
        return []


def show_command(
    resource_id: str = typer.Argument(..., metavar="ID", help="資源の ID (resource id)"),
    as_json: bool = typer.Option(False, "--json", help="JSON で出力 (print JSON)"),
) -> None:
    """資源を1件表示 (show one resource of the active catalog)."""
    store = _store()
    try:
        resource = store.get_resource(resource_id)
    except NoActiveVersion:
        _active_resources(store)
        return
    except ResourceNotFound:
        _fail(f"ID「{resource_id}」は有効なカタログにありません (resource not found)")
        return
    data = resource.to_dict()
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table(show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for key, value in data.items():
        if value in (None, [], {}):
            continue
        if isinstance(value, list):
            value = "; ".join(value)
        elif isinstance(value, dict):
            value = "\n".join(f"{k}: {v}" for k, v in value.items())
        table.add_row(key, str(value))
    _console().print(table)


def list_command(
    category: Optional[str] = typer.Option(None, "--category", help="分類のコードまたは名称 (category code or name)"),
    area: Optional[str] = typer.Option(None, "--area", help="地区 (area); 全域の資源も含む"),
    as_json: bool = typer.Option(False, "--json", help="JSON で出力 (print JSON)"),
) -> None:
    """有効なカタログの資源一覧 (list resources of the active catalog)."""
    store = _store()
    resources = _active_resources(store)
    if category:
        found = load_taxonomy().resolve(category)
        if found is None:
            _fail(f"分類「{category}」はありません (unknown category)")
            return
        resources = [r for r in resources if found.code in r.categories]
    if area:
        from catalog.conditions import Fit, area_fits

        resources = [r for r in resources if (c := area_fits(r, area)) is not None and c.fit is Fit.FITS]
    if as_json:
        typer.echo(json.dumps([r.to_dict() for r in resources], ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(resources)} 件 (resources)")
    for name in ("ID", "名称", "分類", "地区", "電話番号"):
        table.add_column(name)
    for r in resources:
        table.add_row(r.id, r.name, r.category, ";".join(r.service_areas), r.phone or "")
    _console().print(table)


def export_command(
    fmt: str = typer.Option("csv", "--format", help="csv, json または hsds (Open Referral HSDS 3.0 JSON)"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="出力ファイル（省略時は標準出力）"),
    bom: Optional[bool] = typer.Option(None, "--bom/--no-bom", help="CSV に BOM を付ける（ファイル出力では既定で付ける）"),
) -> None:
    """有効なカタログを書き出す (export the active catalog)."""
    if fmt not in ("csv", "json", "hsds"):
        _fail(f"--format は csv, json, hsds のどれかです (unknown format {fmt!r})")
        return
    resources = _active_resources(_store())
    if fmt == "json":
        text = export_json(resources)
    elif fmt == "hsds":
        text = export_hsds(resources)
    else:
        text = export_csv(resources, bom=(output is not None) if bom is None else bom)
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8", newline="")
    _console().print(f"{len(resources)} 件を書き出しました (exported) → {output}")


def init_command(
    sample: Path = typer.Option(..., "--sample", help="版がないときに取り込むカタログ (catalog to import when the store is empty)"),
) -> None:
    """スキーマを作り、版がなければ見本カタログを取り込んで有効にする（何度実行しても同じ）."""
    store = _store()
    existing = store.versions()
    console = _console()
    if existing:
        active = store.active_version()
        shown = _version_line(active) if active else "有効な版なし (no active version)"
        console.print(f"初期化済み (already initialised): {shown}")
        return
    if not sample.is_file():
        _fail(f"見本カタログ {sample} がありません (sample catalog not found)")
        return
    try:
        _result, info = store.import_file(sample, activate=True)
    except ImportFailed as failed:
        console.print(failed.report)
        _fail(f"見本カタログ {sample} にエラーがあります (sample catalog has errors)")
        return
    assert info is not None
    console.print(f"初期化しました (initialised): {_version_line(info)}")


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.command("versions")(versions_command)
    app.command("activate")(activate_command)
    app.command("show")(show_command)
    app.command("list")(list_command)
    app.command("export")(export_command)
    app.command("init")(init_command)
