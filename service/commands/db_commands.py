"""Database commands: `tsunagu db upgrade | current | downgrade` (Alembic migrations, both backends).

The server and every store also migrate to the newest schema at start-up; the command is for
doing it ahead of a deployment, or for going back.
"""

from __future__ import annotations

import typer
from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError

db_app = typer.Typer(help="データベースのスキーマ (database schema migrations)", no_args_is_help=True)


def _engine():
    from catalog.db import make_engine
    from service.settings import Settings

    return make_engine(Settings().database_url)


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True, markup=False)


def _run(action) -> None:
    engine = _engine()
    try:
        action(engine)
    except SQLAlchemyError as exc:
        Console(stderr=True, highlight=False, markup=False).print(
            f"データベースに接続できません (cannot reach the database): {type(exc).__name__}", style="red")
        raise typer.Exit(1) from None
    finally:
        engine.dispose()


@db_app.command("upgrade")
def upgrade_command(revision: str = typer.Argument("head", help="目標のリビジョン (target revision)")) -> None:
    """スキーマを最新にする (migrate the database to the newest schema)."""
    from catalog.schema import schema_revision, upgrade_schema

    def action(engine) -> None:
        before = schema_revision(engine)
        upgrade_schema(engine, revision)
        _console().print(f"スキーマ (schema): {before or '(なし / none)'} → {schema_revision(engine)}")

    _run(action)


@db_app.command("current")
def current_command() -> None:
    """現在のリビジョンを表示 (show the database's revision and the newest one)."""
    from catalog.schema import head_revision, schema_revision

    _run(lambda engine: _console().print(
        f"データベース (database): {schema_revision(engine) or '(なし / none)'}, 最新 (newest): {head_revision()}"))


@db_app.command("downgrade")
def downgrade_command(revision: str = typer.Argument(..., help="戻す先のリビジョン、base で全削除 (target; base drops every table)")) -> None:
    """スキーマを戻す (migrate the database back to a revision)."""
    from catalog.schema import downgrade_schema, schema_revision

    def action(engine) -> None:
        downgrade_schema(engine, revision)
        _console().print(f"スキーマ (schema): {schema_revision(engine) or '(なし / none)'}")

    _run(action)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
