"""Tenants: every catalog version, referral and match-log row belongs to a municipality
(全国地方公共団体コード); at most one active catalog version per municipality.

Rows written before tenants existed belong to 000000 (catalog.municipality.SHARED), the one
tenant of an embedded installation.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = ("catalog_versions", "referrals", "match_log")
ONE_ACTIVE = "uq_catalog_versions_one_active"


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("municipality_code", sa.String(6), nullable=False, server_default="000000"))
            batch.create_index(f"ix_{table}_municipality_code", ["municipality_code"])
    # The database itself refuses a second active version of one municipality (partial index:
    # both SQLite and PostgreSQL have them).
    op.create_index(ONE_ACTIVE, "catalog_versions", ["municipality_code"], unique=True,
                    sqlite_where=sa.text("is_active"), postgresql_where=sa.text("is_active"))


def downgrade() -> None:
    op.drop_index(ONE_ACTIVE, table_name="catalog_versions")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_municipality_code")
            batch.drop_column("municipality_code")
