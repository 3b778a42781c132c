"""Concurrency slots: in total and per host, without a server."""

import asyncio
from collections import Counter

import pytest

from monitor.fetch.limits import RequestLimits


async def run(limits: RequestLimits, hosts: list[str]) -> tuple[int, int]:
    in_flight: Counter[str] = Counter()
    peak_total = 0
    peak_host = 0

    async def one(host: str) -> None:
        nonlocal peak_total, peak_host
        async with limits.slot(host):
            in_flight[host] += 1
            peak_total = max(peak_total, sum(in_flight.values()))
            peak_host = max(peak_host, max(in_flight.values()))
            await asyncio.sleep(0.01)
            in_flight[host] -= 1

    await asyncio.gather(*(one(h) for h in hosts))
    return peak_total, peak_host


def test_per_host_limit() -> None:
    total, per_host = asyncio.run(run(RequestLimits(20, 2), ["a.example"] * 10))
    assert per_host == 2


def test_host_names_are_case_insensitive() -> None:
    hosts = ["A.example", "a.example", "a.EXAMPLE"] * 4
    total, per_host = asyncio.run(run(RequestLimits(20, 2), hosts))
    assert total == 2


def test_total_limit_across_hosts() -> None:
    hosts = [f"h{i}.example" for i in range(30)]
    total, per_host = asyncio.run(run(RequestLimits(5, 2), hosts))
    assert total == 5


def test_waiting_for_a_busy_host_does_not_take_global_slots() -> None:
    """Ten requests queued on one host leave the other slots to other hosts."""

    async def scenario() -> float:
        limits = RequestLimits(3, 1)
        loop = asyncio.get_running_loop()

        async def busy() -> None:
            async with limits.slot("busy.example"):
                await asyncio.sleep(0.05)

        async def other() -> float:
            await asyncio.sleep(0.01)
            start = loop.time()
            async with limits.slot("other.example"):
                return loop.time() - start

        results = await asyncio.gather(*(busy() for _ in range(10)), other())
        waited = results[-1]
        assert isinstance(waited, float)
        return waited

    assert asyncio.run(scenario()) < 0.04


def test_host_entries_are_dropped_when_unused() -> None:
    limits = RequestLimits(5, 2)
    asyncio.run(run(limits, [f"h{i}.example" for i in range(50)]))
    assert limits._hosts == {}


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError):
        RequestLimits(0, 2)
