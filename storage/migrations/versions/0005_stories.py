"""Stories: reports of one event grouped, each item's story and why it joined, and the
keys a new item's candidates are found by.

Revision ID: 0005
Revises: 0004
Create Date: 2025-08-03

Hand-written and portable: it must run on SQLite and PostgreSQL alike. Never import
storage.tables here; a revision is a snapshot of the schema at its time.

Items stored before this revision have no print (grouping needs text that storage
cannot compute): each gets a story of its own, reason ``new``, and no keys, so every
item has a story and later items never join old ones. Nothing is re-clustered.
``items.story_id`` has no foreign key: SQLite cannot add one to an existing table
without copying it, and storage alone writes the column, in the transaction that
creates the story.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("id", BigId, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_item_id", BigId, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_stories"),
        sa.UniqueConstraint("first_item_id", name="uq_stories_first_item_id"),
    )
    op.create_index("ix_stories_created_at", "stories", ["created_at"])
    op.add_column("items", sa.Column("story_id", BigId))
    op.add_column("items", sa.Column("story_reason", sa.Text))
    op.add_column("items", sa.Column("story_score", sa.Float))
    op.add_column("items", sa.Column("story_why", sa.Text))
    op.add_column("items", sa.Column("print", sa.Text))
    op.create_index("ix_items_story_id", "items", ["story_id"])
    op.create_table(
        "story_keys",
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("item_id", BigId, nullable=False),
        sa.Column("story_id", BigId, nullable=False),
        sa.Column("published", sa.DateTime(timezone=True), nullable=False),
        # Item first: deleting an item finds its keys through the primary key.
        sa.PrimaryKeyConstraint("item_id", "key", name="pk_story_keys"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name="fk_story_keys_item_id_items", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["story_id"], ["stories.id"], name="fk_story_keys_story_id_stories"
        ),
    )
    op.create_index("ix_story_keys_key_published", "story_keys", ["key", "published"])
    # Every item stored so far starts its own story (see the docstring).
    op.execute(
        "INSERT INTO stories (created_at, first_item_id) SELECT fetched_at, id FROM items"
        " ORDER BY id"
    )
    op.execute(
        "UPDATE items SET story_reason = 'new', story_score = 0,"
        " story_id = (SELECT s.id FROM stories s WHERE s.first_item_id = items.id)"
    )


def downgrade() -> None:
    op.drop_index("ix_story_keys_key_published", table_name="story_keys")
    op.drop_table("story_keys")
    op.drop_index("ix_items_story_id", table_name="items")
    for column in ("print", "story_why", "story_score", "story_reason", "story_id"):
        op.drop_column("items", column)
    op.drop_index("ix_stories_created_at", table_name="stories")
    op.drop_table("stories")
