"""The one place that knows the order of the stages: fetch -> parse -> match -> store.

``Pipeline.poll`` runs every stage for one feed and records the outcome; nothing a
single feed does (an HTTP error, a hostile document, a bug in a stage) escapes it, so
one broken source never stops the others. The stages reach it as objects built in
``cli.py``; the protocols below are the seams tests use.

Matching (stage 3) runs on every parsed item before storing, so an item and its
matches are written in one transaction: a crash can never leave a stored item whose
matches (and so its alerts) were lost. Each item's story print is computed then too
(``monitor.grouping``); storage groups the new ones in that same transaction, calling
back ``grouping.choose``, and keeps only the routes their stories allow.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from monitor import cadence, grouping
from monitor.errors import FeedError, FetchError
from monitor.handover import Router, as_records, match_input, no_routes, to_new_item
from monitor.logs import FIELDS
from monitor.match import Matcher
from monitor.model import FeedSettings, FetchRequest, FetchResult, ParsedFeed, ParsedItem
from storage import (
    FeedForUpdate,
    MatchRecord,
    NewItem,
    NewItemIds,
    PollFailed,
    PollSucceeded,
    Store,
)

log = logging.getLogger("monitor.poll")

# A lease longer than any poll can take: the fetch deadline plus parsing plus slack.
LEASE_SLACK = timedelta(minutes=2)


class FetchStage(Protocol):
    async def fetch(self, request: FetchRequest) -> FetchResult: ...


class ParseStage(Protocol):
    async def parse(
        self, body: bytes, *, base_url: str, fetched_at: datetime, max_items: int = 500
    ) -> ParsedFeed: ...


@dataclass(frozen=True)
class PollReport:
    """What one poll of one feed did; also the fields of its log line."""

    feed_id: str
    status: str  # "ok" | "not_modified" | "unchanged" | "error" | "skipped"
    new_items: int = 0
    seen_items: int = 0
    matched_items: int = 0
    http_status: int | None = None
    error: str | None = None
    duration: float = 0.0

    @property
    def failed(self) -> bool:
        return self.status == "error"


class Pipeline:
    """Polls feeds through the stages and records every outcome in the store."""

    def __init__(
        self,
        *,
        fetcher: FetchStage,
        parser: ParseStage,
        store: Store,
        matcher: Matcher,
        clock: Callable[[], datetime],
        rng: random.Random | None = None,
        max_items: int = 500,
        max_in_flight: int = 20,
        router: Router | None = None,
        officials: frozenset[str] = frozenset(),
    ) -> None:
        self._fetcher = fetcher
        self._parser = parser
        self._store = store
        self._matcher = matcher
        self._clock = clock
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self._max_items = max_items
        # Where a new item's alerts go (``alerts.routing``): its deliveries are stored
        # in the transaction that stores the item, so none is lost in a crash.
        self._router = router or no_routes
        # People named for their office (judges, rapporteurs): never a shared person.
        self._officials = officials
        # Polls in flight, from fetch to store. Without a bound, a cycle of 1,000 feeds
        # fetched every body at once and held them all while they queued for the
        # parser (241 MB at 1,000 feeds, gigabytes with large feeds).
        self._slots = asyncio.Semaphore(max_in_flight)

    def use(
        self, matcher: Matcher, router: Router | None, officials: frozenset[str] = frozenset()
    ) -> None:
        """Match, route and group the next items with these (feeds.yaml changed); polls
        in flight finish with what they started with."""
        self._matcher = matcher
        self._router = router or no_routes
        self._officials = officials

    async def poll_many(self, feeds: Sequence[FeedSettings]) -> list[PollReport]:
        """Polls feeds concurrently (the fetcher bounds concurrency per host and overall)."""
        return list(await asyncio.gather(*(self.poll_leased(f) for f in feeds)))

    async def poll_leased(self, feed: FeedSettings) -> PollReport:
        """Polls a feed unless another poll of it holds the lease (another process)."""
        async with self._slots:
            return await self._poll_leased(feed)

    async def _poll_leased(self, feed: FeedSettings) -> PollReport:
        now = self._clock()
        until = now + timedelta(seconds=feed.timeout) + LEASE_SLACK
        if not self._store.try_lease(feed.id, now, until):
            report = PollReport(feed.id, "skipped", error="being polled by another process")
            self._log(report)
            return report
        return await self.poll(feed)

    async def poll(self, feed: FeedSettings) -> PollReport:
        """Fetch, parse and store one feed; never raises for anything the feed does."""
        started = self._clock()
        t0 = time.perf_counter()
        try:
            state = self._store.feed_for_update(feed.id)
            report = await self._poll(feed, state, started)
        except asyncio.CancelledError:
            raise
        except Exception as e:  # a bug must not stop the other feeds: record it, log it
            log.exception("poll crashed", extra={FIELDS: {"feed": feed.id}})
            report = self._fail(feed, started, f"internal error: {e!r}", None, None)
        report = replace(report, duration=time.perf_counter() - t0)
        self._log(report)
        return report

    async def _poll(
        self, feed: FeedSettings, state: FeedForUpdate, started: datetime
    ) -> PollReport:
        request = FetchRequest(
            url=state.permanent_url or feed.url,
            timeout=feed.timeout,
            etag=state.etag,
            last_modified=state.last_modified,
        )
        try:
            result = await self._fetcher.fetch(request)
        except FetchError as e:
            return self._fail(feed, started, str(e), e.http_status, e.retry_after, state)

        if result.body is None:
            self._succeed(feed, started, result, None, ())
            return PollReport(feed.id, "not_modified", http_status=result.status)

        body_hash = hashlib.sha256(result.body).hexdigest()
        if body_hash == state.body_hash:
            # The server ignores conditional GET but sent the same bytes: skip the parse,
            # which is where a poll's CPU goes.
            self._succeed(feed, started, result, body_hash, ())
            return PollReport(feed.id, "unchanged", http_status=result.status)

        try:
            parsed = await self._parser.parse(
                result.body, base_url=result.url, fetched_at=started, max_items=self._max_items
            )
        except FeedError as e:
            return self._fail(feed, started, str(e), result.status, None, state)

        items = []
        officials = self._officials
        stored = self._store.stored_identities(feed.id, [p.identity for p in parsed.items])
        for parsed_item in parsed.items:
            matches = self._match(feed, parsed_item)
            # Only new items are grouped: a print costs ~0.3 ms, most items are stored.
            story = None
            if parsed_item.identity not in stored:
                story = grouping.story_print(parsed_item, matches, officials)
            items.append(to_new_item(parsed_item, matches, self._router(matches), story))
        new_ids = self._succeed(feed, started, result, body_hash, items)
        return PollReport(
            feed.id,
            "ok",
            new_items=len(new_ids),
            seen_items=len(items),
            matched_items=new_ids.matched,
            http_status=result.status,
        )

    def _match(self, feed: FeedSettings, item: ParsedItem) -> tuple[MatchRecord, ...]:
        return as_records(self._matcher.match(match_input(feed, item)))

    def _succeed(
        self,
        feed: FeedSettings,
        started: datetime,
        result: FetchResult,
        body_hash: str | None,
        items: Sequence[NewItem],
    ) -> NewItemIds:
        finished = self._clock()
        outcome = PollSucceeded(
            feed_id=feed.id,
            started_at=started,
            finished_at=finished,
            http_status=result.status,
            next_poll_at=cadence.after_success(finished, feed.interval, self._rng),
            not_modified=result.body is None,
            etag=result.etag,
            last_modified=result.last_modified,
            body_hash=body_hash,
            permanent_url=result.permanent_url,
        )
        return self._store.record_success(outcome, items, grouper=grouping.choose)

    def _fail(
        self,
        feed: FeedSettings,
        started: datetime,
        error: str,
        http_status: int | None,
        retry_after: float | None,
        state: FeedForUpdate | None = None,
    ) -> PollReport:
        """Records a failed poll; ``state`` is the feed as read at the start of the poll
        (read again only when the poll crashed before having it)."""
        finished = self._clock()
        failures = (state or self._store.feed_for_update(feed.id)).consecutive_failures + 1
        outcome = PollFailed(
            feed_id=feed.id,
            started_at=started,
            finished_at=finished,
            error=error,
            http_status=http_status,
            next_poll_at=cadence.after_failure(
                finished, feed.interval, failures, self._rng, retry_after
            ),
        )
        self._store.record_failure(outcome)
        return PollReport(feed.id, "error", http_status=http_status, error=error)

    @staticmethod
    def _log(report: PollReport) -> None:
        fields = {
            "feed": report.feed_id,
            "status": report.status,
            "http": report.http_status,
            "new": report.new_items,
            "seen": report.seen_items,
            "matched": report.matched_items,
            "duration_ms": round(report.duration * 1000),
        }
        if report.error:
            fields["error"] = report.error
        level = logging.WARNING if report.failed else logging.INFO
        log.log(level, "poll", extra={FIELDS: fields})
