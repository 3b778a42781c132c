"""Typed records going in and out of storage, named for their direction.

Storage knows nothing of feeds.yaml, HTTP or parsing: callers translate their own
objects into these records. All datetimes are timezone-aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # story_records imports this module
    from storage.story_records import StoryPrint


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
    routes: tuple[Route, ...] = ()  # where its alerts go; stored only when it is new
    story: StoryPrint | None = None  # how to group it; None: it starts a story of its own


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
    health: str = "ok"  # "ok" | "failing" | "silent", as last decided (FeedHealth)
    health_since: datetime | None = None
    usual_gap_seconds: float | None = None  # None until the cadence is known
    last_new_item_at: datetime | None = None

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
    feed_country: str | None = None
    story_id: int | None = None  # the story it reports (None only in tests' own records)


class NewItemIds(list[int]):
    """The ids of the items a poll stored, in input order (a plain list to callers that
    need only that); ``matched`` counts those stored with at least one match."""

    matched: int = 0


# --- the delivery outbox -------------------------------------------------------------

OUTBOX_KINDS = ("webhook", "digest", "notice")
OUTBOX_STATES = ("pending", "sent", "failed", "disabled")


@dataclass(frozen=True)
class Route:
    """Where a new item's alert goes, decided by the caller from its matches: stored
    with the item, in the same transaction, only when the item is new.

    ``kind`` "webhook": one outbox message to the endpoint ``target`` (a webhook id)
    for ``event`` (``match.created``, or ``story.updated`` for a later report of a story
    the endpoint was alerted of: storage keeps at most one of the two per item and
    endpoint, ``storage.story_routes``); ``kind`` "digest": one entry in the next
    message of the digest ``target``.
    """

    kind: str
    target: str
    event: str = "match.created"


@dataclass(frozen=True)
class DigestEntry:
    """One item in a digest message, with every match it has."""

    item: StoredItem
    matches: tuple[MatchRecord, ...]


@dataclass(frozen=True)
class OutboxMessage:
    """A message claimed for sending (its lease is held until marked or it expires).

    ``message_id`` is stable across attempts: the ``webhook-id`` of a webhook, the
    ``Message-ID`` of an e-mail. What the fields hold depends on ``kind``:
    webhook: ``item``, ``matches`` and ``reports`` (the story's other items at claim
    time, first stored first); digest: ``reports`` (the other items, fetched by the
    period end, of the stories its entries report), ``period_end`` (the scheduled send time
    the message is for), ``previous_period_end`` (that of the digest's last sent message,
    or None) and ``entries`` (oldest first); notice: ``subject`` and ``body``.
    """

    id: int
    kind: str  # "webhook" | "digest" | "notice"
    target: str  # webhook id, digest id, or "operator"
    event: str  # "match.created", "digest", or the notice's kind ("endpoint.disabled"...)
    message_id: str
    attempts: int  # attempts made before this one
    created_at: datetime
    item: StoredItem | None = None
    matches: tuple[MatchRecord, ...] = ()
    period_end: datetime | None = None
    previous_period_end: datetime | None = None
    entries: tuple[DigestEntry, ...] = ()
    reports: tuple[StoredItem, ...] = ()
    subject: str | None = None
    body: str | None = None


@dataclass(frozen=True)
class OutboxStatus:
    """A message as ``monitor deliveries list`` shows it."""

    id: int
    kind: str
    target: str
    event: str
    state: str  # "pending" | "sent" | "failed" | "disabled"
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str | None
    sent_at: datetime | None
    title: str  # the item's title, the notice's subject, or the digest and its period


# --- source health -------------------------------------------------------------------

HEALTH_STATES = ("ok", "failing", "silent")


@dataclass(frozen=True)
class FeedHealth:
    """What a health check needs to know about one enabled, configured feed.

    ``state``, ``since`` and ``transitions`` are the health as last recorded (``ok``,
    None and 0 for a feed never judged). ``new_item_times`` are the distinct times a
    poll stored new items, newest first (a few dozen at most): the cadence is learnt
    from them. ``failing_since`` is when the current run of failed polls began.
    """

    id: str
    name: str
    label: str
    url: str
    consecutive_failures: int
    last_error: str | None
    last_success_at: datetime | None
    failing_since: datetime | None
    new_item_times: tuple[datetime, ...]
    state: str = "ok"
    since: datetime | None = None
    transitions: int = 0

    @property
    def last_new_item_at(self) -> datetime | None:
        return self.new_item_times[0] if self.new_item_times else None


@dataclass(frozen=True)
class NewMessage:
    """An outbox message that is not an item's route: an operator notice (``kind``
    "notice", target "operator") or a webhook carrying its own ``body`` (``kind``
    "webhook", target the webhook id), created once per ``dedup_key``."""

    kind: str
    target: str
    event: str  # "source.failing"...
    dedup_key: str
    subject: str
    body: str


@dataclass(frozen=True)
class HealthChange:
    """A feed's health moves to ``state`` from the health read with ``transitions``
    changes; recorded, with its ``messages``, only if nobody recorded another since."""

    feed_id: str
    transitions: int  # as read; the row must still say this
    state: str
    since: datetime
    messages: tuple[NewMessage, ...] = ()


@dataclass(frozen=True)
class SourceProblem:
    """A configured, enabled feed that is failing or silent, for digests and status."""

    feed_id: str
    name: str
    label: str
    state: str  # "failing" | "silent"
    since: datetime
    consecutive_failures: int
    last_error: str | None
