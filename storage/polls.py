"""Recording a poll: new items with their matches and routes, the feed's fetch state, and
a fetch_log row.

Functions here take a ``Connection`` already inside a write transaction (``Store``
opens it) so a poll is recorded entirely or not at all. The feed row is updated
first: on PostgreSQL its row lock serialises two writers of one feed, so their item
inserts cannot deadlock and the second sees what the first stored.

Items are stored with ``INSERT ... ON CONFLICT (feed_id, identity) DO NOTHING
RETURNING``, which says which rows were new. Only new items get their matches
stored, only they are grouped into stories, and only they get their routes (webhook
messages and digest entries in the outbox, ``storage.outbox``), in the same
transaction: an item is never stored without its alerts, nor alerted without being
stored. An item already stored got its matches and routes when it was new, and a
changed matcher reaches old items through a rematch, not through polls. Storage
guards its own indexes and columns: NUL characters (PostgreSQL text refuses them)
are removed from text (``storage.text``), and an identity longer than
``MAX_IDENTITY`` characters is stored as ``sha256:<hex>`` of it, since a btree entry
on PostgreSQL cannot exceed about 2.7 KB.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storage import dialect, grouping, matches, outbox, story_routes
from storage.errors import FeedNotFoundError
from storage.records import NewItem, NewItemIds, PollFailed, PollSucceeded
from storage.story_records import Grouper
from storage.tables import feeds, fetch_log
from storage.text import clean, clean_optional, cut_error

MAX_IDENTITY = 500  # characters; at most 2,000 bytes of UTF-8


def stored_identity(identity: str) -> str:
    """The identity as stored: itself, or ``sha256:<hex>`` of it when too long."""
    identity = clean(identity)
    if len(identity) <= MAX_IDENTITY:
        return identity
    return "sha256:" + hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()


def record_success(
    conn: Connection,
    outcome: PollSucceeded,
    new: Sequence[NewItem],
    grouper: Grouper | None = None,
) -> NewItemIds:
    """Store ``new`` items, the matches, stories and routes of those that were new, and
    the poll's outcome.

    Each new item is grouped into a story (``storage.grouping``, deciding through
    ``grouper``) before its routes are stored, since a later report of a story keeps
    only some of them (``storage.story_routes``). Returns the ids of the new items, in
    input order.
    """
    values: dict[str, Any] = {
        "consecutive_failures": 0,
        "last_success_at": outcome.finished_at,
        "last_polled_at": outcome.finished_at,
        "last_http_status": outcome.http_status,
        "next_poll_at": outcome.next_poll_at,
        "lease_until": None,
    }
    # A 304 may omit validators (RFC 9110 section 15.4.5): keep what we had. A 200
    # without them means the server stopped sending them.
    for name in ("etag", "last_modified", "body_hash"):
        value = getattr(outcome, name)
        if value is not None or not outcome.not_modified:
            values[name] = value
    if outcome.permanent_url is not None:
        values["permanent_url"] = outcome.permanent_url
    _update_feed(conn, outcome.feed_id, values)

    inserted = _insert_items(conn, outcome.feed_id, outcome.finished_at, new)
    matches.insert_new(
        conn, [(item_id, item.matches) for item_id, item in inserted], outcome.finished_at
    )
    placed = grouping.group_new(conn, inserted, grouper, outcome.finished_at)
    routed = story_routes.for_poll(conn, inserted, placed)
    if routed:
        outbox.insert_routes(conn, routed, outcome.finished_at)
    ids = NewItemIds(item_id for item_id, _ in inserted)
    ids.matched = sum(1 for _, item in inserted if item.matches)
    _log(
        conn,
        outcome.feed_id,
        outcome.started_at,
        outcome.finished_at,
        "not_modified" if outcome.not_modified else "ok",
        outcome.http_status,
        len(ids),
        None,
    )
    return ids


def record_failure(conn: Connection, outcome: PollFailed) -> int:
    """Store a failed poll; the feed's new count of consecutive failures."""
    f = feeds.c
    error = cut_error(outcome.error)
    stmt = (
        sa.update(feeds)
        .where(f.id == outcome.feed_id)
        .values(
            consecutive_failures=f.consecutive_failures + 1,
            last_error=error,
            last_error_at=outcome.finished_at,
            last_polled_at=outcome.finished_at,
            last_http_status=outcome.http_status,
            next_poll_at=outcome.next_poll_at,
            lease_until=None,
        )
        .returning(f.consecutive_failures)
    )
    failures = conn.execute(stmt).scalar_one_or_none()
    if failures is None:
        raise FeedNotFoundError(outcome.feed_id)
    _log(
        conn,
        outcome.feed_id,
        outcome.started_at,
        outcome.finished_at,
        "error",
        outcome.http_status,
        0,
        error,
    )
    return int(failures)


def prune_log(conn: Connection, before: datetime) -> int:
    """Delete fetch_log rows of polls started before ``before``; how many went."""
    return conn.execute(sa.delete(fetch_log).where(fetch_log.c.started_at < before)).rowcount


def _update_feed(conn: Connection, feed_id: str, values: dict[str, Any]) -> None:
    if conn.execute(sa.update(feeds).where(feeds.c.id == feed_id).values(values)).rowcount != 1:
        raise FeedNotFoundError(feed_id)


def _insert_items(
    conn: Connection, feed_id: str, fetched_at: datetime, new: Sequence[NewItem]
) -> list[tuple[int, NewItem]]:
    """Insert the items not stored yet; (id, item) of each new one, in input order."""
    firsts: dict[str, NewItem] = {}  # by stored identity; the first of duplicates wins
    for item in new:
        firsts.setdefault(stored_identity(item.identity), item)
    if not firsts:
        return []
    # Most items of a changed feed are stored already: look their identities up
    # rather than send every body again only to have it ignored.
    stored = dialect.stored_identities(conn, feed_id, list(firsts))
    candidates = [
        _row(item, identity) for identity, item in firsts.items() if identity not in stored
    ]
    if not candidates:
        return []
    returned = dialect.insert_items(conn, feed_id, fetched_at, candidates)
    inserted = {identity: item_id for item_id, identity in returned}
    return [(inserted[identity], item) for identity, item in firsts.items() if identity in inserted]


def _row(item: NewItem, identity: str) -> dict[str, Any]:
    return {
        "identity": identity,
        "identity_kind": clean(item.identity_kind),
        "guid": clean_optional(item.guid),
        "url": clean_optional(item.url),
        "title": clean(item.title),
        "summary": clean(item.summary),
        "content": clean(item.content),
        "author": clean_optional(item.author),
        "language": clean_optional(item.language),
        "published": item.published,
        "published_is_fetch_time": item.published_is_fetch_time,
    }


def _log(
    conn: Connection,
    feed_id: str,
    started_at: datetime,
    finished_at: datetime,
    outcome: str,
    http_status: int | None,
    new_items: int,
    error: str | None,
) -> None:
    duration_ms = max(0, round((finished_at - started_at).total_seconds() * 1000))
    conn.execute(
        sa.insert(fetch_log),
        {
            "feed_id": feed_id,
            "started_at": started_at,
            "finished_at": finished_at,
            "duration_ms": duration_ms,
            "outcome": outcome,
            "http_status": http_status,
            "new_items": new_items,
            "error": error,
        },
    )
