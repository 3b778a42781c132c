"""Typed records going in and out of storage, named for their direction.

Storage knows nothing of feeds.yaml, HTTP or parsing: callers translate their own
objects into these records. All datetimes are timezone-aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FeedDefinition:
    """What the configuration says about a feed; written by ``Store.sync_feeds``."""

    id: str
    url: str
    name: str
    label: str
    language: str
    country: str | None
    enabled: bool


@dataclass(frozen=True)
class FeedForUpdate:
    """What a poll needs to know about a feed from its last poll."""

    id: str
    url: str  # the configured URL
    permanent_url: str | None  # learnt from a permanent redirect, used instead
    etag: str | None
    last_modified: str | None
    body_hash: str | None  # sha256 of the last parsed body, to skip identical bodies
    consecutive_failures: int
    next_poll_at: datetime | None


@dataclass(frozen=True)
class MatchRecord:
    """A topic or person an item matched, with the terms that fired.

    One per (item, kind, key): an item matches a topic or a person once, however
    many of its terms fired.
    """

    kind: str  # "topic" | "person"
    key: str  # the topic id, or the person's canonical name
    severity: str  # "urgent" | "digest"
    evidence: tuple[str, ...]  # the terms that fired, as shown to users


@dataclass(frozen=True)
class NewItem:
    """An item to insert; ignored when (feed_id, identity) is already stored.

    Its ``matches`` are stored with it when it is new, and dropped with it when not.
    """

    identity: str
    identity_kind: str
    title: str
    url: str | None
    summary: str
    content: str
    published: datetime
    published_is_fetch_time: bool
    guid: str | None
    author: str | None
    language: str | None
    matches: tuple[MatchRecord, ...] = ()


@dataclass(frozen=True)
class PollSucceeded:
    """The outcome of a poll that got an answer (new body or 304)."""

    feed_id: str
    started_at: datetime
    finished_at: datetime
    http_status: int
    next_poll_at: datetime
    not_modified: bool
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    permanent_url: str | None = None


@dataclass(frozen=True)
class PollFailed:
    """The outcome of a poll that failed (network, HTTP error, limit, parse error)."""

    feed_id: str
    started_at: datetime
    finished_at: datetime
    error: str
    next_poll_at: datetime
    http_status: int | None = None


@dataclass(frozen=True)
class FeedStatus:
    """A feed's health for ``monitor status``."""

    id: str
    name: str
    url: str
    label: str
    enabled: bool
    items: int
    last_polled_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    next_poll_at: datetime | None

    @property
    def ok(self) -> bool:
        """A feed is ok when its last poll succeeded (a never-polled feed is not ok yet)."""
        return self.last_success_at is not None and self.consecutive_failures == 0


@dataclass(frozen=True)
class StoredItem:
    """An item as stored, with what it matched, for export, rematching and alerting."""

    id: int
    feed_id: str
    feed_label: str
    identity: str
    title: str
    url: str | None
    summary: str
    content: str
    published: datetime
    fetched_at: datetime
    language: str | None
    topics: tuple[str, ...] = ()  # ids of the topics it matched, sorted
    people: tuple[str, ...] = ()  # canonical names of the people it matched, sorted
    feed_name: str = ""


class NewItemIds(list[int]):
    """The ids of the items a poll stored, in input order (a plain list to callers that
    need only that); ``matched`` counts those stored with at least one match."""

    matched: int = 0
