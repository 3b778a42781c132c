"""``Store``: the one object the rest of monitor uses to reach the database.

It owns the engine, opens one transaction per call, and translates every database
error into ``StorageError`` naming the operation. The queries live in ``feeds``,
``polls``, ``items``, ``matches``, ``grouping`` (stories, in the poll's transaction),
and for the delivery outbox ``outbox`` (writing), ``claims`` (handing out) and
``deliveries`` (the operator's view); this module only decides transactions and error
messages. The outbox methods are in ``store_outbox`` and the story readers in
``store_stories`` (mixins: one ``Store`` for callers, small modules here). All
datetimes in and out are timezone-aware UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from datetime import datetime
from types import TracebackType

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from storage import dialect, feeds, health, items, outbox, polls, story_routes
from storage import matches as match_rows
from storage.engine import WRITE, display_url, make_engine
from storage.errors import StorageError, describe_cause, storage_errors
from storage.migrate import upgrade
from storage.records import (
    FeedDefinition,
    FeedForUpdate,
    FeedHealth,
    FeedStatus,
    HealthChange,
    MatchRecord,
    NewItem,
    NewItemIds,
    PollFailed,
    PollSucceeded,
    Route,
    SourceProblem,
    StoredItem,
)
from storage.store_outbox import OutboxStore
from storage.store_stories import StoryStore
from storage.story_records import Grouper


class Store(OutboxStore, StoryStore):
    """The system of record: feeds, their poll history, every item fetched, its matches,
    and the outbox of alerts to deliver.

    Thread-safe: each call takes its own pooled connection. Open with ``Store.open``.
    """

    def __init__(self, engine: Engine) -> None:
        """Wrap an engine already migrated; use ``Store.open`` rather than this."""
        self._engine = engine
        self._writer = engine.execution_options(**{WRITE: True})

    @classmethod
    def open(cls, url: str) -> Store:
        """Connect to ``url`` and bring its schema up to date (safe to race)."""
        try:
            engine = make_engine(url)
            try:
                upgrade(engine)
            except BaseException:
                engine.dispose()
                raise
        except (SQLAlchemyError, StorageError) as error:
            # A StorageError from make_engine or upgrade says what is wrong, not where.
            cause = str(error) if isinstance(error, StorageError) else describe_cause(error)
            raise StorageError(
                f"could not open the database {display_url(url)}: {cause}"
            ) from error
        return cls(engine)

    def close(self) -> None:
        """Close every pooled connection; the store cannot be used afterwards."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({display_url(self._engine.url)!r})"

    # -- feeds -------------------------------------------------------------------

    def sync_feeds(self, definitions: Sequence[FeedDefinition], now: datetime) -> None:
        """Make the stored feeds match the configuration, keeping their fetch state.

        New feeds are added (due at once); changed ones updated, and a changed URL
        forgets the old URL's validators, body hash, redirect, failures and next poll.
        Feeds absent from ``definitions`` get ``configured = false`` and keep history.
        """
        with storage_errors("sync the configured feeds"), self._writer.begin() as conn:
            feeds.sync(conn, definitions, now)

    def feed_for_update(self, feed_id: str) -> FeedForUpdate:
        """What a poll needs from the last one; ``FeedNotFoundError`` if unknown."""
        with storage_errors(f"read feed {feed_id!r}"), self._engine.connect() as conn:
            return feeds.for_update(conn, feed_id)

    def due_feeds(self, now: datetime) -> list[str]:
        """Enabled, configured, unleased feeds due at ``now``: never polled first."""
        with storage_errors("list the feeds due"), self._engine.connect() as conn:
            return feeds.due(conn, now)

    def try_lease(self, feed_id: str, now: datetime, until: datetime) -> bool:
        """Claim the poll of ``feed_id`` until ``until``; False if someone holds it."""
        with storage_errors(f"lease feed {feed_id!r}"), self._writer.begin() as conn:
            return feeds.lease(conn, feed_id, now, until)

    def release_lease(self, feed_id: str) -> None:
        """Give up a lease without recording a poll (the poll was abandoned)."""
        with storage_errors(f"release feed {feed_id!r}"), self._writer.begin() as conn:
            feeds.release(conn, feed_id)

    def feed_statuses(self) -> list[FeedStatus]:
        """Health of every configured feed, with its item count, by id."""
        with storage_errors("read feed statuses"), self._engine.connect() as conn:
            return feeds.statuses(conn)

    # -- polls -------------------------------------------------------------------

    def record_success(
        self, outcome: PollSucceeded, new: Sequence[NewItem], grouper: Grouper | None = None
    ) -> NewItemIds:
        """Store a successful poll and its items in one transaction; releases the lease.

        Each new item joins a story or starts one, in input order, deciding through
        ``grouper`` (``storage.grouping``; without it every item starts its own), and
        keeps the routes its story allows (``storage.story_routes``).

        Items already stored for the feed (same identity) are ignored, matches and
        routes and all: an item's matches are stored once, when it is new
        (``matched_at`` is the poll's ``finished_at``, source ``poll``), and so are
        its routes (see ``add_routes``), due at ``finished_at``. Returns the ids of
        the items that were new, in input order.
        """
        operation = f"record the poll of feed {outcome.feed_id!r}"
        with storage_errors(operation), self._writer.begin() as conn:
            return polls.record_success(conn, outcome, new, grouper)

    def record_failure(self, outcome: PollFailed) -> int:
        """Store a failed poll in one transaction; returns the consecutive failures."""
        operation = f"record the failed poll of feed {outcome.feed_id!r}"
        with storage_errors(operation), self._writer.begin() as conn:
            return polls.record_failure(conn, outcome)

    def prune_fetch_log(self, before: datetime) -> int:
        """Forget fetch_log rows of polls started before ``before``; returns how many."""
        with storage_errors("prune the fetch log"), self._writer.begin() as conn:
            return polls.prune_log(conn, before)

    # -- source health -------------------------------------------------------------

    def feed_health(self, feed_ids: Sequence[str] | None = None) -> list[FeedHealth]:
        """What a health check needs about each enabled, configured feed (of
        ``feed_ids`` if given), by id."""
        with storage_errors("read feed health"), self._engine.connect() as conn:
            return health.read(conn, feed_ids)

    def record_health(self, change: HealthChange, now: datetime) -> bool:
        """Record a change of a feed's health and create its messages, in one
        transaction, unless its health changed since it was read; True if recorded."""
        operation = f"record the health of feed {change.feed_id!r}"
        with storage_errors(operation), self._writer.begin() as conn:
            return health.record(conn, change, now)

    def source_problems(self) -> list[SourceProblem]:
        """Enabled, configured feeds now failing or silent: failing first, then oldest."""
        with storage_errors("read source problems"), self._engine.connect() as conn:
            return health.problems(conn)

    # -- items -------------------------------------------------------------------

    def iter_items(self, since: datetime | None = None) -> Generator[StoredItem, None, None]:
        """Stream items fetched at or after ``since`` (all if None), by fetch time, id.

        Holds one connection until exhausted or closed; close it early with
        ``contextlib.closing`` if you stop iterating before the end.
        """
        with storage_errors("read items"), self._engine.connect() as conn:
            yield from items.stream(conn, since)

    def item_matches(self, item_id: int) -> list[MatchRecord]:
        """What item ``item_id`` matched, by kind then key (none for an unknown item)."""
        with storage_errors(f"read the matches of item {item_id}"), self._engine.connect() as conn:
            return match_rows.for_item(conn, item_id)

    def add_matches(
        self,
        item_id: int,
        matches: Sequence[MatchRecord],
        at: datetime,
        source: str = "rematch",
        router: Callable[[list[MatchRecord]], Sequence[Route]] | None = None,
    ) -> list[MatchRecord]:
        """Store the matches item ``item_id`` lacks, in one transaction; returns them.

        A (kind, key) already stored for the item keeps its row (first wins), so a
        rematch can run any number of times. ``source`` is ``rematch`` or ``poll``
        (the database refuses others). ``router``, given the new matches, says where
        they are alerted; those routes are stored in the same transaction, so a crash
        cannot keep the matches and lose their alerts. ``ItemNotFoundError`` if no such
        item.
        """
        operation = f"add matches to item {item_id}"
        with storage_errors(operation), self._writer.begin() as conn:
            added = match_rows.add(conn, item_id, matches, at, source)
            if added and router is not None:
                kept = story_routes.for_stored(conn, item_id, router(added))
                outbox.insert_routes(conn, [(item_id, kept)], at)
            return added

    def stored_identities(self, feed_id: str, identities: Sequence[str]) -> set[str]:
        """Which of ``identities`` (as parsed) ``feed_id`` has stored already: a poll
        prepares story prints only for the others."""
        by_stored = {polls.stored_identity(i): i for i in identities}
        if not by_stored:
            return set()
        with storage_errors(f"read the items of feed {feed_id!r}"), self._engine.connect() as conn:
            found = dialect.stored_identities(conn, feed_id, list(by_stored))
        return {by_stored[i] for i in found}

    def count_items(self, feed_id: str | None = None) -> int:
        """How many items are stored, of ``feed_id`` or of every feed."""
        with storage_errors("count items"), self._engine.connect() as conn:
            return items.count(conn, feed_id)
