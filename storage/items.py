"""Reading stored items: the export stream, with each item's topics and people, and counts;
and the few items an alert carries, each with its full matches.

Functions here take an open ``Connection``; ``Store`` owns connections and errors.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storage import dialect
from storage.records import MatchRecord, StoredItem
from storage.tables import feeds, items, matches

STREAM_ROWS = 500  # rows fetched per round trip while streaming


def stream(conn: Connection, since: datetime | None) -> Generator[StoredItem, None, None]:
    """Items fetched at or after ``since`` (all if None), by fetch time then id.

    One query: each row carries its item's matches as a correlated aggregate, so
    the stream stays one cursor on one snapshot, however many items match.
    """
    i = items.c
    stmt = (
        sa.select(*_ITEM_COLUMNS, dialect.matched_pairs(conn, i.id))
        .join_from(items, feeds, i.feed_id == feeds.c.id)
        .order_by(i.fetched_at, i.id)
    )
    if since is not None:
        stmt = stmt.where(i.fetched_at >= since)
    dialect.without_jit(conn)
    # yield_per streams (a server-side cursor on PostgreSQL) instead of loading all rows.
    # Closed explicitly, so a consumer stopping early also closes the server cursor.
    with conn.execution_options(yield_per=STREAM_ROWS).execute(stmt) as result:
        # Unpacked by position, not Row._asdict(): that was a large share of an export.
        for row in result:
            topics, people = _split(row[-1])
            yield _stored(row, topics, people)


def with_matches(
    conn: Connection, which: sa.ColumnElement[bool]
) -> list[tuple[StoredItem, tuple[MatchRecord, ...]]]:
    """The items ``which`` (a condition on ``items``, maybe a join's) selects, by
    published time then id, each with every match it has (by kind then key).

    Two queries, whatever the number of items: the items, then all their matches,
    selected by the same condition rather than by a list of ids, so a digest of
    thousands of items sends no thousands of parameters.
    """
    i, m = items.c, matches.c
    found: dict[int, list[MatchRecord]] = {}
    stmt = (
        sa.select(m.item_id, m.kind, m.key, m.severity, m.evidence)
        .join_from(matches, items, m.item_id == i.id)
        .where(which)
        .order_by(m.item_id, m.kind, m.key)
    )
    for item_id, kind, key, severity, evidence in conn.execute(stmt):
        found.setdefault(item_id, []).append(MatchRecord(kind, key, severity, evidence))
    stmt = (
        sa.select(*_ITEM_COLUMNS)
        .join_from(items, feeds, i.feed_id == feeds.c.id)
        .where(which)
        .order_by(i.published, i.id)
    )
    loaded = []
    for row in conn.execute(stmt):
        records = tuple(found.get(row[0], ()))
        topics = tuple(sorted({r.key for r in records if r.kind == "topic"}))
        people = tuple(sorted({r.key for r in records if r.kind == "person"}))
        stored = _stored(row, topics, people)
        loaded.append((stored, records))
    return loaded


# What a StoredItem is read from, in the order ``_stored`` unpacks it.
_ITEM_COLUMNS = (
    items.c.id, items.c.feed_id, feeds.c.label, items.c.identity, items.c.title, items.c.url,
    items.c.summary, items.c.content, items.c.published, items.c.fetched_at, items.c.language,
    feeds.c.name, feeds.c.country, items.c.story_id,
)  # fmt: skip


def _stored(row: Sequence[Any], topics: tuple[str, ...], people: tuple[str, ...]) -> StoredItem:
    (item_id, feed_id, label, identity, title, url, summary, content, published, fetched_at,
     language, feed_name, country, story_id) = row[: len(_ITEM_COLUMNS)]  # fmt: skip
    return StoredItem(
        id=item_id,
        feed_id=feed_id,
        feed_label=label,
        feed_name=feed_name,
        feed_country=country,
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
        story_id=story_id,
    )


def _split(matched: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(topics, people), each sorted, from the JSON ``[[kind, key], ...]`` of an item."""
    if matched is None or matched == "[]":
        return (), ()
    pairs = json.loads(matched)
    topics = sorted({key for kind, key in pairs if kind == "topic"})
    people = sorted({key for kind, key in pairs if kind == "person"})
    return tuple(topics), tuple(people)


def exists(conn: Connection, item_id: int) -> bool:
    """Whether an item ``item_id`` is stored."""
    return conn.execute(sa.select(items.c.id).where(items.c.id == item_id)).first() is not None


def count(conn: Connection, feed_id: str | None) -> int:
    """How many items are stored, of one feed or of all."""
    stmt = sa.select(sa.func.count()).select_from(items)
    if feed_id is not None:
        stmt = stmt.where(items.c.feed_id == feed_id)
    return int(conn.scalar(stmt) or 0)
