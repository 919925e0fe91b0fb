"""Alembic environment of tsunagu: runs on the connection catalog.schema hands over, or on
`sqlalchemy.url` when the `alembic` command line is used directly."""

from alembic import context
from sqlalchemy import engine_from_config, pool

import catalog.records  # noqa: F401 — registers the record tables on Base.metadata
import catalog.store  # noqa: F401 — registers the catalog tables on Base.metadata
from catalog.db import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    # Batch mode lets SQLite change tables (it has no ALTER for constraints); PostgreSQL ignores it.
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.",
                                poolclass=pool.NullPool)
    with engine.connect() as conn:
        _run(conn)
