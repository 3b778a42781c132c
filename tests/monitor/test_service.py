"""Service housekeeping against a real store."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from monitor.service import FETCH_LOG_KEPT, housekeeping
from storage import FeedDefinition, PollFailed, Store

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def fail_at(store: Store, at: datetime) -> None:
    store.record_failure(
        PollFailed(feed_id="f", started_at=at, finished_at=at, error="x", next_poll_at=at)
    )


def test_housekeeping_prunes_only_old_fetch_log_rows(store: Store) -> None:
    store.sync_feeds(
        [FeedDefinition("f", "https://example.org/f", "f", "ngo", "en", None, True)], NOW
    )
    fail_at(store, NOW - FETCH_LOG_KEPT - timedelta(days=1))
    fail_at(store, NOW - timedelta(days=1))

    async def scenario() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(housekeeping(store, lambda: NOW, stop))
        await asyncio.sleep(0.1)
        stop.set()
        await asyncio.wait_for(task, 5)

    asyncio.run(scenario())
    assert store.prune_fetch_log(NOW + timedelta(days=1)) == 1  # only the recent row was left
