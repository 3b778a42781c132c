"""Assembles the long-running service and the one-shot poll from the stages.

Owns the lifetime of the shared resources (HTTP client, parser processes) and signal
handling; the scheduling policy lives in ``scheduler`` and the per-feed work in
``pipeline``.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Sequence
from datetime import datetime

from monitor.config import Config
from monitor.fetch import Fetcher
from monitor.model import FeedSettings
from monitor.parse import ParserPool
from monitor.pipeline import Pipeline, PollReport
from monitor.scheduler import APSchedulerPolls
from storage import Store

log = logging.getLogger("monitor.service")


async def poll_once(
    config: Config, store: Store, feeds: Sequence[FeedSettings], clock: Callable[[], datetime]
) -> list[PollReport]:
    """``monitor poll``: every given feed once, concurrently; returns one report each."""
    with ParserPool() as parser:
        async with Fetcher(config.http) as fetcher:
            pipeline = Pipeline(fetcher=fetcher, parser=parser, store=store, clock=clock)
            return await pipeline.poll_many(feeds)


async def run_service(
    config: Config, store: Store, clock: Callable[[], datetime], stop: asyncio.Event | None = None
) -> None:
    """``monitor run``: polls due feeds until SIGTERM/SIGINT (or ``stop``) arrives."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    feeds = {f.id: f for f in config.feeds}
    log.info("starting", extra={"fields": {"feeds": len(feeds), "config": str(config.path)}})
    try:
        with ParserPool() as parser:
            async with Fetcher(config.http) as fetcher:
                pipeline = Pipeline(fetcher=fetcher, parser=parser, store=store, clock=clock)

                async def poll(feed_id: str) -> PollReport | None:
                    feed = feeds.get(feed_id)
                    return await pipeline.poll_leased(feed) if feed else None

                scheduler = APSchedulerPolls(due=store.due_feeds, poll=poll, clock=clock)
                await scheduler.run(stop)
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        log.info("stopped")
