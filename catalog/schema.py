"""Schema migrations (Alembic) for both backends: the one way tables are created or changed.

`upgrade_schema(engine)` brings a database to the newest revision; it is cheap when the database
is already there (one query), so every start-up and every store may call it. A database made
before migrations existed (tables but no alembic_version) is stamped at the initial revision
first. On PostgreSQL an advisory lock lets several processes start at once: one migrates, the
others wait and then find nothing to do.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

MIGRATIONS = Path(__file__).with_name("migrations")
INITIAL_REVISION = "0001"
_PG_MIGRATION_LOCK = 7_465_001  # any constant: the advisory-lock key of schema changes
_local_lock = threading.Lock()


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest revision shipped with this code."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def schema_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty or pre-migration database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to `revision` (default: the newest)."""
    if revision == "head" and schema_revision(engine) == head_revision():
        return
    with _local_lock, engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            conn.commit()
        try:
            if MigrationContext.configure(conn).get_current_revision() is None and inspect(conn).has_table(
                "catalog_versions"
            ):
                command.stamp(_config(conn), INITIAL_REVISION)  # made by create_all before migrations
                conn.commit()
            command.upgrade(_config(conn), revision)
            conn.commit()
        finally:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_MIGRATION_LOCK})
                conn.commit()


def downgrade_schema(engine: Engine, revision: str) -> None:
    """Migrate the database back to `revision` ("base" drops every tsunagu table)."""
    with _local_lock, engine.connect() as conn:
        command.downgrade(_config(conn), revision)
        conn.commit()
