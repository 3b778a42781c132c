"""Assembles the long-running service and the one-shot poll from the stages.

Owns the lifetime of the shared resources (HTTP client, parser processes) and signal
handling; the scheduling policy lives in ``scheduler`` and the per-feed work in
``pipeline``.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from monitor.config import Config
from monitor.fetch import Fetcher
from monitor.match import Matcher
from monitor.model import FeedSettings
from monitor.parse import ParserPool
from monitor.pipeline import Pipeline, PollReport
from monitor.scheduler import APSchedulerPolls
from storage import Store

log = logging.getLogger("monitor.service")

# The fetch log explains recent failures and will teach each feed's cadence; three
# months is enough for both and keeps it from growing without bound.
FETCH_LOG_KEPT = timedelta(days=90)
HOUSEKEEPING_EVERY = 24 * 3600.0


async def housekeeping(store: Store, clock: Callable[[], datetime], stop: asyncio.Event) -> None:
    """Prunes old fetch-log rows at start and then daily, until ``stop`` is set."""
    while not stop.is_set():
        try:
            pruned = store.prune_fetch_log(clock() - FETCH_LOG_KEPT)
            log.info("housekeeping", extra={"fields": {"fetch_log_pruned": pruned}})
        except Exception:  # never worth stopping the service for
            log.exception("housekeeping failed")
        try:
            await asyncio.wait_for(stop.wait(), HOUSEKEEPING_EVERY)
        except TimeoutError:
            pass


@asynccontextmanager
async def pipeline_for(
    config: Config, store: Store, matcher: Matcher, clock: Callable[[], datetime]
) -> AsyncIterator[Pipeline]:
    """The stages with their shared resources (parser processes, HTTP client), closed
    on exit whatever happens."""
    with ParserPool() as parser:
        async with Fetcher(config.http) as fetcher:
            yield Pipeline(
                fetcher=fetcher,
                parser=parser,
                store=store,
                matcher=matcher,
                clock=clock,
                max_in_flight=config.http.concurrency,
            )


async def poll_once(
    config: Config,
    store: Store,
    matcher: Matcher,
    feeds: Sequence[FeedSettings],
    clock: Callable[[], datetime],
) -> list[PollReport]:
    """``monitor poll``: every given feed once, concurrently; returns one report each."""
    async with pipeline_for(config, store, matcher, clock) as pipeline:
        return await pipeline.poll_many(feeds)


async def run_service(
    config: Config,
    store: Store,
    matcher: Matcher,
    clock: Callable[[], datetime],
    stop: asyncio.Event | None = None,
) -> None:
    """``monitor run``: polls due feeds until SIGTERM/SIGINT (or ``stop``) arrives."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    feeds = {f.id: f for f in config.feeds}
    log.info("starting", extra={"fields": {"feeds": len(feeds), "config": str(config.path)}})
    try:
        async with pipeline_for(config, store, matcher, clock) as pipeline:

            async def poll(feed_id: str) -> PollReport | None:
                feed = feeds.get(feed_id)
                return await pipeline.poll_leased(feed) if feed else None

            scheduler = APSchedulerPolls(due=store.due_feeds, poll=poll, clock=clock)
            keeper = asyncio.create_task(housekeeping(store, clock, stop))
            try:
                await scheduler.run(stop)
            finally:
                stop.set()
                await keeper
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        log.info("stopped")
