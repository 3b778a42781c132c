"""Story grouping stays incremental: the cost of one new item with 100,000 stored.

    .venv/bin/python bench/stories.py [--stored 100000] [--new 2000] [--seed 1]

Builds N stored prints from synthetic English and Persian items (a Zipf vocabulary,
domain boilerplate shared by many items as real NGO reports share it, watchlist names,
topics, times over a year; one item in ten a repost of an earlier one with words
edited) and indexes them in ``Index``: a dict from key to the items holding it, shaped
like the storage table (key, item, story, published) with its (key, published) index.
Then, for each new item: ``fingerprint``, the look-up (``lookup`` keys, person keys
filtered by the time window as the SQL would), and ``decide`` over the candidates.

Prints median and p95 microseconds per new item for each step and in total, the
number of candidates per item (what the database would return), the decisions, and
the growth of peak RSS while the index and stored prints were built. Asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from monitor.group import ItemPrint, decide, fingerprint, index_keys, lookup

NAMES = [f"Person {i}" for i in range(93)]  # the watchlist's size
TOPICS = ["death_sentence", "execution", "imminent_execution", "political_prisoners"]
BOILER_EN = [
    "was sentenced to death by the revolutionary court", "was executed in ghezel hesar prison",
    "according to information obtained by iran human rights", "on drug related charges",
    "his execution has not been reported by domestic media", "the supreme court upheld",
    "branch 26 of the tehran revolutionary court", "was arrested during the protests",
]
BOILER_FA = [
    "به گزارش هرانا بامداد امروز", "در زندان قزلحصار کرج اعدام شد",
    "به اتهام بغی به اعدام محکوم شد",
    "از سوی شعبه ۲۶ دادگاه انقلاب تهران", "این اعدام در رسانه‌های داخلی اعلام نشده است",
]


class Index:
    """key -> [(item number, story, published)], as the storage table would hold it."""

    def __init__(self) -> None:
        self.rows: dict[str, list[tuple[int, int, datetime | None]]] = defaultdict(list)
        self.prints: list[ItemPrint] = []
        self.stories: list[int] = []

    def add(self, p: ItemPrint, story: int) -> None:
        n = len(self.prints)
        self.prints.append(p)
        self.stories.append(story)
        for key in index_keys(p):
            self.rows[key].append((n, story, p.published))

    def candidates(self, p: ItemPrint) -> list[tuple[int, ItemPrint]]:
        q = lookup(p)
        found: set[int] = set()
        for key in q.exact:
            found.update(n for n, _, _ in self.rows.get(key, ()))
        if q.since and q.until:
            for key in q.people:
                found.update(
                    n for n, _, t in self.rows.get(key, ()) if t and q.since <= t <= q.until
                )
        return [(self.stories[n], self.prints[n]) for n in sorted(found)]


def synthetic(rng: random.Random, vocab: Sequence[str], start: datetime) -> dict[str, object]:
    fa = rng.random() < 0.3
    boiler = BOILER_FA if fa else BOILER_EN
    parts = []
    for _ in range(rng.randint(3, 6)):
        parts.append(rng.choice(boiler))
        parts.append(" ".join(rng.choices(vocab, k=rng.randint(4, 12))))
    # most items name nobody on the watchlist; a few names are in the news far more often
    people = rng.sample(NAMES[: rng.choice([10, 93])], rng.choice([0] * 16 + [1] * 3 + [2]))
    body = " ".join(parts[:1] + people + parts[1:])
    return {
        "title": " ".join(rng.choices(vocab, k=rng.randint(5, 10))),
        "summary": f"<p>{body}</p>",
        "url": f"https://example.org/{rng.getrandbits(40):x}/",
        "published": start + timedelta(minutes=rng.randint(0, 365 * 24 * 60)),
        "people": people,
        "topics": rng.sample(TOPICS, rng.randint(0, 2)),
    }


def edited(rng: random.Random, item: dict[str, object]) -> dict[str, object]:
    words = str(item["summary"]).split()
    for _ in range(3):
        words[rng.randrange(len(words))] = "reportedly"
    return {**item, "summary": "According to reports, " + " ".join(words),
            "url": f"https://mirror.example.net/{rng.getrandbits(40):x}"}


def make_print(item: dict[str, object]) -> ItemPrint:
    published = item["published"]
    assert isinstance(published, datetime)
    return fingerprint(str(item["title"]), str(item["summary"]), "", str(item["url"]),
                       published, list(item["topics"]), list(item["people"]))  # type: ignore[call-overload]


def corpus(count: int, seed: int) -> list[dict[str, object]]:
    """``count`` synthetic items, one in ten an edited repost of a recent one."""
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(20_000)]
    weights = [1 / (i + 1) for i in range(len(vocab))]
    zipf = rng.choices(vocab, weights, k=200_000)  # a Zipf-distributed word pool
    start = datetime(2025, 1, 1, tzinfo=UTC)
    items: list[dict[str, object]] = []
    for _ in range(count):
        if items and rng.random() < 0.1:
            items.append(edited(rng, rng.choice(items[-5000:])))
        else:
            items.append(synthetic(rng, zipf, start))
    return items


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stored", type=int, default=100_000)
    ap.add_argument("--new", type=int, default=2_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    items = corpus(args.stored + args.new, args.seed)
    stored, new = items[: args.stored], items[args.stored :]

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    index = Index()
    for story, item in enumerate(stored):
        index.add(make_print(item), story)
    build = time.perf_counter() - t0
    memory = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024

    t_print: list[float] = []
    t_lookup: list[float] = []
    t_decide: list[float] = []
    counts: list[int] = []
    reasons: Counter[str] = Counter()
    for item in new:
        a = time.perf_counter()
        p = make_print(item)
        b = time.perf_counter()
        found = index.candidates(p)
        c = time.perf_counter()
        decision = decide(p, found)
        d = time.perf_counter()
        t_print.append((b - a) * 1e6)
        t_lookup.append((c - b) * 1e6)
        t_decide.append((d - c) * 1e6)
        counts.append(len(found))
        reasons[decision.reason] += 1
    total = [x + y + z for x, y, z in zip(t_print, t_lookup, t_decide, strict=True)]

    print(f"stored {args.stored:,} prints in {build:.1f} s "
          f"({build / args.stored * 1e6:.0f} us each); {len(index.rows):,} keys, "
          f"{sum(map(len, index.rows.values())):,} rows; index and prints ~"
          f"{memory / 2**20:.0f} MiB ({memory / args.stored:.0f} B per item)")
    print(f"{args.new:,} new items, microseconds per item:     median      p95")
    for name, values in (("fingerprint", t_print), ("look-up (in memory)", t_lookup),
                         ("decide", t_decide), ("total", total)):
        print(f"  {name:<36}{statistics.median(values):>9.0f}{pct(values, 0.95):>9.0f}")
    print(f"  candidates per item: median {statistics.median(counts):.0f}, "
          f"p95 {pct(counts, 0.95):.0f}, max {max(counts)}")
    print("  decisions: " + ", ".join(f"{k} {v}" for k, v in reasons.most_common()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
