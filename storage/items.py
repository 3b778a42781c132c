"""Reading stored items: the export stream, with each item's topics and people, and counts.

Functions here take an open ``Connection``; ``Store`` owns connections and errors.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storage import dialect
from storage.records import StoredItem
from storage.tables import feeds, items

STREAM_ROWS = 500  # rows fetched per round trip while streaming


def stream(conn: Connection, since: datetime | None) -> Generator[StoredItem, None, None]:
    """Items fetched at or after ``since`` (all if None), by fetch time then id.

    One query: each row carries its item's matches as a correlated aggregate, so
    the stream stays one cursor on one snapshot, however many items match.
    """
    i = items.c
    stmt = (
        sa.select(
            i.id,
            i.feed_id,
            feeds.c.label,
            i.identity,
            i.title,
            i.url,
            i.summary,
            i.content,
            i.published,
            i.fetched_at,
            i.language,
            feeds.c.name,
            dialect.matched_pairs(conn, i.id),
        )
        .join_from(items, feeds, i.feed_id == feeds.c.id)
        .order_by(i.fetched_at, i.id)
    )
    if since is not None:
        stmt = stmt.where(i.fetched_at >= since)
    dialect.without_jit(conn)
    # yield_per streams (a server-side cursor on PostgreSQL) instead of loading all rows.
    # Closed explicitly, so a consumer stopping early also closes the server cursor.
    with conn.execution_options(yield_per=STREAM_ROWS).execute(stmt) as result:
        # Unpacked by name, not Row._asdict(): that was a large share of an export.
        for (item_id, feed_id, label, identity, title, url, summary, content, published,
             fetched_at, language, feed_name, matched) in result:  # fmt: skip
            topics, people = _split(matched)
            yield StoredItem(
                id=item_id,
                feed_id=feed_id,
                feed_label=label,
                feed_name=feed_name,
                identity=identity,
                title=title,
                url=url,
                summary=summary,
                content=content,
                published=published,
                fetched_at=fetched_at,
                language=language,
                topics=topics,
                people=people,
            )


def _split(matched: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(topics, people), each sorted, from the JSON ``[[kind, key], ...]`` of an item."""
    if matched is None or matched == "[]":
        return (), ()
    pairs = json.loads(matched)
    topics = sorted({key for kind, key in pairs if kind == "topic"})
    people = sorted({key for kind, key in pairs if kind == "person"})
    return tuple(topics), tuple(people)


def count(conn: Connection, feed_id: str | None) -> int:
    """How many items are stored, of one feed or of all."""
    stmt = sa.select(sa.func.count()).select_from(items)
    if feed_id is not None:
        stmt = stmt.where(items.c.feed_id == feed_id)
    return int(conn.scalar(stmt) or 0)
