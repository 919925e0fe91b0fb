"""Session-wide fixtures: a throwaway PostgreSQL server, and `database_url` on both backends.

A test module that sets `BACKENDS = ("sqlite", "postgresql")` runs every test that uses
`database_url` (or `backend`) once per backend; other modules stay on SQLite. Without
PostgreSQL binaries the PostgreSQL cases fail under CI=true (CI must run them: `make
system-deps` installs Debian's postgresql) and are skipped elsewhere, with the reason shown.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.pg import PostgresUnavailable, in_ci, postgres_server

SQLITE_ONLY = ("sqlite",)


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        backends = getattr(metafunc.module, "BACKENDS", SQLITE_ONLY)
        metafunc.parametrize(
            "backend",
            [pytest.param(b, marks=[pytest.mark.postgres] if b == "postgresql" else []) for b in backends],
        )


@pytest.fixture(scope="session")
def postgres():
    """The session's PostgreSQL server (tests.pg)."""
    try:
        server = postgres_server()
    except PostgresUnavailable as exc:
        if in_ci():
            pytest.fail(f"{exc} — CI runs the PostgreSQL suites and must not skip them", pytrace=False)
        pytest.skip(f"PostgreSQL suites skipped: {exc}")
    yield server
    server.close()


@pytest.fixture(scope="session")
def _postgres_shared_database(postgres):
    from catalog.schema import upgrade_schema

    url = postgres.new_database()
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    upgrade_schema(engine)
    engine.dispose()
    return url


TABLES = ("resources", "catalog_versions", "referrals", "match_log")


@pytest.fixture
def postgres_url(_postgres_shared_database):
    """A migrated PostgreSQL database with empty tables, for one test (emptying is ~20x faster
    than creating a database)."""
    engine = sa.create_engine(_postgres_shared_database, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text("SET lock_timeout = '10s'"))
        conn.execute(sa.text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return _postgres_shared_database


@pytest.fixture
def database_url(request, backend, tmp_path) -> str:
    """An empty database on the test's backend (a SQLite file, or PostgreSQL)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'tsunagu.db'}"
    return request.getfixturevalue("postgres_url")
