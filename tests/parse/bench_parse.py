"""Parse-stage benchmark: prints numbers, asserts nothing. No network.

    .venv/bin/python -m tests.parse.bench_parse [--rounds N]

Measures, on the sample feeds in tests/data/feeds: in-process throughput (ours, and
plain feedparser with its own sanitiser for comparison), ParserPool throughput, the
pool's per-call overhead on a tiny document, and worker start-up costs.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import feedparser

from monitor.parse import ParserPool, parse_document

FEEDS = sorted((Path(__file__).parent.parent / "data" / "feeds").glob("*.xml"))
NOW = datetime(2026, 1, 1, tzinfo=UTC)
BASE = "https://feeds.example.org/feed.xml"
TINY = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
    b"<item><guid>1</guid><title>x</title></item></channel></rss>"
)


def rate(label: str, docs: int, size: int, seconds: float) -> None:
    print(f"{label:<44} {docs / seconds:8.1f} feeds/s {size / seconds / 1e6:7.2f} MB/s")


def in_process(bodies: list[bytes], rounds: int) -> None:
    size = sum(map(len, bodies)) * rounds
    for label, fn in (
        ("in-process parse_document", lambda b: parse_document(b, base_url=BASE, fetched_at=NOW)),
        ("plain feedparser.parse (its sanitiser on)", lambda b: feedparser.parse(io.BytesIO(b))),
    ):
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            for _ in range(rounds):
                for body in bodies:
                    fn(body)
            runs.append(time.perf_counter() - started)
        rate(label, len(bodies) * rounds, size, statistics.median(runs))


async def through_pool(bodies: list[bytes], rounds: int, workers: int) -> None:
    with ParserPool(workers=workers) as pool:
        await asyncio.gather(*(pool.parse(b, base_url=BASE, fetched_at=NOW) for b in bodies))
        docs = bodies * rounds
        started = time.perf_counter()
        await asyncio.gather(*(pool.parse(b, base_url=BASE, fetched_at=NOW) for b in docs))
        rate(
            f"ParserPool, {workers} worker(s)",
            len(docs),
            sum(map(len, docs)),
            time.perf_counter() - started,
        )


async def overhead(calls: int) -> None:
    started = time.perf_counter()
    for _ in range(calls):
        parse_document(TINY, base_url=BASE, fetched_at=NOW)
    local = (time.perf_counter() - started) / calls
    with ParserPool(workers=1) as pool:
        await pool.parse(TINY, base_url=BASE, fetched_at=NOW)
        started = time.perf_counter()
        for _ in range(calls):
            await pool.parse(TINY, base_url=BASE, fetched_at=NOW)
        pooled = (time.perf_counter() - started) / calls
    print(
        f"tiny document: in-process {local * 1e3:.2f} ms, through the pool {pooled * 1e3:.2f} ms"
        f" -> per-call overhead {(pooled - local) * 1e3:.2f} ms"
    )


async def start_up(method: str) -> None:
    pool = ParserPool(workers=1, start_method=method, timeout=0.5)
    try:
        started = time.perf_counter()
        await pool.parse(TINY, base_url=BASE, fetched_at=NOW)
        first = time.perf_counter() - started
        replacements = []
        for _ in range(5):  # a timed-out worker is killed and replaced; time the next call
            pool._workers[0].stop()  # noqa: SLF001 (benchmark reaches in on purpose)
            started = time.perf_counter()
            await pool.parse(TINY, base_url=BASE, fetched_at=NOW)
            replacements.append(time.perf_counter() - started)
        print(
            f"start-up, {method:<10}: first call {first * 1e3:6.1f} ms,"
            f" call on a fresh worker {statistics.median(replacements) * 1e3:6.1f} ms"
        )
    finally:
        pool.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    bodies = [path.read_bytes() for path in FEEDS]
    print(f"corpus: {len(bodies)} feeds, {sum(map(len, bodies)) / 1e3:.0f} KB")
    # First, while no fork server runs yet: the first call includes starting it.
    for method in ("forkserver", "spawn"):
        asyncio.run(start_up(method))
    in_process(bodies, args.rounds)
    for workers in (1, 2):
        asyncio.run(through_pool(bodies, args.rounds, workers))
    asyncio.run(overhead(300))


if __name__ == "__main__":
    main()
