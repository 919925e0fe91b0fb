"""`tsunagu db upgrade | current | downgrade`, and the catalog commands acting for the
municipality in TSUNAGU_DEFAULT_MUNICIPALITY."""

from __future__ import annotations

from typer.testing import CliRunner

from catalog.db import make_engine
from catalog.schema import head_revision, schema_revision
from catalog.store import CatalogStore
from service.cli import app

runner = CliRunner()


def test_upgrade_current_downgrade(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    monkeypatch.setenv("TSUNAGU_DATABASE_URL", url)
    assert "(なし / none)" in runner.invoke(app, ["db", "current"]).output
    done = runner.invoke(app, ["db", "upgrade"])
    assert done.exit_code == 0 and f"→ {head_revision()}" in done.output
    engine = make_engine(url)
    assert schema_revision(engine) == head_revision()
    assert runner.invoke(app, ["db", "downgrade", "0001"]).exit_code == 0 and schema_revision(engine) == "0001"
    assert runner.invoke(app, ["db", "downgrade", "base"]).exit_code == 0 and schema_revision(engine) is None
    engine.dispose()


def test_an_unreachable_database_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("TSUNAGU_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 1 and "cannot reach the database" in result.output


def test_catalog_commands_act_for_the_default_municipality(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    monkeypatch.setenv("TSUNAGU_DATABASE_URL", url)
    csv = tmp_path / "c.csv"
    csv.write_text("ID,名称,分類\nx1,一時預かり,temporary_care\n", encoding="utf-8")
    monkeypatch.setenv("TSUNAGU_DEFAULT_MUNICIPALITY", "131016")
    assert runner.invoke(app, ["import", str(csv), "--json"]).exit_code == 0
    monkeypatch.delenv("TSUNAGU_DEFAULT_MUNICIPALITY")
    assert "no versions yet" in runner.invoke(app, ["versions"]).output
    store = CatalogStore(url, "131016")
    assert [v.resource_count for v in store.versions()] == [1]
    store.engine.dispose()
