"""Topic queries -> predicates over the terms found in one item.

A checked query tree (``monitor.match.checks``) is compiled once into closures. Per
item the matcher passes a ``Found``: which terms occurred and, on demand, where
(character spans in the normalised text). Evaluation never looks at the text except
to turn character offsets into word positions for NEAR, one left-to-right count per
term, so its cost is linear in the text whatever the query.

NEAR: ``A NEAR/n B`` holds when some occurrence of A and some of B are at most n words
apart, counted from the end of the first to the start of the second (adjacent words
are 1 apart; overlapping occurrences 0). A NEAR result has the span covering both, so
NEARs chain. Which topics to evaluate, and which terms a hit stands on, is
``monitor.match.support``.
Must not: normalise text, touch the automaton or build hits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from monitor.match.model import MatchInput
from monitor.match.query import And, InTitle, Meta, Near, Node, Not, Or, Term
from monitor.match.text import SEP

Span = tuple[int, int]  # first and last index, inclusive


# what the automaton yields: (end offset, (key length, term ids, topics triggered))
Occurrence = tuple[int, tuple[int, tuple[int, ...], int]]


class Found:
    """What the automaton found in one item: which terms occur (``bits``: bit t set when
    term t does), and (built only when a NEAR, a title: or evidence asks) where, as
    character spans in text order."""

    __slots__ = ("item", "text", "title_end", "bits", "occurrences", "_spans", "_words")

    def __init__(
        self,
        item: MatchInput,
        text: str,  # the normalised text " title \x1f summary \x1f content "
        bits: int,
        occurrences: list[Occurrence],
    ) -> None:
        self.item = item
        self.text = text
        self.title_end = text.find(SEP)  # spans before it are in the title
        # one int, not a set: the automaton's values OR into it at C speed, and a test
        # of a term or of a group of terms is one AND
        self.bits = bits
        self.occurrences = occurrences
        self._spans: dict[int, list[Span]] = {}
        self._words: dict[int, list[Span]] = {}

    def spans(self, term: int) -> list[Span]:
        got = self._spans.get(term)
        if got is None:
            got = self._spans[term] = [
                (end - entry[0] + 1, end) for end, entry in self.occurrences if term in entry[1]
            ]
        return got

    def first(self, term: int) -> Span:
        """The first occurrence of a term that is present."""
        got = self._spans.get(term)
        if got is not None:
            return got[0]
        for end, entry in self.occurrences:  # a loop, not next(genexpr): no generator
            if term in entry[1]:
                return end - entry[0] + 1, end
        raise KeyError(term)

    def in_title(self, term: int) -> bool:
        # occurrences come in text order and never span the separator
        return self.has(term) and self.spans(term)[0][0] < self.title_end

    def has(self, term: int) -> bool:
        return bool(self.bits >> term & 1)

    def word_spans(self, term: int, title: bool) -> list[Span]:
        """Word positions of a term's occurrences (one counting pass over the text)."""
        words = self._words.get(term)
        if words is None:
            chars = self.spans(term)
            points = sorted({p for s, e in chars for p in (s + 1, e)})
            index: dict[int, int] = {}
            count = previous = 0
            for p in points:
                count += self.text.count(" ", previous, p)
                index[p] = count
                previous = p
            words = self._words[term] = sorted((index[s + 1] - 1, index[e] - 1) for s, e in chars)
        if title:
            limit = self.text.count(" ", 0, self.title_end)
            return [w for w in words if w[0] < limit]
        return words


Pred = Callable[[Found], bool | int]  # an int is true when not 0: one AND, no bool()
Spans = Callable[[Found], list[Span]]
TermIds = Callable[[Term], int]


def compile_pred(node: Node, ids: TermIds, title: bool = False) -> Pred:
    if isinstance(node, Term):
        tid = ids(node)
        if title:
            return lambda f: f.in_title(tid)
        bit = 1 << tid
        return lambda f: f.bits & bit
    if isinstance(node, InTitle):
        return compile_pred(node.child, ids, True)
    if isinstance(node, Meta):
        return _meta(node)
    if isinstance(node, Not):
        if isinstance(node.child, Term) and not title:  # -word: one test, no call
            bit = 1 << ids(node.child)
            return lambda f: not f.bits & bit
        inner = compile_pred(node.child, ids, title)
        return lambda f: not inner(f)
    if isinstance(node, Or):
        plain = [c for c in node.children if isinstance(c, Term)]
        others = [compile_pred(c, ids, title) for c in node.children if not isinstance(c, Term)]
        if plain and not title:  # the common case: a long OR of words, one C-level test
            any_of = bits_of(ids(t) for t in plain)
            others.insert(0, lambda f: f.bits & any_of)
        else:
            others[:0] = [compile_pred(t, ids, title) for t in plain]
        return _any(others)
    if isinstance(node, And):  # cheapest tests first: all of them must hold anyway
        ordered = sorted(node.children, key=_cost)
        return _all([compile_pred(c, ids, title) for c in ordered])
    left, right, n = (
        compile_spans(node.left, ids, title),
        compile_spans(node.right, ids, title),
        node.distance,
    )
    return lambda f: bool(near(left(f), right(f), n))


def compile_spans(node: Node, ids: TermIds, title: bool = False) -> Spans:
    if isinstance(node, Term):
        tid = ids(node)
        bit = 1 << tid
        return lambda f: f.word_spans(tid, title) if f.bits & bit else []
    if isinstance(node, InTitle):
        return compile_spans(node.child, ids, True)
    if isinstance(node, Or):
        parts = [compile_spans(c, ids, title) for c in node.children]
        return lambda f: sorted(s for p in parts for s in p(f))
    if isinstance(node, Near):
        left, right = compile_spans(node.left, ids, title), compile_spans(node.right, ids, title)
        n = node.distance
        return lambda f: near(left(f), right(f), n)
    raise TypeError(f"no positions for {type(node).__name__}")  # checks.py prevents this


def bits_of(terms: Iterable[int]) -> int:
    """The bit mask of a set of term ids."""
    mask = 0
    for t in terms:
        mask |= 1 << t
    return mask


def near(a: list[Span], b: list[Span], n: int) -> list[Span]:
    """Spans covering an occurrence of a and one of b at most n words apart.

    One sweep in start order, keeping the occurrence of each side that ends last: the
    one to measure from for anything that starts later.
    """
    if not a or not b:
        return []
    events = sorted([(s, e, 0) for s, e in a] + [(s, e, 1) for s, e in b])
    last: list[Span | None] = [None, None]
    out: list[Span] = []
    for s, e, side in events:
        other = last[1 - side]
        if other is not None and s - other[1] <= n:
            out.append((min(s, other[0]), max(e, other[1])))
        mine = last[side]
        if mine is None or e > mine[1]:
            last[side] = (s, e)
    return out


def _cost(node: Node) -> int:
    if isinstance(node, Term):
        return 0
    if isinstance(node, Or) and all(isinstance(c, Term) for c in node.children):
        return 1
    if isinstance(node, Near):
        return 4
    if isinstance(node, InTitle | Meta):
        return 2
    return 3


def _meta(node: Meta) -> Pred:
    value, prefix = node.value, node.prefix

    def test(v: str) -> bool:
        return v.startswith(value) if prefix else v == value

    if node.field == "lang":  # lang:fa holds for fa, fa-IR, FA
        return lambda f: (
            test((f.item.language or "").lower().split("-")[0])
            or test((f.item.language or "").lower())
        )
    if node.field == "label":
        return lambda f: test(f.item.label.lower())
    if node.field == "feed":
        return lambda f: test(f.item.feed_id.lower())
    if node.field == "country":
        return lambda f: test((f.item.country or "").lower())
    return lambda f: any(test(t.lower()) for t in f.item.tags)


def _any(preds: list[Pred]) -> Pred:
    if len(preds) == 1:
        return preds[0]
    if len(preds) == 2:
        a, b = preds
        return lambda f: a(f) or b(f)

    def any_of(f: Found) -> bool:
        for p in preds:
            if p(f):
                return True
        return False

    return any_of


def _all(preds: list[Pred]) -> Pred:
    if len(preds) == 2:
        a, b = preds
        return lambda f: a(f) and b(f)
    if len(preds) == 3:  # spelled out: a loop costs more than the tests themselves
        a, b, c = preds
        return lambda f: a(f) and b(f) and c(f)
    if len(preds) == 4:
        a, b, c, d = preds
        return lambda f: a(f) and b(f) and c(f) and d(f)

    def all_of(f: Found) -> bool:
        for p in preds:
            if not p(f):
                return False
        return True

    return all_of
