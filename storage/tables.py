"""The schema as SQLAlchemy Core tables, on one ``MetaData``, for queries to use.

This mirrors what the Alembic revisions build; it never creates tables itself
(``storage.migrate`` does, and a test checks the two agree). It also owns the two
column types: ``UTCDateTime``, which makes every datetime go in and come out as
aware UTC, and ``JSONStrings``, a tuple of strings kept as JSON text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from storage.errors import NaiveDatetimeError

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware datetime, stored as UTC and always returned as aware UTC.

    PostgreSQL stores ``timestamptz`` and returns it in the session's time zone;
    SQLite stores text without an offset. Both come back here as UTC.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise NaiveDatetimeError(f"naive datetime {value.isoformat()}: storage needs aware")
        value = value.astimezone(UTC)
        # SQLite keeps text; without an offset, text order is time order.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class JSONStrings(sa.TypeDecorator[tuple[str, ...]]):
    """A tuple of strings, stored as a JSON array in a text column on both databases.

    Text rather than ``jsonb``: it is only ever read back whole, and ``jsonb`` refuses
    the ``\\u0000`` that an item's text may carry. Non-ASCII is kept readable.
    """

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: Sequence[str] | None, dialect: Dialect) -> str | None:
        return None if value is None else dump_strings(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> tuple[str, ...] | None:
        return None if value is None else tuple(json.loads(value))


def dump_strings(values: Sequence[str]) -> str:
    """``values`` as the JSON text a ``JSONStrings`` column holds."""
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":"))


# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

feeds = sa.Table(
    "feeds",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
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
    sa.Column("next_poll_at", UTCDateTime),
    sa.Column("lease_until", UTCDateTime),
    sa.Column("consecutive_failures", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_polled_at", UTCDateTime),
    sa.Column("last_success_at", UTCDateTime),
    sa.Column("last_error", sa.Text),
    sa.Column("last_error_at", UTCDateTime),
    sa.Column("last_http_status", sa.Integer),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

items = sa.Table(
    "items",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("feed_id", sa.Text, sa.ForeignKey("feeds.id"), nullable=False),
    sa.Column("identity", sa.Text, nullable=False),
    sa.Column("identity_kind", sa.Text, nullable=False),
    sa.Column("guid", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("author", sa.Text),
    sa.Column("language", sa.Text),
    sa.Column("published", UTCDateTime, nullable=False),
    sa.Column("published_is_fetch_time", sa.Boolean, nullable=False),
    sa.Column("fetched_at", UTCDateTime, nullable=False),
    # The story the item reports (``stories``), why it joined it (same_url,
    # near_duplicate, same_event, or new: it started it), how strongly, in words; and
    # its print, the text grouping reads back when a later item finds it as a candidate.
    # No foreign key on story_id: migration 0005 could not add one on SQLite.
    sa.Column("story_id", BigId),
    sa.Column("story_reason", sa.Text),
    sa.Column("story_score", sa.Float),
    sa.Column("story_why", sa.Text),
    sa.Column("print", sa.Text),
    sa.UniqueConstraint("feed_id", "identity"),
    sa.Index(None, "fetched_at", "id"),
    # A feed's newest fetch times (its cadence, its last new item) without a sort.
    sa.Index(None, "feed_id", "fetched_at"),
    # A hash index has no btree row-size limit, so a hostile 10 KB link still inserts.
    sa.Index(None, "url", postgresql_using="hash"),
    sa.Index(None, "story_id"),
)

# Reports of one event: created by the item that started it (``first_item_id``).
stories = sa.Table(
    "stories",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("first_item_id", BigId, nullable=False),
    sa.UniqueConstraint("first_item_id"),
    sa.Index(None, "created_at"),
)

# Where grouping finds a new item's candidates: one row per (item, key) of its print
# (``url:``, ``band:``, ``person:``), with its story and published time. The
# (key, published) index answers "key IN exact OR (key IN people AND published
# BETWEEN since AND until)" without reading any other row.
story_keys = sa.Table(
    "story_keys",
    metadata,
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("item_id", BigId, sa.ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
    sa.Column("story_id", BigId, sa.ForeignKey("stories.id"), nullable=False),
    sa.Column("published", UTCDateTime, nullable=False),
    sa.PrimaryKeyConstraint("item_id", "key"),
    sa.Index(None, "key", "published"),
)

fetch_log = sa.Table(
    "fetch_log",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("feed_id", sa.Text, sa.ForeignKey("feeds.id"), nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("finished_at", UTCDateTime, nullable=False),
    sa.Column("duration_ms", sa.Integer, nullable=False),
    sa.Column("outcome", sa.Text, nullable=False),
    sa.Column("http_status", sa.Integer),
    sa.Column("new_items", sa.Integer, nullable=False),
    sa.Column("error", sa.Text),
    sa.CheckConstraint("outcome IN ('ok', 'not_modified', 'error')", name="ck_fetch_log_outcome"),
    sa.Index(None, "feed_id", "started_at"),
)

# What matched an item: one row per (item, kind, key), written in the transaction
# that stores the item (source "poll") or later by a rematch (source "rematch").
matches = sa.Table(
    "matches",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("item_id", BigId, sa.ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("severity", sa.Text, nullable=False),
    sa.Column("evidence", JSONStrings, nullable=False),
    sa.Column("matched_at", UTCDateTime, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    # Also the index that finds an item's matches (export, alerts, cascade deletes).
    sa.UniqueConstraint("item_id", "kind", "key"),
    sa.Index(None, "kind", "key"),
    sa.CheckConstraint("kind IN ('topic', 'person')", name="ck_matches_kind"),
    sa.CheckConstraint("severity IN ('urgent', 'digest')", name="ck_matches_severity"),
    sa.CheckConstraint("source IN ('poll', 'rematch')", name="ck_matches_source"),
)

# A feed's health as last decided (``ok``, ``failing``, ``silent``) and since when; no
# row is ``ok``. ``transitions`` counts changes: a change is recorded only if the count
# is still the one its decision read, so two checkers never both announce it.
feed_health = sa.Table(
    "feed_health",
    metadata,
    sa.Column("feed_id", sa.Text, sa.ForeignKey("feeds.id"), primary_key=True),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("since", UTCDateTime, nullable=False),
    sa.Column("changed_at", UTCDateTime, nullable=False),
    sa.Column("transitions", sa.Integer, nullable=False, server_default="0"),
    sa.CheckConstraint("state IN ('ok', 'failing', 'silent')", name="ck_feed_health_state"),
)

# --- the delivery outbox -------------------------------------------------------------

# One row per message to deliver, whatever its channel: a webhook call for one item, a
# digest e-mail for one period, an operator notice. ``dedup_key`` makes creating a
# message idempotent; ``message_id`` is the id the receiver sees on every attempt.
outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("event", sa.Text, nullable=False),
    sa.Column("item_id", BigId, sa.ForeignKey("items.id", ondelete="CASCADE")),
    sa.Column("period_end", UTCDateTime),
    sa.Column("subject", sa.Text),
    sa.Column("body", sa.Text),
    sa.Column("dedup_key", sa.Text, nullable=False),
    sa.Column("message_id", sa.Text, nullable=False),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", UTCDateTime, nullable=False),
    sa.Column("last_attempt_at", UTCDateTime),
    sa.Column("last_error", sa.Text),
    sa.Column("sent_at", UTCDateTime),
    sa.Column("lease_until", UTCDateTime),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("dedup_key"),
    sa.UniqueConstraint("message_id"),
    sa.Index(None, "state", "kind", "next_attempt_at"),
    # Deleting an item finds its messages through this, not by scanning the outbox.
    sa.Index(None, "item_id"),
    sa.CheckConstraint("kind IN ('webhook', 'digest', 'notice')", name="ck_outbox_kind"),
    sa.CheckConstraint(
        "state IN ('pending', 'sent', 'failed', 'disabled')", name="ck_outbox_state"
    ),
)

# An item waiting for a digest (``outbox_id`` NULL), or the digest message it went in.
digest_entries = sa.Table(
    "digest_entries",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("digest_id", sa.Text, nullable=False),
    sa.Column("item_id", BigId, sa.ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
    sa.Column("outbox_id", BigId, sa.ForeignKey("outbox.id")),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("digest_id", "item_id"),
    sa.Index(None, "digest_id", "outbox_id"),
    sa.Index(None, "item_id"),
)

# Webhook endpoints that asked not to be called (410 Gone) or were disabled by hand.
endpoints = sa.Table(
    "endpoints",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("disabled_at", UTCDateTime),
    sa.Column("disabled_reason", sa.Text),
)
