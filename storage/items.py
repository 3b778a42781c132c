"""Reading stored items: the export stream and counts.

Functions here take an open ``Connection``; ``Store`` owns connections and errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storage.records import StoredItem
from storage.tables import feeds, items

STREAM_ROWS = 500  # rows fetched per round trip while streaming


def stream(conn: Connection, since: datetime | None) -> Iterator[StoredItem]:
    """Items fetched at or after ``since`` (all if None), by fetch time then id."""
    i = items.c
    stmt = (
        sa.select(
            i.id,
            i.feed_id,
            feeds.c.label.label("feed_label"),
            i.identity,
            i.title,
            i.url,
            i.summary,
            i.content,
            i.published,
            i.fetched_at,
            i.language,
        )
        .join_from(items, feeds, i.feed_id == feeds.c.id)
        .order_by(i.fetched_at, i.id)
    )
    if since is not None:
        stmt = stmt.where(i.fetched_at >= since)
    # yield_per streams (a server-side cursor on PostgreSQL) instead of loading all rows.
    # Closed explicitly, so a consumer stopping early also closes the server cursor.
    with conn.execution_options(yield_per=STREAM_ROWS).execute(stmt) as result:
        for row in result:
            yield StoredItem(**row._asdict())


def count(conn: Connection, feed_id: str | None) -> int:
    """How many items are stored, of one feed or of all."""
    stmt = sa.select(sa.func.count()).select_from(items)
    if feed_id is not None:
        stmt = stmt.where(items.c.feed_id == feed_id)
    return int(conn.scalar(stmt) or 0)
