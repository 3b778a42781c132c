"""Feed rows: the configured feeds, which are due, who holds a poll lease, health.

Functions here take an open ``Connection`` and leave transactions to ``Store``.
Feed rows are never deleted: a feed that leaves feeds.yaml is marked
``configured = false`` and keeps its history and items.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storage import health
from storage.dialect import insert_or_ignore
from storage.errors import FeedNotFoundError
from storage.records import FeedDefinition, FeedForUpdate, FeedStatus
from storage.tables import feed_health, feeds, items

_CONFIG = ("url", "name", "label", "language", "country", "enabled")
# What a poll learnt about the old URL and must not carry to a new one.
_URL_STATE: dict[str, Any] = {
    "etag": None,
    "last_modified": None,
    "body_hash": None,
    "permanent_url": None,
    "next_poll_at": None,  # poll the new URL at once
    "consecutive_failures": 0,  # failures of the old URL must not back off the new one
}


def sync(conn: Connection, definitions: Sequence[FeedDefinition], now: datetime) -> None:
    """Make the feed rows match the configuration; see ``Store.sync_feeds``."""
    wanted = {d.id: d for d in definitions}
    if len(wanted) != len(definitions):
        raise ValueError("sync_feeds: feed ids must be unique")
    columns = [feeds.c.id, feeds.c.configured, *(feeds.c[name] for name in _CONFIG)]
    stored = {row.id: row for row in conn.execute(sa.select(*columns))}

    new_rows = []
    for definition in definitions:
        config = {name: getattr(definition, name) for name in _CONFIG}
        row = stored.get(definition.id)
        if row is None:
            new_rows.append({"id": definition.id, **config, "configured": True, "created_at": now})
            continue
        if row.configured and all(getattr(row, name) == config[name] for name in _CONFIG):
            continue
        values = {**config, "configured": True}
        if row.url != definition.url:
            values.update(_URL_STATE)
        conn.execute(sa.update(feeds).where(feeds.c.id == definition.id).values(values))
    if new_rows:
        # Ignore, not fail, if another process inserted the same feed meanwhile.
        conn.execute(insert_or_ignore(conn, feeds, ["id"]), new_rows)

    gone = [
        {"gone_id": feed_id}
        for feed_id, row in stored.items()
        if row.configured and feed_id not in wanted
    ]
    if gone:
        conn.execute(
            sa.update(feeds).where(feeds.c.id == sa.bindparam("gone_id")).values(configured=False),
            gone,
        )


def for_update(conn: Connection, feed_id: str) -> FeedForUpdate:
    """What a poll of ``feed_id`` needs from the last one."""
    f = feeds.c
    row = conn.execute(
        sa.select(
            f.id,
            f.url,
            f.permanent_url,
            f.etag,
            f.last_modified,
            f.body_hash,
            f.consecutive_failures,
            f.next_poll_at,
        ).where(f.id == feed_id)
    ).one_or_none()
    if row is None:
        raise FeedNotFoundError(feed_id)
    return FeedForUpdate(**row._asdict())


def _lease_free(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(feeds.c.lease_until.is_(None), feeds.c.lease_until <= now)


def due(conn: Connection, now: datetime) -> list[str]:
    """Ids of feeds to poll now: never polled first, then the longest overdue."""
    f = feeds.c
    stmt = (
        sa.select(f.id)
        .where(
            f.enabled.is_(True),
            f.configured.is_(True),
            sa.or_(f.next_poll_at.is_(None), f.next_poll_at <= now),
            _lease_free(now),
        )
        # "IS NOT NULL" sorts false (never polled) before true on both databases.
        .order_by(f.next_poll_at.is_not(None), f.next_poll_at, f.id)
    )
    return list(conn.scalars(stmt))


def lease(conn: Connection, feed_id: str, now: datetime, until: datetime) -> bool:
    """Take the poll lease of ``feed_id`` until ``until`` unless someone holds it now.

    One conditional UPDATE, so of two processes racing only one sees a row changed.
    """
    stmt = sa.update(feeds).where(feeds.c.id == feed_id, _lease_free(now)).values(lease_until=until)
    if conn.execute(stmt).rowcount == 1:
        return True
    if conn.execute(sa.select(feeds.c.id).where(feeds.c.id == feed_id)).first() is None:
        raise FeedNotFoundError(feed_id)
    return False


def release(conn: Connection, feed_id: str) -> None:
    """Give the lease of ``feed_id`` back without recording a poll."""
    conn.execute(sa.update(feeds).where(feeds.c.id == feed_id).values(lease_until=None))


def statuses(conn: Connection) -> list[FeedStatus]:
    """Health of every configured feed with its item count and its cadence (one query,
    then one short indexed query a feed for its cadence)."""
    f, h = feeds.c, feed_health.c
    counts = (
        sa.select(items.c.feed_id, sa.func.count().label("items"))
        .group_by(items.c.feed_id)
        .subquery()
    )
    stmt = (
        sa.select(
            f.id,
            f.name,
            f.url,
            f.label,
            f.enabled,
            sa.func.coalesce(counts.c["items"], 0).label("items"),
            f.last_polled_at,
            f.last_success_at,
            f.last_error,
            f.last_error_at,
            f.consecutive_failures,
            f.next_poll_at,
            sa.func.coalesce(h.state, "ok").label("health"),
            h.since.label("health_since"),
        )
        .select_from(
            feeds.outerjoin(counts, counts.c.feed_id == f.id).outerjoin(
                feed_health, h.feed_id == f.id
            )
        )
        .where(f.configured.is_(True))
        .order_by(f.id)
    )
    found = []
    for row in conn.execute(stmt).all():
        times = health.new_item_times(conn, row.id)
        gap = health.usual_gap(times)
        found.append(
            FeedStatus(
                **row._asdict(),
                usual_gap_seconds=gap.total_seconds() if gap is not None else None,
                last_new_item_at=times[0] if times else None,
            )
        )
    return found
