"""Initial schema: feeds, items, fetch_log.

Revision ID: 0001
Revises:
Create Date: 2025-07-12

Hand-written and portable: it must run on SQLite and PostgreSQL alike. Never import
storage.tables here; a revision is a snapshot of the schema at its time. Datetimes
are ``timestamptz`` on PostgreSQL and UTC text on SQLite (storage.tables.UTCDateTime).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def when(name: str, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("country", sa.Text),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("configured", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("body_hash", sa.Text),
        sa.Column("permanent_url", sa.Text),
        when("next_poll_at"),
        when("lease_until"),
        sa.Column("consecutive_failures", sa.Integer, nullable=False, server_default="0"),
        when("last_polled_at"),
        when("last_success_at"),
        sa.Column("last_error", sa.Text),
        when("last_error_at"),
        sa.Column("last_http_status", sa.Integer),
        when("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feeds"),
    )
    op.create_table(
        "items",
        sa.Column("id", BigId, nullable=False),
        sa.Column("feed_id", sa.Text, nullable=False),
        sa.Column("identity", sa.Text, nullable=False),
        sa.Column("identity_kind", sa.Text, nullable=False),
        sa.Column("guid", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("author", sa.Text),
        sa.Column("language", sa.Text),
        when("published", nullable=False),
        sa.Column("published_is_fetch_time", sa.Boolean, nullable=False),
        when("fetched_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_items"),
        sa.ForeignKeyConstraint(["feed_id"], ["feeds.id"], name="fk_items_feed_id_feeds"),
        sa.UniqueConstraint("feed_id", "identity", name="uq_items_feed_id_identity"),
    )
    op.create_index("ix_items_fetched_at_id", "items", ["fetched_at", "id"])
    # A hash index has no btree row-size limit, so a hostile 10 KB link still inserts.
    op.create_index("ix_items_url", "items", ["url"], postgresql_using="hash")
    op.create_table(
        "fetch_log",
        sa.Column("id", BigId, nullable=False),
        sa.Column("feed_id", sa.Text, nullable=False),
        when("started_at", nullable=False),
        when("finished_at", nullable=False),
        sa.Column("duration_ms", sa.Integer, nullable=False),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("http_status", sa.Integer),
        sa.Column("new_items", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_fetch_log"),
        sa.ForeignKeyConstraint(["feed_id"], ["feeds.id"], name="fk_fetch_log_feed_id_feeds"),
        sa.CheckConstraint(
            "outcome IN ('ok', 'not_modified', 'error')", name="ck_fetch_log_outcome"
        ),
    )
    op.create_index("ix_fetch_log_feed_id_started_at", "fetch_log", ["feed_id", "started_at"])


def downgrade() -> None:
    op.drop_table("fetch_log")
    op.drop_table("items")
    op.drop_table("feeds")
