"""Benchmark: items stored per second through ``Store.record_success``, and exported.

Inserts 50,000 new items in polls of 50 (one transaction each: items, their
matches, feed state, fetch_log row), spread over 20 feeds, then records the same
polls again (every item already stored: the common case of a changed feed), then
exports them all with ``Store.iter_items`` (topics and people included). Two
variants: no item matches, and 10% of items carry 1 or 2 matches. Prints the
median of 3 runs, each on a fresh database, for SQLite (a temporary file, WAL) and
PostgreSQL (a fresh schema on the server named by $MONITOR_TEST_DATABASE_URL or
argv[1]; skipped if neither is given).

    PYTHONPATH=. .venv/bin/python bench/store.py [postgresql+psycopg://...]
"""

from __future__ import annotations

import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from storage import FeedDefinition, MatchRecord, NewItem, PollSucceeded, Store
from storage.engine import make_engine, normalise_url

ITEMS = 50_000
BATCH = 50
FEEDS = 20
RUNS = 3
T0 = datetime(2025, 7, 12, tzinfo=UTC)
VARIANTS = {"no matches": 0, "10% matched": 10}  # name -> every Nth item matches


def matches_of(n: int, every: int) -> tuple[MatchRecord, ...]:
    """None, or 1 or 2 matches (alternately) for every ``every``-th item."""
    if not every or n % every:
        return ()
    death = MatchRecord("topic", "death_sentence", "urgent", ("sentenced to death", "حکم اعدام"))
    person = MatchRecord("person", f"Person {n % 997}", "digest", (f"Person {n % 997}",))
    return (death, person) if n // every % 2 else (death,)


def batches(every: int) -> list[tuple[PollSucceeded, list[NewItem]]]:
    polls = []
    for b in range(ITEMS // BATCH):
        feed_id = f"feed-{b % FEEDS:02d}"
        when = T0 + timedelta(seconds=b)
        outcome = PollSucceeded(feed_id, when, when, 200, when + timedelta(minutes=15), False,
                                etag=f'"{b}"', body_hash=f"{b:064x}")  # fmt: skip
        items = [
            NewItem(
                identity=f"{b * BATCH + i:064x}",  # like parse's sha256 hex identities
                identity_kind="guid",
                title=f"UN experts alarmed by execution #{b * BATCH + i} " + "x" * 40,
                url=f"https://example.org/news/{b * BATCH + i}",
                summary="Summary of a statement by special rapporteurs. " * 8,
                content="<p>Full text of the statement.</p>" * 40,
                published=when,
                published_is_fetch_time=False,
                guid=f"urn:uuid:{b * BATCH + i}",
                author=None,
                language="en",
                matches=matches_of(b * BATCH + i, every),
            )
            for i in range(BATCH)
        ]
        polls.append((outcome, items))
    return polls


def run(
    url: str, polls: list[tuple[PollSucceeded, list[NewItem]]], every: int
) -> tuple[float, float, float]:
    """(new items/s, already-stored items/s, exported items/s) on the empty database."""
    with Store.open(url) as store:
        definitions = [
            FeedDefinition(f"feed-{n:02d}", f"https://example.org/{n}", f"Feed {n}", "ngo",
                           "en", None, True)
            for n in range(FEEDS)
        ]  # fmt: skip
        store.sync_feeds(definitions, T0)
        rates = []
        for expect_new in (True, False):
            start = time.perf_counter()
            stored = sum(len(store.record_success(outcome, items)) for outcome, items in polls)
            rates.append(ITEMS / (time.perf_counter() - start))
            assert stored == (ITEMS if expect_new else 0)
        start = time.perf_counter()
        exported = matched = 0
        for item in store.iter_items():
            exported += 1
            matched += bool(item.topics)
        rates.append(ITEMS / (time.perf_counter() - start))
        assert (exported, matched) == (ITEMS, ITEMS // every if every else 0)
        return rates[0], rates[1], rates[2]


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as directory:
        yield f"sqlite:///{Path(directory) / 'bench.db'}"


@contextmanager
def postgres_schema(base: str) -> Iterator[str]:
    engine = make_engine(base)
    schema = f"bench_{secrets.token_hex(4)}"
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        url = normalise_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def main() -> None:
    pg = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("MONITOR_TEST_DATABASE_URL")
    targets: list[tuple[str, Callable[[], AbstractContextManager[str]]]] = [
        ("sqlite", sqlite_database)
    ]
    if pg:
        targets.append(("postgresql", lambda: postgres_schema(pg)))
    print(f"{ITEMS} items in polls of {BATCH}, median of {RUNS} runs, items/s")
    print("new: stored for the first time; seen: the same polls again; export: iter_items")
    print(f"{'database':<11} {'variant':<12} {'new':>9} {'seen':>9} {'export':>9}")
    for variant, every in VARIANTS.items():
        polls = batches(every)
        for name, database in targets:
            results = []
            for _ in range(RUNS):
                with database() as url:
                    results.append(run(url, polls, every))
            new, seen, export = (statistics.median(r[n] for r in results) for n in range(3))
            print(f"{name:<11} {variant:<12} {new:>9,.0f} {seen:>9,.0f} {export:>9,.0f}")


if __name__ == "__main__":
    main()
