"""ParserPool: results equal in-process parsing; a hostile parse fails alone.

Each hostile case runs beside good parses and checks three things: the caller gets
ParseError, the other parses succeed, and the worker was replaced (new pid).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from monitor.errors import ParseError
from monitor.model import ParsedFeed
from monitor.parse import ParserPool, parse_document
from tests.parse.hostile import misbehave, unneutralised
from tests.parse.test_prepare import blow_up

FEEDS = sorted((Path(__file__).parent.parent / "data" / "feeds").glob("*.xml"))
BODIES = [path.read_bytes() for path in FEEDS]
NOW = datetime(2026, 1, 1, tzinfo=UTC)
BASE = "https://feeds.example.org/feed.xml"
MB = 1024 * 1024


def run(coro: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(coro())  # type: ignore[arg-type]


async def parse(pool: ParserPool, body: bytes) -> ParsedFeed:
    return await pool.parse(body, base_url=BASE, fetched_at=NOW)


async def outcomes(pool: ParserPool, bodies: list[bytes]) -> list[ParsedFeed | BaseException]:
    return await asyncio.gather(*(parse(pool, b) for b in bodies), return_exceptions=True)


def test_pool_results_equal_in_process_results() -> None:
    expected = [parse_document(b, base_url=BASE, fetched_at=NOW) for b in BODIES]
    with ParserPool(workers=2) as pool:
        got = run(lambda: outcomes(pool, BODIES * 2))
    assert got == expected * 2


def test_not_a_feed_is_a_parse_error_and_keeps_the_worker() -> None:
    with ParserPool(workers=1) as pool:

        async def scenario() -> None:
            await parse(pool, BODIES[0])
            pid = pool.pids[0]
            with pytest.raises(ParseError, match="^not a feed"):
                await parse(pool, b"<html><body>login</body></html>")
            assert pool.pids[0] == pid
            assert (await parse(pool, BODIES[1])).items

        run(scenario)


@pytest.mark.parametrize(
    ("cue", "message"),
    [
        (b"hang", "timed out"),
        (b"spin", "timed out"),
        (b"allocate", "memory limit"),
        (b"die", "worker died"),
        (b"exit", "worker died"),
    ],
)
def test_a_hostile_parse_fails_alone(cue: bytes, message: str) -> None:
    with ParserPool(workers=2, timeout=1.5, memory_limit=256 * MB, _target=misbehave) as pool:

        async def scenario() -> None:
            await asyncio.gather(parse(pool, BODIES[0]), parse(pool, BODIES[0]))
            before = set(pool.pids)
            started = time.monotonic()
            results = await outcomes(pool, [cue, *BODIES])
            assert time.monotonic() - started < 10
            assert isinstance(results[0], ParseError)
            assert message in str(results[0])
            assert all(isinstance(r, ParsedFeed) for r in results[1:]), results
            assert len(set(pool.pids) - before) == 1  # exactly one worker was replaced
            assert all(isinstance(r, ParsedFeed) for r in await outcomes(pool, BODIES))

        run(scenario)


def test_a_bug_in_the_worker_is_logged_and_reported(caplog: pytest.LogCaptureFixture) -> None:
    with ParserPool(workers=1, _target=misbehave) as pool:
        with caplog.at_level(logging.ERROR), pytest.raises(ParseError, match="internal"):
            run(lambda: parse(pool, b"bug"))
        assert "KeyError: 'a bug in our own code'" in caplog.text
        assert run(lambda: parse(pool, BODIES[0])).items


def test_a_worker_killed_while_idle_is_replaced_transparently() -> None:
    with ParserPool(workers=1) as pool:
        run(lambda: parse(pool, BODIES[0]))
        pid = pool.pids[0]
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)
        assert run(lambda: parse(pool, BODIES[1])).items
        assert pool.pids[0] != pid


def test_a_cancelled_parse_does_not_leak_its_reply_into_the_next() -> None:
    with ParserPool(workers=1, timeout=30, _target=misbehave) as pool:

        async def scenario() -> None:
            task = asyncio.create_task(parse(pool, b"hang"))
            await asyncio.sleep(0.5)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            first, second = BODIES[0], BODIES[3]
            assert await parse(pool, first) == parse_document(first, base_url=BASE, fetched_at=NOW)
            assert await parse(pool, second) == parse_document(
                second, base_url=BASE, fetched_at=NOW
            )

        run(scenario)


def test_more_calls_than_workers_wait_their_turn() -> None:
    with ParserPool(workers=2) as pool:
        results = run(lambda: outcomes(pool, BODIES * 4))
    assert len(results) == 24 and all(isinstance(r, ParsedFeed) for r in results)


def test_close_stops_every_worker() -> None:
    pool = ParserPool(workers=2)
    run(lambda: outcomes(pool, BODIES[:2]))
    pids = [pid for pid in pool.pids if pid]
    assert len(pids) == 2
    pool.close()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    with pytest.raises(RuntimeError, match="closed"):
        run(lambda: parse(pool, BODIES[0]))


def test_close_under_a_call_in_flight_fails_it_and_starts_nothing() -> None:
    pool = ParserPool(workers=1, timeout=30, _target=misbehave)

    async def scenario() -> None:
        task = asyncio.create_task(parse(pool, b"hang"))
        await asyncio.sleep(0.5)
        started = time.monotonic()
        pool.close()
        with pytest.raises(ParseError, match="closed during the parse"):
            await task
        assert time.monotonic() - started < 5  # not left to its 30 s timeout

    run(scenario)
    assert pool.pids == [None]


def test_str_bodies_are_refused() -> None:
    with ParserPool(workers=1) as pool, pytest.raises(TypeError):
        run(lambda: pool.parse("/etc/passwd", base_url=BASE, fetched_at=NOW))  # type: ignore[arg-type]


def test_entity_blow_up_without_the_first_wall_is_stopped_by_the_second() -> None:
    # 220 KB that expand to 2,000,000,000 characters once entities are left in.
    body = blow_up(100_000, 20_000)
    with ParserPool(workers=2, memory_limit=256 * MB, timeout=20, _target=unneutralised) as pool:

        async def scenario() -> None:
            started = time.monotonic()
            results = await outcomes(pool, [body, *BODIES])
            elapsed = time.monotonic() - started
            assert isinstance(results[0], ParseError), results[0]
            assert "memory limit" in str(results[0]) or "timed out" in str(results[0])
            assert all(isinstance(r, ParsedFeed) for r in results[1:])
            assert elapsed < 25

        run(scenario)
    # With both walls, the same document is harmless.
    with ParserPool(workers=1) as pool:
        parsed = run(lambda: parse(pool, body))
    assert len(parsed.items[0].summary) <= 2 * len(body)
