"""How well the repository's feeds.yaml finds what researchers need: its topics and
people scored against hand-labelled real items.

    .venv/bin/python bench/match_quality.py [--config feeds.yaml]
        [--data ../shared/data/labelled_items_dev.jsonl] [--languages en,fa,ar | all]
        [--no-errors]

The config goes through the real loader and the real matcher (``load_config``,
``build_matcher``, ``monitor.offline.to_input``: the path of ``monitor match``). Each
labelled item is a JSON line with ``id``, ``language``, ``title``, ``summary`` and
``labels`` (``death_sentence``, ``execution``, ``named_people``). An item whose
``title_note`` says "constructed" has a made-up title: it is matched on its summary
only (empty title). Items marked ``uncertain`` are scored with and without, and listed.

Prints, for ``death_sentence`` and ``execution``, TP, FP, FN, precision, recall and F1;
for people, precision and recall over the people on the config's watchlist only (a
labelled name that is not on the watchlist is ignored), and recall again over those
labelled people whose name is in the title or summary used at all (labels were made on
whole articles); the same per language; then every error, with the evidence that fired,
so that a reader can judge it. Targets (issue 3, en/fa/ar): F1 >= 0.90 for both topics;
people precision >= 0.97 and recall >= 0.95. Nothing is asserted here.
"""

from __future__ import annotations

import argparse
import datetime
import difflib
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from monitor.config import load_config
from monitor.errors import ConfigError
from monitor.match import Hit, Matcher, normalise
from monitor.offline import to_input
from monitor.rules import build_matcher

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "labelled_items_dev.jsonl"
DEFAULT_LANGUAGES = ("en", "fa", "ar")
TOPICS = ("death_sentence", "execution")
TARGET_F1 = 0.90
TARGET_PEOPLE_PRECISION = 0.97
TARGET_PEOPLE_RECALL = 0.95


# ------------------------------------------------------------------ arithmetic


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, expected: bool, got: bool) -> None:
        self.tp += expected and got
        self.fp += got and not expected
        self.fn += expected and not got

    def add_sets(self, expected: set[str], got: set[str]) -> None:
        self.tp += len(expected & got)
        self.fp += len(got - expected)
        self.fn += len(expected - got)

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def _ratio(a: int, b: int) -> float:
    # Nothing to find and nothing found is perfect, not undefined.
    return 1.0 if b == 0 else a / b


def name_key(name: str) -> str:
    """Labels and config write a name the same way up to case, accents, hyphens and
    spaces ("Farshad Etemadi-Far" = "farshad etemadifar")."""
    folded = unicodedata.normalize("NFKD", name).casefold()
    return "".join(c for c in folded if c.isalnum())


# ----------------------------------------------------------------------- items


@dataclass(frozen=True)
class Labelled:
    id: str
    language: str
    title: str  # "" when the labelled title was constructed
    summary: str
    expected: Mapping[str, bool]  # topic id -> label
    people: tuple[str, ...]  # named_people, as labelled
    uncertain: bool
    uncertain_note: str


def read_items(path: Path, languages: Sequence[str] | None) -> list[Labelled]:
    """The labelled items of ``path`` in these languages (None: all)."""
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise SystemExit(f"{path}:{number}: not valid JSON: {e.msg}") from None
        language = record.get("language", "")
        if languages is not None and language not in languages:
            continue
        constructed = "constructed" in (record.get("title_note") or "")
        labels = record["labels"]
        items.append(
            Labelled(
                id=record["id"],
                language=language,
                title="" if constructed else record.get("title", ""),
                summary=record.get("summary", ""),
                expected={t: bool(labels.get(t)) for t in TOPICS},
                people=tuple(labels.get("named_people") or ()),
                uncertain=bool(record.get("uncertain")),
                uncertain_note=record.get("uncertain_note", ""),
            )
        )
    return items


@dataclass(frozen=True)
class Watchlist:
    """The config's people: canonical names by ``name_key``, and every written form."""

    names: Mapping[str, str]
    forms: Mapping[str, tuple[str, ...]]

    @classmethod
    def of(cls, people: Iterable[Mapping[str, Any]]) -> Watchlist:
        names: dict[str, str] = {}
        forms: dict[str, tuple[str, ...]] = {}
        for p in people:
            names[name_key(p["name"])] = p["name"]
            forms[p["name"]] = (p["name"], *(p.get("aliases") or ()))
        return cls(names, forms)

    def mentioned(self, name: str, item: Labelled) -> bool:
        """Rough, and independent of the matcher: does the last word of the name or of
        one of its aliases (any script) occur in the text used, spaces ignored, or a
        Latin word spelled closely (Raesian ~ Raisian)? Labels were made on whole
        articles, so a labelled person may not be in the title or summary at all."""
        text = normalise(item.title + " " + item.summary)
        joined, words = text.replace(" ", ""), text.split()
        lasts = {normalise(f).split()[-1] for f in self.forms.get(name, (name,)) if normalise(f)}
        return any(
            w in joined or (w.isascii() and difflib.get_close_matches(w, words, 1, 0.8))
            for w in lasts
            if len(w) > 2
        )


@dataclass(frozen=True)
class Result:
    item: Labelled
    hits: tuple[Hit, ...]
    watchlist: Watchlist

    @property
    def topics(self) -> dict[str, Hit]:
        return {h.key: h for h in self.hits if h.kind == "topic"}

    @property
    def people_found(self) -> dict[str, Hit]:
        return {h.key: h for h in self.hits if h.kind == "person"}

    @property
    def people_expected(self) -> set[str]:
        """Labelled people on the watchlist, by their config names; others ignored."""
        keys = (name_key(n) for n in self.item.people)
        return {self.watchlist.names[k] for k in keys if k in self.watchlist.names}

    @property
    def people_in_text(self) -> set[str]:
        """Those of ``people_expected`` whose name is in the text that was matched."""
        return {n for n in self.people_expected if self.watchlist.mentioned(n, self.item)}


def run(matcher: Matcher, items: Iterable[Labelled], watchlist: Watchlist) -> list[Result]:
    """Each item matched as ``monitor match`` matches a JSON line (no feed)."""
    results = []
    for item in items:
        record = {"id": item.id, "title": item.title, "summary": item.summary,
                  "language": item.language}
        hits = matcher.match(to_input(record, {}, item.id))
        results.append(Result(item, hits, watchlist))
    return results


def measure(config_path: Path, data: Path, languages: Sequence[str] | None) -> list[Result]:
    """Loads the config as every command does (ConfigError if invalid) and matches."""
    config = load_config(config_path)
    matcher = build_matcher(config)
    return run(matcher, read_items(data, languages), Watchlist.of(config.all_people))


@dataclass
class Score:
    topics: dict[str, Counts] = field(default_factory=lambda: {t: Counts() for t in TOPICS})
    people: Counts = field(default_factory=Counts)
    people_in_text: Counts = field(default_factory=Counts)
    items: int = 0
    ignored_names: int = 0  # labelled names not on the watchlist


def score(results: Iterable[Result]) -> Score:
    s = Score()
    for r in results:
        s.items += 1
        got = r.topics
        for t in TOPICS:
            s.topics[t].add(r.item.expected[t], t in got)
        found, expected, in_text = set(r.people_found), r.people_expected, r.people_in_text
        s.people.add_sets(expected, found)
        # The same false positives; only labelled people named in the text can be missed.
        s.people_in_text.tp += len(in_text & found)
        s.people_in_text.fp += len(found - expected)
        s.people_in_text.fn += len(in_text - found)
        s.ignored_names += len(r.item.people) - len(expected)
    return s


# ---------------------------------------------------------------------- report


def _row(label: str, c: Counts, f1: bool = True) -> str:
    row = (f"  {label:<16} TP {c.tp:>3}  FP {c.fp:>3}  FN {c.fn:>3}   "
           f"precision {c.precision:.3f}  recall {c.recall:.3f}")
    return row + (f"  F1 {c.f1:.3f}" if f1 else "")


def print_score(title: str, s: Score, out: TextIO) -> None:
    print(f"{title} ({s.items} items)", file=out)
    for t in TOPICS:
        c = s.topics[t]
        below = c.f1 < TARGET_F1
        print(_row(t, c) + (f"   [below target F1 {TARGET_F1:.2f}]" if below else ""), file=out)
    for label, c in (("people", s.people), ("people in text", s.people_in_text)):
        below = c.precision < TARGET_PEOPLE_PRECISION or c.recall < TARGET_PEOPLE_RECALL
        flag = (f"   [below target P {TARGET_PEOPLE_PRECISION:.2f} / R "
                f"{TARGET_PEOPLE_RECALL:.2f}]" if below else "")
        print(_row(label, c, f1=False) + flag, file=out)
    print(f"  ({s.ignored_names} labelled names not on the watchlist: ignored)", file=out)


def _evidence(hit: Hit | None) -> str:
    return "; ".join(hit.evidence) if hit else "-"


def _clip(text: str, width: int = 110) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= width else text[: width - 1] + "…"


def print_errors(results: Sequence[Result], out: TextIO) -> None:
    for t in TOPICS:
        print(f"\nerrors, {t}:", file=out)
        n = 0
        for r in results:
            label, hit = r.item.expected[t], r.topics.get(t)
            if label == (hit is not None):
                continue
            n += 1
            kind = "FP" if hit else "FN"
            unsure = " (uncertain)" if r.item.uncertain else ""
            print(f"  {kind} {r.item.id} [{r.item.language}]{unsure} expected {label}, got "
                  f"{hit is not None}; evidence: {_evidence(hit)}", file=out)
            title = r.item.title or "(title not used)"
            print(f"     {_clip(title)} | {_clip(r.item.summary)}", file=out)
            others = ", ".join(f"{k}: {_evidence(h)}" for k, h in r.topics.items() if k != t)
            if others:
                print(f"     other topics: {others}", file=out)
        if not n:
            print("  none", file=out)
    print("\nerrors, people (watchlist only):", file=out)
    n = 0
    for r in results:
        found, expected = r.people_found, r.people_expected
        for name in sorted(set(found) - expected):
            n += 1
            print(f"  FP {r.item.id} [{r.item.language}] {name}; evidence: "
                  f"{_evidence(found[name])}", file=out)
        for name in sorted(expected - set(found)):
            n += 1
            hint = "" if name in r.people_in_text else " (not named in the title/summary used)"
            print(f"  FN {r.item.id} [{r.item.language}] {name}{hint}", file=out)
    if not n:
        print("  none", file=out)


def print_uncertain(results: Sequence[Result], out: TextIO) -> None:
    unsure = [r for r in results if r.item.uncertain]
    print(f"\nuncertain labels ({len(unsure)} items):", file=out)
    for r in unsure:
        parts = [f"{t} expected {r.item.expected[t]} got {t in r.topics}" for t in TOPICS]
        people = f"people expected {sorted(r.people_expected)} got {sorted(r.people_found)}"
        print(f"  {r.item.id} [{r.item.language}] {'; '.join(parts)}; {people}", file=out)
        if r.item.uncertain_note:
            print(f"     why uncertain: {r.item.uncertain_note}", file=out)


def report(results: Sequence[Result], out: TextIO, errors: bool = True) -> None:
    print_score("all items", score(results), out)
    sure = [r for r in results if not r.item.uncertain]
    print_score("\nwithout uncertain labels", score(sure), out)
    print("\nper language (all items):", file=out)
    for lang in sorted({r.item.language for r in results}):
        print_score(f"\n[{lang}]", score(r for r in results if r.item.language == lang), out)
    print_uncertain(results, out)
    if errors:
        print_errors(results, out)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--config", type=Path, default=ROOT / "feeds.yaml")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--languages", default=",".join(DEFAULT_LANGUAGES),
                    help="comma-separated language codes, or 'all' (default: en,fa,ar)")
    ap.add_argument("--errors", action=argparse.BooleanOptionalAction, default=True,
                    help="list every error (default: yes)")
    args = ap.parse_args(argv)
    languages = None if args.languages == "all" else tuple(args.languages.split(","))
    try:
        results = measure(args.config, args.data, languages)
    except ConfigError as e:
        for problem in e.problems:
            print(problem, file=sys.stderr)
        return 2
    shown = "all" if languages is None else ",".join(languages)
    print(f"{args.config} scored on {args.data}\n(languages: {shown}; "
          f"{datetime.date.today().isoformat()}). 'people in text' counts only the labelled\n"
          "people whose name is in the title or summary used: labels were made on whole"
          " articles.\n")
    report(results, sys.stdout, errors=args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
