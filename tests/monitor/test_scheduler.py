"""The tick scheduler: due feeds start, a running feed never starts twice, stop drains."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from monitor.scheduler import APSchedulerPolls


def now() -> datetime:
    return datetime.now(UTC)


def test_a_feed_never_polls_twice_at_once_and_stop_drains() -> None:
    running: dict[str, int] = {}
    peak: dict[str, int] = {}
    finished: list[str] = []

    async def poll(feed_id: str) -> None:
        running[feed_id] = running.get(feed_id, 0) + 1
        peak[feed_id] = max(peak.get(feed_id, 0), running[feed_id])
        await asyncio.sleep(0.3)
        running[feed_id] -= 1
        finished.append(feed_id)

    async def scenario() -> None:
        stop = asyncio.Event()
        # Both feeds are "due" at every tick, as when polls take longer than the tick.
        scheduler = APSchedulerPolls(due=lambda _now: ["a", "b"], poll=poll, clock=now, tick=0.05)
        task = asyncio.create_task(scheduler.run(stop))
        await asyncio.sleep(1.0)
        stop.set()
        await task
        assert scheduler.running == frozenset()

    asyncio.run(scenario())
    assert peak == {"a": 1, "b": 1}
    assert finished.count("a") >= 2  # it did run again once the first poll ended


def test_a_failing_due_query_is_retried_at_the_next_tick() -> None:
    calls: list[int] = []
    polled: list[str] = []

    def due(_now: datetime) -> list[str]:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database is locked")
        return ["a"] if len(polled) == 0 else []

    async def poll(feed_id: str) -> None:
        polled.append(feed_id)

    async def scenario() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(
            APSchedulerPolls(due=due, poll=poll, clock=now, tick=0.05).run(stop)
        )
        await asyncio.sleep(0.4)
        stop.set()
        await task

    asyncio.run(scenario())
    assert polled == ["a"]


def test_stop_cancels_polls_that_outlive_the_grace_period() -> None:
    cancelled: list[str] = []

    async def poll(feed_id: str) -> None:
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.append(feed_id)
            raise

    async def scenario() -> None:
        stop = asyncio.Event()
        scheduler = APSchedulerPolls(
            due=lambda _now: ["slow"], poll=poll, clock=now, tick=0.05, grace=0.2
        )
        task = asyncio.create_task(scheduler.run(stop))
        await asyncio.sleep(0.2)
        stop.set()
        await asyncio.wait_for(task, 5)

    asyncio.run(scenario())
    assert cancelled == ["slow"]
