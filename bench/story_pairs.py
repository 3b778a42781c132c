"""Story grouping scored on labelled item pairs: pair precision, recall and F1.

    .venv/bin/python bench/story_pairs.py [--config feeds.yaml] [--split dev|holdout|both]
        [--context-people "Iman Afshari;Mai Sato;..."] [--no-errors]

Each line of tests/data/stories/pairs.jsonl (dev) and pairs_holdout.jsonl (held out,
never used to choose a threshold) holds two items and whether they report one story.
Both items go the way they will in production: the link through
``monitor.parse.canonical_url`` (as the parse stage does), title and summary through
the real matcher built from the repository's feeds.yaml (``load_config``,
``build_matcher``, ``to_input``), then ``fingerprint``. Item b is "stored" and item a
arrives: the pair is predicted "same" when a's look-up would find b
(``is_candidate``: url key, a shared LSH band, or a shared person within the window)
and ``decide`` joins b's story. So the LSH misses count as misses.

Prints per kind and overall TP, FP, FN, TN, precision, recall, F1, then every error
with the reason, score, people and topics, and the estimated text similarity.
Targets (issue "Stories"): precision and recall >= 0.95. Nothing is asserted here.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from monitor.config import load_config
from monitor.group import ItemPrint, decide, fingerprint, is_candidate
from monitor.group.minhash import similarity
from monitor.match import Matcher
from monitor.model import FeedSettings
from monitor.offline import to_input
from monitor.parse import canonical_url
from monitor.rules import build_matcher

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "stories"
SPLITS = {"dev": DATA / "pairs.jsonl", "holdout": DATA / "pairs_holdout.jsonl"}
TARGET = 0.95
# Watchlist section 4 (shared/domain/watchlist.md): judges, the judiciary chief, UN and
# NGO staff, lawyers, as on the repository's feeds.yaml. feeds.yaml has no "role" yet.
OFFICIALS = frozenset(
    {
        "Iman Afshari", "Abolghasem Salavati", "Mohammad Moghiseh", "Ahmad Darvish-Goftar",
        "Mohammad Ali Darvish-Goftar", "Adibimehr", "Gholamhossein Mohseni-Ejei",
        "Amir Raesian", "Mostafa Nili", "Babak Paknia", "Mai Sato", "Javaid Rehman",
    }
)


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, expected: bool, got: bool) -> None:
        self.tp += expected and got
        self.fp += got and not expected
        self.fn += expected and not got
        self.tn += not expected and not got

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Outcome:
    pair: Mapping[str, Any]
    got: bool
    reason: str
    why: str
    a: ItemPrint
    b: ItemPrint


@dataclass
class Score:
    overall: Counts = field(default_factory=Counts)
    kinds: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    errors: list[Outcome] = field(default_factory=list)


def parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def print_of(
    item: Mapping[str, Any],
    matcher: Matcher,
    feeds: Mapping[str, FeedSettings],
    context: frozenset[str] = frozenset(),
) -> ItemPrint:
    hits = matcher.match(to_input({**item, "feed": item.get("feed") or ""}, feeds, "pair"))
    return fingerprint(
        title=item.get("title", ""),
        summary_html=item.get("summary", ""),
        content_html=item.get("content", ""),
        url=canonical_url(item["url"]) if item.get("url") else None,
        published=parse_time(item.get("published")),
        topics=[h.key for h in hits if h.kind == "topic"],
        people=[h.key for h in hits if h.kind == "person"],
        officials=context,
    )


def judge_pairs(
    pairs: Iterable[Mapping[str, Any]],
    matcher: Matcher,
    feeds: Mapping[str, FeedSettings],
    context: frozenset[str] = frozenset(),
) -> Score:
    score = Score()
    for pair in pairs:
        a = print_of(pair["a"], matcher, feeds, context)
        b = print_of(pair["b"], matcher, feeds, context)
        found = is_candidate(a, b)
        decision = decide(a, [("b", b)] if found else [])
        got = decision.story == "b"
        score.overall.add(pair["same"], got)
        score.kinds[pair["kind"]].add(pair["same"], got)
        if got != pair["same"]:
            why = decision.why if found else "not found by the look-up"
            score.errors.append(Outcome(pair, got, decision.reason, why, a, b))
    return score


def read_pairs(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def measure(
    config_path: Path, split: str, context: frozenset[str] = frozenset()
) -> Score:
    config = load_config(config_path)
    feeds = {f.id: f for f in config.feeds}
    return judge_pairs(read_pairs(SPLITS[split]), build_matcher(config), feeds, context)


def report(name: str, score: Score, errors: bool, out: Any = sys.stdout) -> None:
    def row(label: str, c: Counts) -> str:
        return (
            f"  {label:<24}{c.tp:>4}{c.fp:>4}{c.fn:>4}{c.tn:>4}"
            f"{c.precision:>8.3f}{c.recall:>8.3f}{c.f1:>8.3f}"
        )

    print(f"{name}: {sum(vars(score.overall).values())} pairs", file=out)
    print(f"  {'kind':<24}{'TP':>4}{'FP':>4}{'FN':>4}{'TN':>4}{'prec':>8}{'recall':>8}{'F1':>8}",
          file=out)
    for kind in sorted(score.kinds):
        print(row(kind, score.kinds[kind]), file=out)
    print(row("overall", score.overall), file=out)
    met = score.overall.precision >= TARGET and score.overall.recall >= TARGET
    print(f"  target precision and recall >= {TARGET}: {'met' if met else 'NOT met'}", file=out)
    if errors:
        for e in score.errors:
            label = "FP" if e.got else "FN"
            sim = similarity(e.a.signature, e.b.signature)
            print(f"  {label} {e.pair['kind']}: {e.pair['note']}", file=out)
            print(f"     decided {e.reason} ({e.why}); text similarity {sim:.2f}", file=out)
            for side, p in (("a", e.a), ("b", e.b)):
                item = e.pair[side]
                print(f"     {side}: {item['title'][:70]!r} {item.get('published')}", file=out)
                print(f"        people {sorted(p.people)} topics {sorted(p.topics)}", file=out)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", type=Path, default=ROOT / "feeds.yaml")
    ap.add_argument("--split", choices=["dev", "holdout", "both"], default="both")
    ap.add_argument("--context-people", default=None,
                    help="';'-separated names that never make an event alone (default: "
                         "OFFICIALS, watchlist section 4)")
    ap.add_argument("--no-errors", action="store_true")
    args = ap.parse_args(argv)
    context = (
        frozenset(n.strip() for n in args.context_people.split(";") if n.strip())
        if args.context_people is not None
        else OFFICIALS
    )
    splits = ["dev", "holdout"] if args.split == "both" else [args.split]
    for split in splits:
        report(split, measure(args.config, split, context), not args.no_errors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
