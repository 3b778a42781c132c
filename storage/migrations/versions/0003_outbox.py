"""The delivery outbox: messages to send, the items waiting for a digest, endpoints.

Revision ID: 0003
Revises: 0002
Create Date: 2025-07-20

Hand-written and portable: it must run on SQLite and PostgreSQL alike. Never import
storage.tables here; a revision is a snapshot of the schema at its time. Items stored
before this revision get no messages: alerting starts with the items stored after it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def when(name: str, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", BigId, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("event", sa.Text, nullable=False),
        sa.Column("item_id", BigId),
        when("period_end"),
        sa.Column("subject", sa.Text),
        sa.Column("body", sa.Text),
        sa.Column("dedup_key", sa.Text, nullable=False),
        sa.Column("message_id", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        when("next_attempt_at", nullable=False),
        when("last_attempt_at"),
        sa.Column("last_error", sa.Text),
        when("sent_at"),
        when("lease_until"),
        when("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name="fk_outbox_item_id_items", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("dedup_key", name="uq_outbox_dedup_key"),
        sa.UniqueConstraint("message_id", name="uq_outbox_message_id"),
        sa.CheckConstraint("kind IN ('webhook', 'digest', 'notice')", name="ck_outbox_kind"),
        sa.CheckConstraint(
            "state IN ('pending', 'sent', 'failed', 'disabled')", name="ck_outbox_state"
        ),
    )
    op.create_index(
        "ix_outbox_state_kind_next_attempt_at", "outbox", ["state", "kind", "next_attempt_at"]
    )
    # Deleting an item finds its messages through this, not by scanning the outbox.
    op.create_index("ix_outbox_item_id", "outbox", ["item_id"])
    op.create_table(
        "digest_entries",
        sa.Column("id", BigId, nullable=False),
        sa.Column("digest_id", sa.Text, nullable=False),
        sa.Column("item_id", BigId, nullable=False),
        sa.Column("outbox_id", BigId),
        when("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_digest_entries"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name="fk_digest_entries_item_id_items", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"], ["outbox.id"], name="fk_digest_entries_outbox_id_outbox"
        ),
        sa.UniqueConstraint("digest_id", "item_id", name="uq_digest_entries_digest_id_item_id"),
    )
    op.create_index(
        "ix_digest_entries_digest_id_outbox_id", "digest_entries", ["digest_id", "outbox_id"]
    )
    op.create_index("ix_digest_entries_item_id", "digest_entries", ["item_id"])
    op.create_table(
        "endpoints",
        sa.Column("id", sa.Text, nullable=False),
        when("disabled_at"),
        sa.Column("disabled_reason", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_endpoints"),
    )


def downgrade() -> None:
    op.drop_table("endpoints")
    op.drop_table("digest_entries")
    op.drop_table("outbox")
