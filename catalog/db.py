"""Database plumbing shared by every table: one declarative Base, one way to open an engine.

SQLite is the embedded default; PostgreSQL (postgresql+psycopg://...) uses the same code. Keep
SQL portable here: no SQLite-only statements in the core.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import StaticPool

DEFAULT_DATABASE_URL = "sqlite:///var/tsunagu.db"
MEMORY_DATABASE_URL = "sqlite://"


class Base(DeclarativeBase):
    """Declarative base for every tsunagu table."""


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer during an import
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str = DEFAULT_DATABASE_URL) -> Engine:
    """An engine for `url`; creates the folder of a SQLite file; memory databases share one connection."""
    if url.startswith("sqlite"):
        if url in ("sqlite://", "sqlite:///:memory:"):
            engine = create_engine(
                url, connect_args={"check_same_thread": False}, poolclass=StaticPool
            )
        else:
            path = url.split("///", 1)[1] if "///" in url else ""
            if path:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # pre_ping: a connection cut while the database restarted is replaced, not handed out;
    # connect_timeout: an unreachable host fails in seconds, not minutes.
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})


def create_all(engine: Engine) -> None:
    """Create every table known to Base (import the table modules first)."""
    Base.metadata.create_all(engine)
