"""Which terms a topic stands on: before an item (``trigger``) and after a hit (``support``).

``trigger`` finds, at build time, a set of terms of which at least one must occur for
the query to hold (the cheapest such set among the AND operands). Only topics with a
triggered term are evaluated, plus those with no such set (for example ``lang:fa``), so
a common word in one topic costs nothing in the others.

``needs`` lists the groups of terms that must each have one present: tested before a
topic is evaluated, they turn most evaluations into one C-level pass. ``Gates`` turns
a trigger and one more need of each topic into bit masks per term, which the matcher
ORs with the automaton's values.

``compile_support`` gives, for a query that holds, the terms that made it hold: the
evidence. A term under NOT never counts; under OR only the branches that hold count
(``(a b) OR c`` over "a c" stands on c alone, not on a); ``title:`` terms count where
they are in the title; and a NEAR stands on the terms of its operands that have an
occurrence close enough to the other side (``(a OR b) NEAR/3 c`` over "a c ... b" stands
on a and c). It runs only for topics that hold, so only items with a hit pay for it.
Must not: normalise text, touch the automaton or build hits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import compress

from monitor.match.query import And, InTitle, Meta, Near, Node, Not, Or, Term
from monitor.match.topics import Found, Spans, TermIds, compile_pred, compile_spans, near

Support = Callable[[Found], list[int]]


def compile_support(node: Node, ids: TermIds, title: bool = False) -> Support:
    """The terms ``node`` stands on in an item where it holds (with repeats)."""
    if isinstance(node, Term):
        one = [ids(node)]
        return lambda f: one
    if isinstance(node, InTitle):
        return compile_support(node.child, ids, True)
    if isinstance(node, Meta | Not):
        return _none
    if isinstance(node, And):  # every operand holds, so each one's terms count
        parts = [compile_support(c, ids, title) for c in node.children if positive_terms(c, ids)]
        if len(parts) == 1:
            return parts[0]
        return lambda f: [t for part in parts for t in part(f)]
    if isinstance(node, Or):
        return _or(node, ids, title)
    return _near(node, ids, title)


def _none(found: Found) -> list[int]:
    return []


def _or(node: Or, ids: TermIds, title: bool) -> Support:
    # the common case, a long OR of words, is one filter over the terms present
    plain = [ids(c) for c in node.children if isinstance(c, Term)]
    branches = [
        (compile_pred(c, ids, title), compile_support(c, ids, title))
        for c in node.children
        if not isinstance(c, Term) and positive_terms(c, ids)
    ]
    if title:
        return lambda f: (
            [t for t in plain if f.in_title(t)]
            + [t for holds, part in branches if holds(f) for t in part(f)]
        )
    masks = [1 << t for t in plain]  # the terms present picked at C speed
    if not branches:
        return lambda f: list(compress(plain, map(f.bits.__and__, masks)))
    return lambda f: (
        list(compress(plain, map(f.bits.__and__, masks)))
        + [t for holds, part in branches if holds(f) for t in part(f)]
    )


def _near(node: Near, ids: TermIds, title: bool) -> Support:
    sure: list[int] = []  # an operand that is one term: it is in every pair that counts
    checks: list[tuple[int, Spans]] = []
    for side in (node.left, node.right):
        inner = side.child if isinstance(side, InTitle) else side
        if isinstance(inner, Term):
            sure.append(ids(inner))
            continue
        for t in dict.fromkeys(positive_terms(side, ids)):
            checks.append((t, _spans_with(node, t, ids, title)))
    if not checks:
        return lambda f: sure
    return lambda f: sure + [t for t, spans in checks if f.has(t) and spans(f)]


def _spans_with(node: Node, term: int, ids: TermIds, title: bool) -> Spans:
    """The spans of ``node``'s matches that use an occurrence of ``term``."""
    if isinstance(node, Term):
        if ids(node) != term:
            return lambda f: []
        return lambda f: f.word_spans(term, title)
    if isinstance(node, InTitle):
        return _spans_with(node.child, term, ids, True)
    if isinstance(node, Or):
        parts = [_spans_with(c, term, ids, title) for c in node.children]
        return lambda f: sorted(s for p in parts for s in p(f))
    if isinstance(node, Near):
        left, right, n = (
            compile_spans(node.left, ids, title),
            compile_spans(node.right, ids, title),
            node.distance,
        )
        left_t = _spans_with(node.left, term, ids, title)
        right_t = _spans_with(node.right, term, ids, title)
        return lambda f: near(left_t(f), right(f), n) + near(left(f), right_t(f), n)
    raise TypeError(f"no positions for {type(node).__name__}")  # checks.py prevents this


def trigger(node: Node, ids: TermIds, cost: Callable[[int], float]) -> frozenset[int] | None:
    """Terms of which one must occur for ``node`` to hold; None if there is no such set."""
    if isinstance(node, Term):
        return frozenset((ids(node),))
    if isinstance(node, InTitle):
        return trigger(node.child, ids, cost)
    if isinstance(node, Meta | Not):
        return None
    if isinstance(node, Or):
        union: set[int] = set()
        for child in node.children:
            got = trigger(child, ids, cost)
            if got is None:
                return None
            union |= got
        return frozenset(union)
    children: Iterable[Node] = node.children if isinstance(node, And) else (node.left, node.right)
    options = [t for t in (trigger(c, ids, cost) for c in children) if t is not None]
    return min(options, key=lambda t: sum(map(cost, t)), default=None)


def needs(node: Node, ids: TermIds) -> list[frozenset[int]]:
    """Groups of terms of which each must have one present for ``node`` to hold: the
    matcher tests them all at C speed before it evaluates the query."""
    if isinstance(node, Term):
        return [frozenset((ids(node),))]
    if isinstance(node, InTitle):
        return needs(node.child, ids)
    if isinstance(node, Meta | Not):
        return []
    if isinstance(node, Or):
        group = trigger(node, ids, lambda t: 0.0)
        return [] if group is None else [group]
    children: Iterable[Node] = node.children if isinstance(node, And) else (node.left, node.right)
    return list(dict.fromkeys(g for c in children for g in needs(c, ids)))


def positive_terms(node: Node, ids: TermIds) -> list[int]:
    """Terms that may count as evidence: every term not under NOT, in query order."""
    if isinstance(node, Term):
        return [ids(node)]
    if isinstance(node, InTitle):
        return positive_terms(node.child, ids)
    if isinstance(node, Meta | Not):
        return []
    children = node.children if isinstance(node, And | Or) else (node.left, node.right)
    return [t for c in children for t in positive_terms(c, ids)]


class Gates:
    """Which topics an item's terms let through to evaluation, as bit masks per term.

    A topic is evaluated when one of its trigger terms is present (``triggers``; every
    item for a topic with none, ``always``) and one of the terms of its check group is
    too: one of its needs other than the trigger's, the one with the fewest terms, so
    the likeliest to be missing (``checks``; topics with no other need: ``passes``).
    Both are ORed in C with the automaton's values, so most topics an item triggers but
    cannot meet cost nothing in Python; the needs are still all tested after.
    """

    def __init__(self) -> None:
        self.triggers: dict[int, int] = {}
        self.checks: dict[int, int] = {}
        self.always = 0
        self.passes = 0

    def add(
        self, position: int, trigger: frozenset[int] | None, groups: list[frozenset[int]]
    ) -> None:
        bit = 1 << position
        if trigger is None:
            self.always |= bit
        for tid in trigger or ():
            self.triggers[tid] = self.triggers.get(tid, 0) | bit
        others = [g for g in groups if g != trigger]
        if not others:
            self.passes |= bit
            return
        for tid in min(others, key=len):
            self.checks[tid] = self.checks.get(tid, 0) | bit
