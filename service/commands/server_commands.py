"""Server commands: `tsunagu serve` and `tsunagu hash-token`."""

from __future__ import annotations

from typing import Optional

import typer
from pydantic import ValidationError
from rich.console import Console

from service.security import hash_token, new_token


def _console(stderr: bool = False) -> Console:
    return Console(highlight=False, soft_wrap=True, markup=False, stderr=stderr)


def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="待ち受けるアドレス (address to bind)"),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="ポート番号 (port)"),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="ワーカープロセス数 (worker processes; scale with processes, not threads)"),
) -> None:
    """API サーバーを起動する (start the HTTP API; settings from TSUNAGU_* environment variables)."""
    import uvicorn

    from service.settings import load_settings

    console = _console()
    try:
        settings = load_settings()  # development: generates the token file on first start
    except ValidationError as exc:
        messages = "; ".join(str(e.get("msg", "")) for e in exc.errors())
        _console(stderr=True).print(f"設定エラーのため起動しません (refusing to start): {messages}", style="red")
        raise typer.Exit(1) from None
    if settings.is_development:
        console.print(
            f"開発用トークン (development tokens): {settings.dev_tokens_path.resolve()}  "
            "— Authorization: Bearer <token> で送ってください (send as a bearer header)"
        )
    _migrate(settings.database_url)  # once, before the workers start (they would all try)
    console.print(f"tsunagu: http://{host}:{port}/  API docs: http://{host}:{port}/docs  ({settings.environment})")
    uvicorn.run(
        "service.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,  # uvicorn's access log prints raw paths; tsunagu.access logs route templates
        log_level="info",
    )


def _migrate(url: str) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from catalog.db import make_engine
    from catalog.schema import upgrade_schema

    engine = make_engine(url)
    try:
        upgrade_schema(engine)
    except SQLAlchemyError as exc:  # the workers report it on /readyz and retry
        _console(stderr=True).print(f"データベースに接続できません (cannot reach the database): {type(exc).__name__}",
                                    style="yellow")
    finally:
        engine.dispose()


def hash_token_command(
    token: Optional[str] = typer.Argument(None, help="ハッシュ化するトークン。省略すると新しく作る (token to hash; a new one when omitted)"),
) -> None:
    """トークンのハッシュを作る (hash a bearer token for TSUNAGU_COUNSELLOR_TOKENS / TSUNAGU_ANALYST_TOKENS)."""
    console = _console()
    if token is None:
        token = new_token()
        console.print(f"token: {token}")
    console.print(f"hash:  {hash_token(token)}")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
    app.command("hash-token")(hash_token_command)
