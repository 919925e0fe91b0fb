"""The `tsunagu` command line. Each command group lives in its own module under service.commands."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="tsunagu",
    help="tsunagu（つなぐ）: 子育て支援の地域資源マッチング / match family concerns to local services.",
    no_args_is_help=True,
    add_completion=False,
)


def _register_commands() -> None:
    from service.commands import analyst_commands, catalog_commands, db_commands, match_commands, server_commands

    for module in (catalog_commands, match_commands, analyst_commands, server_commands, db_commands):
        module.register(app)


_register_commands()

if __name__ == "__main__":  # pragma: no cover
    app()
