"""Commands registered on the tsunagu CLI (see service.cli)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    pass
