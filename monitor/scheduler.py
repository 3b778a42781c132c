"""WHEN polls run; no business logic.

The database decides which feeds are due (each feed's ``next_poll_at``, written after
every poll with its interval, jitter and backoff), so a restart, a crash or a late
wake-up loses nothing and never polls a feed twice at once. The scheduler only wakes up
often, asks which feeds are due and starts a poll for each one not already running.

``PollScheduler`` is the small interface the service uses; ``APSchedulerPolls`` is the
single-process implementation on APScheduler 3. A multi-replica mode on PostgreSQL can
implement the same interface on another engine (leases in the database already keep two
processes from polling one feed at once).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger("monitor.scheduler")


class PollScheduler(Protocol):
    """Runs polls when they are due until ``stop`` is set, then returns cleanly."""

    async def run(self, stop: asyncio.Event) -> None: ...


class APSchedulerPolls:
    """Ticks every ``tick`` seconds; each tick starts the due polls not already running.

    The tick job has no misfire grace limit and coalesces: APScheduler 3 silently drops
    a job that starts more than a second late by default (hazards.md 10), and a missed
    tick must simply run at the next chance.
    """

    def __init__(
        self,
        *,
        due: Callable[[datetime], list[str]],
        poll: Callable[[str], Awaitable[object]],
        clock: Callable[[], datetime],
        tick: float = 5.0,
        grace: float = 30.0,
    ) -> None:
        self._due = due
        self._poll = poll
        self._clock = clock
        self._tick = tick
        self._grace = grace
        self._running: dict[str, asyncio.Task[object]] = {}

    @property
    def running(self) -> frozenset[str]:
        return frozenset(self._running)

    async def run(self, stop: asyncio.Event) -> None:
        scheduler = AsyncIOScheduler(
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
        )
        scheduler.add_job(self.start_due, "interval", seconds=self._tick, id="poll-due")
        scheduler.start()
        try:
            await self.start_due()  # do not wait a whole tick after start-up
            await stop.wait()
        finally:
            scheduler.shutdown(wait=False)
            await self._drain()

    async def start_due(self) -> None:
        """Starts a poll task for every due feed that has none running."""
        try:
            due = self._due(self._clock())
        except Exception:  # the database may be down for a moment; try at the next tick
            log.exception("could not read due feeds")
            return
        for feed_id in due:
            if feed_id not in self._running:
                task: asyncio.Task[object] = asyncio.create_task(self._guarded(feed_id))
                self._running[feed_id] = task
                task.add_done_callback(functools.partial(self._forget, feed_id))

    def _forget(self, feed_id: str, _task: asyncio.Task[object]) -> None:
        self._running.pop(feed_id, None)

    async def _guarded(self, feed_id: str) -> object:
        try:
            return await self._poll(feed_id)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("poll task failed", extra={"fields": {"feed": feed_id}})
            return None

    async def _drain(self) -> None:
        """Lets running polls finish within the grace period, then cancels the rest.

        A cancelled poll records nothing; its lease expires and it runs again later.
        """
        tasks = list(self._running.values())
        if not tasks:
            return
        _done, pending = await asyncio.wait(tasks, timeout=self._grace)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
