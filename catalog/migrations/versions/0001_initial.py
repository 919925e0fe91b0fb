"""The tables as they were before migrations: catalog versions, resources, referrals, match log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalog_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("format", sa.String(40), nullable=False),
        sa.Column("resource_count", sa.Integer, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("is_active", sa.Boolean, nullable=False),
        sa.Column("checksum", sa.String(64), nullable=False),
    )
    op.create_index("ix_catalog_versions_is_active", "catalog_versions", ["is_active"])
    op.create_table(
        "resources",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("catalog_versions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("resource_id", sa.String(200), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.UniqueConstraint("version_id", "resource_id", name="uq_resources_version_resource"),
    )
    op.create_index("ix_resources_version_id", "resources", ["version_id"])
    op.create_index("ix_resources_category", "resources", ["category"])
    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resource_id", sa.String(200), nullable=False),
        sa.Column("category", sa.String(100), nullable=True),
        sa.Column("catalog_version", sa.Integer, nullable=True),
        sa.Column("query_id", sa.String(64), nullable=True),
        sa.Column("memo", sa.String(200), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_referrals_resource_id", "referrals", ["resource_id"])
    op.create_index("ix_referrals_query_id", "referrals", ["query_id"])
    op.create_table(
        "match_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("query_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("catalog_version", sa.Integer, nullable=True),
        sa.Column("categories", sa.JSON, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("confidence_band", sa.String(10), nullable=False),
        sa.Column("area", sa.String(100), nullable=True),
        sa.Column("age_band", sa.String(20), nullable=False),
        sa.Column("needed_hour", sa.Integer, nullable=True),
        sa.Column("needed_weekday", sa.Integer, nullable=True),
        sa.Column("safety_level", sa.String(20), nullable=False),
        sa.Column("content_words", sa.JSON, nullable=False),
        sa.Column("result_count", sa.Integer, nullable=False),
    )
    op.create_index("ix_match_log_query_id", "match_log", ["query_id"])
    op.create_index("ix_match_log_created_at", "match_log", ["created_at"])


def downgrade() -> None:
    op.drop_table("match_log")
    op.drop_table("referrals")
    op.drop_table("resources")
    op.drop_table("catalog_versions")
