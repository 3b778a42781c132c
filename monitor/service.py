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

from alerts.dispatch import Dispatcher
from monitor.config import Config
from monitor.fetch import Fetcher
from monitor.handover import Router
from monitor.health import check_health
from monitor.match import Matcher
from monitor.model import FeedSettings
from monitor.parse import ParserPool
from monitor.pipeline import Pipeline, PollReport
from monitor.rules import officials
from monitor.runtime import ConfigWatch, Rules, feed_definitions
from monitor.scheduler import APSchedulerPolls
from storage import Store

log = logging.getLogger("monitor.service")

# The fetch log explains recent failures and will teach each feed's cadence; three
# months is enough for both and keeps it from growing without bound.
FETCH_LOG_KEPT = timedelta(days=90)
HOUSEKEEPING_EVERY = 24 * 3600.0
# Urgent alerts leave within seconds of the poll that found them (a poll that stored
# a match wakes the dispatcher at once); this is the longest a retry due now waits.
DISPATCH_EVERY = 5.0
DIGESTS_EVERY = 60.0  # seconds between asking the database whether a digest is due


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


async def alert_loop(
    dispatcher: Dispatcher,
    stop: asyncio.Event,
    wake: asyncio.Event,
    clock: Callable[[], datetime],
) -> None:
    """Sends due webhooks and notices every few seconds, or at once when ``wake`` is set
    (a poll stored a match), and due digests every minute, until ``stop`` is set.

    Whether a digest is due is decided by the database from the clock, never by a
    timer having fired (hazards.md 10): a late loop, or a restart at 07:05 for a
    07:00 digest, still sends it once.
    """
    last_digests: datetime | None = None
    while not stop.is_set():
        wake.clear()
        try:
            await dispatcher.dispatch_due(("webhook", "notice"))
            now = clock()
            if last_digests is None or (now - last_digests).total_seconds() >= DIGESTS_EVERY:
                last_digests = now
                await dispatcher.run_digests()
        except Exception:  # the database may be back next time; the service goes on
            log.exception("dispatching alerts failed")
        waits = [asyncio.create_task(stop.wait()), asyncio.create_task(wake.wait())]
        await asyncio.wait(waits, timeout=DISPATCH_EVERY, return_when=asyncio.FIRST_COMPLETED)
        for task in waits:
            task.cancel()


@asynccontextmanager
async def pipeline_for(
    config: Config,
    store: Store,
    matcher: Matcher,
    clock: Callable[[], datetime],
    router: Router | None = None,
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
                router=router,
                officials=officials(config),
            )


async def poll_once(
    config: Config,
    store: Store,
    matcher: Matcher,
    feeds: Sequence[FeedSettings],
    clock: Callable[[], datetime],
    router: Router | None = None,
) -> list[PollReport]:
    """``monitor poll``: every given feed once, concurrently; returns one report each."""
    async with pipeline_for(config, store, matcher, clock, router) as pipeline:
        return await pipeline.poll_many(feeds)


async def run_service(
    rules: Rules,
    store: Store,
    clock: Callable[[], datetime],
    stop: asyncio.Event | None = None,
    *,
    dispatcher: Dispatcher | None = None,
    reload: Callable[[], Rules] | None = None,
) -> None:
    """``monitor run``: polls due feeds and sends alerts until SIGTERM/SIGINT (or
    ``stop``) arrives. With ``reload`` (which loads feeds.yaml again, raising
    ``ConfigError`` when it is invalid), a changed file is applied while running."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    config = rules.config
    feeds = {f.id: f for f in config.feeds}
    log.info("starting", extra={"fields": {"feeds": len(feeds), "config": str(config.path)}})
    try:
        async with pipeline_for(
            config, store, rules.matcher, clock, rules.alerting.router
        ) as pipeline:
            wake = asyncio.Event()

            async def poll(feed_id: str) -> PollReport | None:
                feed = feeds.get(feed_id)
                report = await pipeline.poll_leased(feed) if feed else None
                if report is None:
                    return None
                try:  # a failing, silent or recovered source is told once, with the poll
                    changed = check_health(store, rules.config.health, rules.alerting.settings,
                                           clock(), feeds=[feed_id])  # fmt: skip
                except Exception:  # never worth a poll: the next one checks again
                    log.exception("health check failed", extra={"fields": {"feed": feed_id}})
                    changed = []
                if report.matched_items or changed:
                    wake.set()
                return report

            def apply(new: Rules) -> None:
                nonlocal rules  # health checks and alerts read the rules now in force
                rules = new
                # Storage first: a feed removed from the file stops being due, a new one
                # is due at once (it has never been polled).
                store.sync_feeds(feed_definitions(new.config), clock())
                feeds.clear()
                feeds.update((f.id, f) for f in new.config.feeds)
                pipeline.use(new.matcher, new.alerting.router, officials(new.config))
                if dispatcher is not None:
                    new.alerting.update(dispatcher)

            scheduler = APSchedulerPolls(due=store.due_feeds, poll=poll, clock=clock)
            tasks = [asyncio.create_task(housekeeping(store, clock, stop))]
            if dispatcher is not None:
                tasks.append(asyncio.create_task(alert_loop(dispatcher, stop, wake, clock)))
            if reload is not None:
                watch = ConfigWatch(config.path, reload, apply, config)
                tasks.append(asyncio.create_task(watch.run(stop)))
            try:
                await scheduler.run(stop)
            finally:
                stop.set()
                await asyncio.gather(*tasks)
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        log.info("stopped")
