"""Story grouping through the real store: the cost of storing one new item, grouping
included, with 100,000 items already stored and grouped.

    .venv/bin/python bench/stories_db.py [--stored 100000] [--new 1000] [--url URL]

Uses the synthetic corpus of ``bench/stories.py`` (reposts, boilerplate, watchlist
names, a year of dates). Stores ``--stored`` items through ``Store.record_success`` in
polls of 100 with the pipeline's grouper (``monitor.grouping.choose``), then stores
``--new`` items one poll each, twice over the same data in two fresh databases: with
grouping, and without (``story=None``: each item starts its own story), so the
difference is what grouping costs. Prints median and p95 milliseconds per new item,
the time to fill, and the decisions. The database is a temporary SQLite file unless
``--url`` names another (PostgreSQL: a scratch database; its tables are used as is).
Asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from stories import corpus, make_print, pct  # noqa: E402

from monitor.group import index_keys, lookup  # noqa: E402
from monitor.grouping import choose  # noqa: E402
from storage import FeedDefinition, NewItem, PollSucceeded, Store, StoryPrint  # noqa: E402

BATCH = 100


def story_print(item: dict[str, object]) -> StoryPrint:
    printed = make_print(item)
    found = lookup(printed)
    return StoryPrint(text=printed.dumps(), keys=index_keys(printed), exact=found.exact,
                      people=found.people, since=found.since, until=found.until,
                      bands=printed.bands)  # fmt: skip


def new_item(n: int, item: dict[str, object], grouped: bool) -> NewItem:
    published = item["published"]
    assert isinstance(published, datetime)
    return NewItem(
        identity=f"i{n}", identity_kind="guid", title=str(item["title"]),
        url=str(item["url"]), summary=str(item["summary"]), content="",
        published=published, published_is_fetch_time=False, guid=f"i{n}", author=None,
        language="en", story=story_print(item) if grouped else None,
    )  # fmt: skip


def poll(store: Store, when: datetime, items: list[NewItem], grouped: bool) -> None:
    outcome = PollSucceeded(
        feed_id="f", started_at=when, finished_at=when, http_status=200,
        next_poll_at=when + timedelta(minutes=15), not_modified=False,
    )  # fmt: skip
    store.record_success(outcome, items, grouper=choose if grouped else None)


def run(url: str, stored: list[dict[str, object]], new: list[dict[str, object]],
        grouped: bool) -> tuple[float, list[float]]:  # fmt: skip
    when = datetime(2026, 1, 1, tzinfo=UTC)
    with Store.open(url) as store:
        store.sync_feeds([FeedDefinition("f", "https://example.org/f", "F", "ngo", "en",
                                         None, True)], when)  # fmt: skip
        t0 = time.perf_counter()
        for start in range(0, len(stored), BATCH):
            batch = [new_item(start + k, it, grouped)
                     for k, it in enumerate(stored[start : start + BATCH])]  # fmt: skip
            poll(store, when, batch, grouped)
        fill = time.perf_counter() - t0
        costs = []
        for k, it in enumerate(new):
            t = time.perf_counter()
            poll(store, when, [new_item(len(stored) + k, it, grouped)], grouped)
            costs.append(time.perf_counter() - t)
    return fill, costs


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stored", type=int, default=100_000)
    ap.add_argument("--new", type=int, default=1_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--url", help="database URL (default: temporary SQLite files)")
    args = ap.parse_args(argv)
    items = corpus(args.stored + args.new, args.seed)
    stored, new = items[: args.stored], items[args.stored :]

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for grouped in (True, False):
            url = args.url or f"sqlite:///{tmp}/{'grouped' if grouped else 'plain'}.db"
            results[grouped] = run(url, stored, new, grouped)
            if args.url:
                break  # one scratch database: measure grouping only
        if not args.url:
            with Store.open(f"sqlite:///{tmp}/grouped.db") as store:
                reasons = Counter(r.reason for s in store.stories() for r in s.reports)
            print(f"decisions over {len(items):,} items: {dict(reasons)}")

    print(f"{'':<24} {'fill s':>8} {'median ms':>10} {'p95 ms':>8}   per new item, "
          f"{args.stored:,} stored")  # fmt: skip
    for grouped, (fill, costs) in results.items():
        name = "with grouping" if grouped else "without grouping"
        print(f"{name:<24} {fill:8.1f} {statistics.median(costs) * 1e3:10.2f} "
              f"{pct(costs, 0.95) * 1e3:8.2f}")  # fmt: skip
    if False in results:
        extra = statistics.median(results[True][1]) - statistics.median(results[False][1])
        print(f"grouping adds {extra * 1e3:.2f} ms per new item (median difference)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
