"""Source health: each feed's health state (ok, failing, silent) and an index that
finds a feed's newest items, from which its usual cadence is learnt.

Revision ID: 0004
Revises: 0003
Create Date: 2025-07-27

Hand-written and portable: it must run on SQLite and PostgreSQL alike. Never import
storage.tables here; a revision is a snapshot of the schema at its time. Feeds get no
row here: a feed without one is ``ok`` until a check decides otherwise.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "feed_health",
        sa.Column("feed_id", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("transitions", sa.Integer, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("feed_id", name="pk_feed_health"),
        sa.ForeignKeyConstraint(["feed_id"], ["feeds.id"], name="fk_feed_health_feed_id_feeds"),
        sa.CheckConstraint("state IN ('ok', 'failing', 'silent')", name="ck_feed_health_state"),
    )
    # A feed's distinct fetch times, newest first, without sorting all its items.
    op.create_index("ix_items_feed_id_fetched_at", "items", ["feed_id", "fetched_at"])


def downgrade() -> None:
    op.drop_index("ix_items_feed_id_fetched_at", table_name="items")
    op.drop_table("feed_health")
