"""Alembic migrations on both backends: up, down, up again; the migrated schema is the models'
schema; a database made before migrations is adopted with its rows."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from catalog.db import Base, make_engine
from catalog.municipality import SHARED
from catalog.schema import downgrade_schema, head_revision, schema_revision, upgrade_schema
from catalog.store import CatalogStore

BACKENDS = ("sqlite", "postgresql")
TABLES = {"catalog_versions", "resources", "referrals", "match_log"}


@pytest.fixture
def engine(database_url, backend):
    engine = make_engine(database_url)
    if backend == "postgresql":  # the shared test database is already migrated: start from nothing
        downgrade_schema(engine, "base")
    yield engine
    upgrade_schema(engine)  # leave it as the other tests expect
    engine.dispose()


def _differences(engine) -> list:
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    return [d for d in diffs if not (isinstance(d, tuple) and d[0] == "remove_table" and d[1].name == "alembic_version")]


def test_upgrade_downgrade_and_upgrade_again(engine):
    assert schema_revision(engine) is None and not TABLES & set(inspect(engine).get_table_names())
    upgrade_schema(engine)
    assert schema_revision(engine) == head_revision() == "0002"
    assert TABLES <= set(inspect(engine).get_table_names())
    assert _differences(engine) == []  # the migrations build exactly what the models declare
    downgrade_schema(engine, "0001")
    assert "municipality_code" not in {c["name"] for c in inspect(engine).get_columns("referrals")}
    downgrade_schema(engine, "base")
    assert not TABLES & set(inspect(engine).get_table_names())
    upgrade_schema(engine)
    assert _differences(engine) == []


def test_rows_written_before_tenants_belong_to_the_shared_municipality(engine):
    upgrade_schema(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO catalog_versions (created_at, source, format, resource_count, note, "
                          "is_active, checksum) VALUES (CURRENT_TIMESTAMP, 'old.csv', 'csv', 0, '', :t, '')"),
                     {"t": True})
    upgrade_schema(engine)
    [version] = CatalogStore(engine, SHARED).versions()
    assert (version.source, version.active, version.municipality_code) == ("old.csv", True, SHARED)
    assert CatalogStore(engine, "131016").versions() == []


def test_a_database_made_before_migrations_is_stamped_then_upgraded(engine):
    import catalog.records  # noqa: F401 — its tables are part of the old create_all

    upgrade_schema(engine, "0001")
    with engine.begin() as conn:  # what create_all left: the tables, no alembic_version
        conn.execute(text("DROP TABLE alembic_version"))
    assert schema_revision(engine) is None
    upgrade_schema(engine)
    assert schema_revision(engine) == head_revision()
