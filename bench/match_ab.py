"""Is a change to the matcher faster? The match package at a git commit against the
working tree, in one process, on the same items: a ratio that a shared machine's slow
moments move much less than two separate runs of match_speed.py.

    .venv/bin/python bench/match_ab.py [REF] [--items N] [--batch N] [--warm]

REF (default HEAD) is copied out of git into a temporary package (its C loop, if it
has one, compiled with the interpreter's compiler and flags); both matchers are built
from match_speed.py's rules (10,000 people, 50 topics) and must give the same hits on the
first 3,000 items, or this stops. Then batches of the (fresh, unless --warm) items
go through each matcher in turn, the order swapped every batch, and it prints the
median CPU time per item of each and the median of the per-batch ratios new/old.
"""

from __future__ import annotations

import argparse
import importlib
import random
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import match_speed as ms

ROOT = Path(__file__).resolve().parent.parent


def package_at(ref: str, into: Path) -> ModuleType:
    """monitor.match as it was at ``ref``, importable as ``oldmatch``."""
    (into / "oldmatch").mkdir()
    names = subprocess.check_output(
        ["git", "-C", str(ROOT), "ls-tree", "--name-only", ref, "monitor/match/"], text=True
    ).split()
    for name in names:
        if name.endswith(".py"):
            source = subprocess.check_output(["git", "-C", str(ROOT), "show", f"{ref}:{name}"])
            text = source.decode().replace("monitor.match", "oldmatch")
            (into / "oldmatch" / Path(name).name).write_text(text)
    c_file = "monitor/match/_chunks.c"
    if c_file in names:  # REF's C loop, compiled as the install compiles it
        source_c = into / "oldmatch" / "_chunks.c"
        source_c.write_bytes(
            subprocess.check_output(["git", "-C", str(ROOT), "show", f"{ref}:{c_file}"])
        )
        target = into / "oldmatch" / f"_chunks{sysconfig.get_config_var('EXT_SUFFIX')}"
        flags = sysconfig.get_config_var("CFLAGS").split()
        include = sysconfig.get_paths()["include"]
        subprocess.check_call(
            [sysconfig.get_config_var("CC").split()[0], *flags, "-fPIC", "-shared"]
            + [f"-I{include}", str(source_c), "-o", str(target)]
        )
    sys.path.insert(0, str(into))
    return importlib.import_module("oldmatch")


def rebuild(module: Any, people: list[Any], topics: list[Any], items: list[Any]) -> Any:
    """A matcher of ``module`` and the items as its own MatchInput."""
    matcher = module.Matcher.build(
        [module.TopicRule(t.id, t.query, t.severity) for t in topics],
        [module.Person(p.name, p.aliases, p.severity) for p in people],
    )
    inputs = [
        module.MatchInput(
            i.title,
            i.summary,
            language=i.language,
            feed_id=i.feed_id,
            label=i.label,
            country=i.country,
        )
        for i in items
    ]
    return matcher, inputs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("ref", nargs="?", default="HEAD")
    ap.add_argument("--items", type=int, default=60_000)
    ap.add_argument("--batch", type=int, default=5_000)
    ap.add_argument("--warm", action="store_true", help="match every item once first")
    args = ap.parse_args()
    import monitor.match as new

    with tempfile.TemporaryDirectory() as tmp:
        old = package_at(args.ref, Path(tmp))
        rng = random.Random(1988)
        people = ms.make_people(10_000, rng)
        topics = ms.make_topics(50, rng)
        items = ms.make_items(args.items, people, rng)
        a, a_items = rebuild(old, people, topics, items)
        b, b_items = rebuild(new, people, topics, items)
        for x, y in zip(a_items[:3000], b_items[:3000], strict=True):
            got_a = [(h.kind, h.key, h.evidence) for h in a.match(x)]
            got_b = [(h.kind, h.key, h.evidence) for h in b.match(y)]
            if got_a != got_b:
                raise SystemExit(f"different hits: {args.ref} {got_a}, working tree {got_b}")
        if args.warm:
            for x, y in zip(a_items, b_items, strict=True):
                a.match(x)
                b.match(y)
        times: dict[str, list[float]] = {"old": [], "new": []}
        for n, start in enumerate(range(0, args.items, args.batch)):
            runs = [("old", a, a_items), ("new", b, b_items)]
            for label, matcher, inputs in runs if n % 2 else runs[::-1]:
                batch = inputs[start : start + args.batch]
                c0 = time.process_time()
                for item in batch:
                    matcher.match(item)
                times[label].append((time.process_time() - c0) / len(batch) * 1e6)
    old_us, new_us = statistics.median(times["old"]), statistics.median(times["new"])
    ratio = statistics.median(n / o for o, n in zip(times["old"], times["new"], strict=True))
    native = [
        "yes" if getattr(getattr(m, "scan", None), "NATIVE", False) else "no" for m in (old, new)
    ]
    print(f"C loop: {args.ref} {native[0]}, working tree {native[1]}")
    print(
        f"{args.ref}: {old_us:.1f} us per item ({1e6 / old_us:,.0f}/s); working tree: "
        f"{new_us:.1f} us ({1e6 / new_us:,.0f}/s); median ratio new/old {ratio:.3f}"
    )


if __name__ == "__main__":
    main()
