"""How matching and query parsing grow with their input: the ratios the tests used to
assert, printed instead (timing belongs in benchmarks, not in pass/fail tests).

For each case it times a short and a 10x longer input (best of 5) and prints the ratio:
linear work gives about 10, anything catastrophic (backtracking, quadratic scans) gives
hundreds or more.

    .venv/bin/python bench/match_linearity.py
"""

from __future__ import annotations

import time
from collections.abc import Callable

from monitor.match import Matcher, MatchInput, Person, TopicRule, parse_query


def best(fn: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def ratio(name: str, short: Callable[[], object], long: Callable[[], object]) -> None:
    a, b = best(short), best(long)
    print(f"{name:<38} {a * 1e3:9.2f} ms {b * 1e3:9.2f} ms   x{b / max(a, 1e-9):7.1f}")


def main() -> None:
    print(f"{'case (short vs 10x longer)':<38} {'short':>12} {'long':>12}   ratio")
    def query(n: int) -> str:
        return " OR ".join(f'"w{i} x{i}"' for i in range(n))

    ratio("parse: OR of phrases, 500 vs 5,000",
          lambda: parse_query(query(500)), lambda: parse_query(query(5000)))  # fmt: skip

    many = Matcher.build(
        [TopicRule("t", " OR ".join(f"w{i}" for i in range(5000)) + ' OR "w1 w2" OR zz*')], []
    )
    words = " ".join(f"w{i}" for i in range(0, 1400, 7))
    ratio("5,000 ORs: 200 vs 2,000 words",
          lambda: many.match(MatchInput("", words)),
          lambda: many.match(MatchInput("", " ".join([words] * 10))))  # fmt: skip

    hostile = Matcher.build(
        [TopicRule("near", "aa* NEAR/3 bb*"), TopicRule("phrase", '"a a a b"'),
         TopicRule("fa", "اعدام* NEAR/2 زندان*")], [],
    )  # fmt: skip
    for unit in ("aa ", "aaa ", "<", "<a ", "a ", "اعدام ", "ا"):
        ratio(f"pathological {unit!r} x 2,000 vs 20,000",
              lambda u=unit: hostile.match(MatchInput("", u * 2_000)),  # type: ignore[misc]
              lambda u=unit: hostile.match(MatchInput("", u * 20_000)))  # type: ignore[misc]

    def people(n: int) -> list[Person]:
        return [Person(f"Name{i} Surname{i % 977}x{i}", (f"نام{i} فامیل{i}",)) for i in range(n)]

    small, large = people(1_000), people(10_000)
    ratio("build: 1,000 vs 10,000 people",
          lambda: Matcher.build([], small), lambda: Matcher.build([], large))  # fmt: skip


if __name__ == "__main__":
    main()
