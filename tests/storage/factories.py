"""Small builders of storage records for the storage tests, with sensible defaults."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from storage import FeedDefinition, MatchRecord, NewItem, PollFailed, PollSucceeded, Route
from storage.engine import make_engine

T0 = datetime(2025, 7, 12, 9, 30, tzinfo=UTC)


def at(minutes: float) -> datetime:
    """T0 plus ``minutes``."""
    return T0 + timedelta(minutes=minutes)


def feed(feed_id: str = "ihrngo-en", **overrides: Any) -> FeedDefinition:
    values: dict[str, Any] = {
        "id": feed_id,
        "url": f"https://example.org/{feed_id}/rss",
        "name": feed_id.upper(),
        "label": "ngo",
        "language": "en",
        "country": "IR",
        "enabled": True,
    }
    return FeedDefinition(**{**values, **overrides})


def item(identity: str, **overrides: Any) -> NewItem:
    values: dict[str, Any] = {
        "identity": identity,
        "identity_kind": "guid",
        "title": f"Title {identity}",
        "url": f"https://example.org/items/{identity}",
        "summary": f"Summary {identity}",
        "content": "",
        "published": T0,
        "published_is_fetch_time": False,
        "guid": identity,
        "author": None,
        "language": "en",
    }
    return NewItem(**{**values, **overrides})


def topic(key: str, severity: str = "urgent", *evidence: str) -> MatchRecord:
    return MatchRecord("topic", key, severity, evidence or (key.replace("_", " "),))


def person(name: str, severity: str = "urgent", *evidence: str) -> MatchRecord:
    return MatchRecord("person", name, severity, evidence or (name,))


def webhook(target: str = "hook") -> Route:
    return Route("webhook", target)


def digest(target: str = "daily") -> Route:
    return Route("digest", target)


def succeeded(feed_id: str = "ihrngo-en", minute: float = 0, **overrides: Any) -> PollSucceeded:
    values: dict[str, Any] = {
        "feed_id": feed_id,
        "started_at": at(minute),
        "finished_at": at(minute) + timedelta(milliseconds=250),
        "http_status": 200,
        "next_poll_at": at(minute + 15),
        "not_modified": False,
    }
    return PollSucceeded(**{**values, **overrides})


def failed(feed_id: str = "ihrngo-en", minute: float = 0, **overrides: Any) -> PollFailed:
    values: dict[str, Any] = {
        "feed_id": feed_id,
        "started_at": at(minute),
        "finished_at": at(minute) + timedelta(seconds=20),
        "error": "timed out after 20s",
        "next_poll_at": at(minute + 30),
        "http_status": None,
    }
    return PollFailed(**{**values, **overrides})


@contextmanager
def raw(url: str) -> Iterator[sa.Connection]:
    """A plain connection to the test database, to look behind the Store's back."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def rows(url: str, table: sa.Table) -> list[dict[str, Any]]:
    """Every row of ``table``, by id, read behind the Store's back."""
    with raw(url) as conn:
        return [dict(row) for row in conn.execute(sa.select(table).order_by("id")).mappings()]
