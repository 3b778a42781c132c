"""Story grouping inside the transaction that stores a poll: each new item joins a stored
story or starts one, and is indexed for the items after it.

Concurrent polls group one after another (on PostgreSQL an advisory lock held to
commit; SQLite's writers are serial anyway). For each new item, in input order (so
the second item of a poll can join the first's story): one bounded count says which
of its band keys boilerplate has crowded, one indexed query finds its candidates
(``story_keys``: ``key IN exact OR (key IN people AND published BETWEEN since AND
until)``, with their prints), and the caller's ``Grouper`` decides. Then the item
gets its story, reason, score and print, and its keys are stored. Nothing already
stored is ever regrouped: a story only grows.

A band key held by more than ``CROWDED`` items is shared boilerplate (a template
sentence every report of a source opens with), not evidence of one report: it is
neither looked up (each look-up would return a thousand candidates, the p95 blow-up
``bench/stories.py`` showed) nor stored again (its rows would only grow).

Functions here take a ``Connection`` inside the poll's write transaction. They must not
decide whether two items are one story: that is the ``Grouper``'s (``monitor.group``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storage.records import NewItem
from storage.story_records import STORY_REASONS, Grouper, StoryCandidate, StoryChoice, StoryPrint
from storage.tables import items, stories, story_keys
from storage.text import clean

CROWDED = 1000  # items holding one band key beyond which it is boilerplate
# pg_advisory_xact_lock key that serialises grouping between concurrent polls.
_GROUPING_LOCK = 0x73746F72696573  # "stories"
_NEW = StoryChoice(None, "new", 0.0, "")


@dataclass(frozen=True)
class Placed:
    """Where a new item went: its story, and whether it started it."""

    story_id: int
    first: bool


def group_new(
    conn: Connection,
    inserted: Sequence[tuple[int, NewItem]],
    grouper: Grouper | None,
    now: datetime,
) -> dict[int, Placed]:
    """Put each newly inserted item in a story, in order; where each went, by item id.

    An item without a print, or with no ``grouper``, starts a story of its own.
    """
    placed: dict[int, Placed] = {}
    if inserted and conn.dialect.name == "postgresql":
        # Two feeds polled at once may bring two reports of one event. Without this,
        # neither transaction sees the other's uncommitted report and both start a
        # story (and alert). Held to commit, so the next poll's look-up sees this one's
        # items. SQLite needs nothing: its writers already run one at a time.
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _GROUPING_LOCK})
    for item_id, item in inserted:
        printed = item.story
        crowded = _crowded(conn, printed.bands) if printed else set()
        choice = _choose(conn, printed, grouper, crowded) if printed and grouper else _NEW
        if choice.story_id is None:
            story_id = _start(conn, item_id, now)
            choice = _NEW
        else:
            story_id = choice.story_id
        conn.execute(
            sa.update(items)
            .where(items.c.id == item_id)
            .values(
                story_id=story_id,
                story_reason=choice.reason,
                story_score=choice.score,
                story_why=clean(choice.why) or None,
                print=clean(printed.text) if printed else None,
            )
        )
        if printed:
            keys = [k for k in dict.fromkeys(printed.keys) if k not in crowded]
            rows = [_key_row(k, item_id, story_id, item) for k in keys]
            if rows:
                conn.execute(sa.insert(story_keys), rows)
        placed[item_id] = Placed(story_id, first=choice.story_id is None)
    return placed


def candidates(conn: Connection, printed: StoryPrint, crowded: set[str]) -> list[StoryCandidate]:
    """The stored items that share a key with ``printed``, oldest published first.

    One query on the (key, published) index; items holding several keys come once.
    """
    sk = story_keys.c
    exact = [k for k in dict.fromkeys(printed.exact) if k not in crowded]
    found: list[sa.ColumnElement[bool]] = []
    if exact:
        found.append(sk.key.in_(exact))
    if printed.people and printed.since is not None and printed.until is not None:
        timed = sk.published.between(printed.since, printed.until)
        found.append(sa.and_(sk.key.in_(list(printed.people)), timed))
    if not found:
        return []
    keyed = sa.select(sk.item_id).where(sa.or_(*found))
    i = items.c
    stmt = (
        sa.select(i.story_id, i.id, i.print)
        .where(i.id.in_(keyed), i.print.is_not(None), i.story_id.is_not(None))
        .order_by(i.published, i.id)
    )
    return [StoryCandidate(story, item_id, text) for story, item_id, text in conn.execute(stmt)]


def _choose(
    conn: Connection, printed: StoryPrint, grouper: Grouper, crowded: set[str]
) -> StoryChoice:
    found = candidates(conn, printed, crowded)
    if not found:
        return _NEW  # nothing to compare with: the grouper would say "new" anyway
    choice = grouper(printed.text, found)
    if choice.story_id is None:
        return _NEW
    # A story the look-up did not return, or a reason storage does not know, is a bug
    # in the grouper: refuse it rather than store a join nobody can explain.
    if choice.story_id not in {c.story_id for c in found}:
        raise ValueError(f"grouper chose story {choice.story_id}, not among the candidates")
    if choice.reason not in STORY_REASONS or choice.reason == "new":
        raise ValueError(f"grouper joined a story for reason {choice.reason!r}")
    return choice


def _crowded(conn: Connection, bands: Sequence[str]) -> set[str]:
    """The band keys already held by more than ``CROWDED`` items.

    One statement of bounded cost: each count stops at ``CROWDED + 1`` index entries.
    """
    keys = list(dict.fromkeys(bands))
    if not keys:
        return set()
    sk = story_keys.c
    counts = [
        sa.select(sa.func.count())
        .select_from(sa.select(sk.item_id).where(sk.key == key).limit(CROWDED + 1).subquery())
        .scalar_subquery()
        .label(f"c{n}")
        for n, key in enumerate(keys)
    ]
    row = conn.execute(sa.select(*counts)).one()
    return {key for key, count in zip(keys, row, strict=True) if count > CROWDED}


def _start(conn: Connection, item_id: int, now: datetime) -> int:
    stmt = sa.insert(stories).values(created_at=now, first_item_id=item_id)
    story_id: int = conn.execute(stmt.returning(stories.c.id)).scalar_one()
    return story_id


def _key_row(key: str, item_id: int, story_id: int, item: NewItem) -> dict[str, Any]:
    return {"key": clean(key), "item_id": item_id, "story_id": story_id,
            "published": item.published}  # fmt: skip
