"""Matches: the topics and people each item matched, with the terms that fired.

Revision ID: 0002
Revises: 0001
Create Date: 2025-07-13

Hand-written and portable: it must run on SQLite and PostgreSQL alike. Never import
storage.tables here; a revision is a snapshot of the schema at its time. Items stored
before this revision get no rows: matching them is a rematch, not a migration.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "matches",
        sa.Column("id", BigId, nullable=False),
        sa.Column("item_id", BigId, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("severity", sa.Text, nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),  # a JSON array of strings
        sa.Column("matched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_matches"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name="fk_matches_item_id_items", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("item_id", "kind", "key", name="uq_matches_item_id_kind_key"),
        sa.CheckConstraint("kind IN ('topic', 'person')", name="ck_matches_kind"),
        sa.CheckConstraint("severity IN ('urgent', 'digest')", name="ck_matches_severity"),
        sa.CheckConstraint("source IN ('poll', 'rematch')", name="ck_matches_source"),
    )
    op.create_index("ix_matches_kind_key", "matches", ["kind", "key"])


def downgrade() -> None:
    op.drop_table("matches")
