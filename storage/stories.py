"""Reading stories: each with its items, their matches and why each joined; and the
other reports of a story that an alert shows beside its own item.

Functions here take an open ``Connection``; ``Store`` owns connections and errors.
Stories are written only by ``grouping``, in the transaction that stores a poll.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storage.items import with_matches
from storage.records import StoredItem
from storage.story_records import StoryRecord, StoryReport
from storage.tables import items, matches, stories


def listing(conn: Connection, since: datetime | None) -> list[StoryRecord]:
    """Stories created at or after ``since`` (all if None), oldest first."""
    which = sa.select(stories.c.id)
    if since is not None:
        which = which.where(stories.c.created_at >= since)
    return _load(conn, which)


def for_person(conn: Connection, name: str) -> list[StoryRecord]:
    """Stories with at least one item that matched the person ``name``, oldest first."""
    m = matches.c
    matched = sa.select(m.item_id).where(m.kind == "person", m.key == name)
    which = sa.select(items.c.story_id).where(items.c.id.in_(matched))
    return _load(conn, which)


def reports(
    conn: Connection, shown: sa.Select[tuple[int]], fetched_by: datetime
) -> tuple[StoredItem, ...]:
    """The other items of the stories of the items ``shown`` selects, fetched by
    ``fetched_by``, first stored first: an alert lists them beside its own items.

    ``shown`` is a query rather than a list of ids, so a digest of thousands of items
    sends no thousands of parameters.
    """
    i = items.c
    story_ids = sa.select(i.story_id).where(i.id.in_(shown), i.story_id.is_not(None))
    which = sa.and_(i.story_id.in_(story_ids), i.id.not_in(shown), i.fetched_at <= fetched_by)
    return tuple(sorted((item for item, _ in with_matches(conn, which)), key=lambda x: x.id))


def _load(conn: Connection, which: sa.Select[tuple[int]]) -> list[StoryRecord]:
    """The stories whose ids ``which`` selects, each with every item, by creation."""
    i, s = items.c, stories.c
    why = {
        item_id: (reason or "new", score or 0.0, text or "")
        for item_id, reason, score, text in conn.execute(
            sa.select(i.id, i.story_reason, i.story_score, i.story_why).where(i.story_id.in_(which))
        )
    }
    by_story: dict[int, list[StoryReport]] = {}
    for item, _ in with_matches(conn, i.story_id.in_(which)):
        assert item.story_id is not None  # selected by it
        reason, score, text = why[item.id]
        by_story.setdefault(item.story_id, []).append(StoryReport(item, reason, score, text))
    rows = conn.execute(
        sa.select(s.id, s.created_at, s.first_item_id)
        .where(s.id.in_(which))
        .order_by(s.created_at, s.id)
    )
    return [
        StoryRecord(story_id, created_at, first, tuple(by_story.get(story_id, ())))
        for story_id, created_at, first in rows
        if story_id in by_story
    ]
