"""The matcher: rules compiled once, then one item at a time -> hits.

Per item: HTML is stripped from summary and content; title, summary and content are
split on whitespace into chunks (with a separator chunk between them, so no phrase or
name runs from the title into the summary); every chunk's normalised form and name
skeleton comes from a memo. Then two passes of Aho-Corasick automata, one over the
normalised text for every topic term, one over the skeletons for every name, and only
the topics that a found term can trigger are evaluated. Nothing here is quadratic in
the text or exponential in a query. Topics come first (in rule order), then people
(in list order).
Must not: do I/O or import the other stages; the memos are its only state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from itertools import chain
from operator import itemgetter, or_

from monitor.match.automaton import Automaton
from monitor.match.checks import parse_query
from monitor.match.evidence import TopicText, original, pick
from monitor.match.model import (
    SEVERITIES,
    Hit,
    MatchInput,
    Person,
    QueryError,
    RuleProblem,
    RulesError,
    TopicRule,
)
from monitor.match.people import PeopleIndex
from monitor.match.query import Term
from monitor.match.terms import patterns
from monitor.match.text import CHUNKS, SEP, Memo, normalise, strip_html
from monitor.match.topics import Found, Pred, compile_pred, positive_terms, trigger

OTHER = "_"  # stands for a word no topic can use; normalisation never makes "_"
# per automaton key: its length, the terms it finds, the topics those terms trigger
KeyEntry = tuple[int, tuple[int, ...], int]
_SECOND = itemgetter(1)
_THIRD = itemgetter(2)


@dataclass(frozen=True)
class _Topic:
    rule: TopicRule
    pred: Pred
    evidence_terms: tuple[int, ...]


class _Terms:
    """Gives each distinct term an id and collects its automaton keys."""

    def __init__(self) -> None:
        self.ids: dict[tuple[tuple[str, ...], bool], int] = {}
        self.costs: list[float] = []
        self.keys: dict[str, list[int]] = {}

    def id(self, term: Term) -> int:
        words = tuple(normalise(term.text).split())
        key = (words, term.prefix)
        tid = self.ids.get(key)
        if tid is None:
            tid = self.ids[key] = len(self.ids)
            # rarer terms make better triggers: phrases over words over prefixes
            self.costs.append(1.0 if len(words) > 1 else 4.0 if term.prefix else 2.0)
            for text in patterns(list(words), term.prefix):
                self.keys.setdefault(text, []).append(tid)
        return tid

    def automaton(self, triggers: dict[int, int]) -> Automaton[KeyEntry]:
        return Automaton(
            {
                k: (len(k), tuple(v), reduce(or_, (triggers.get(t, 0) for t in v), 0))
                for k, v in self.keys.items()
            }
        )

    def reducer(self) -> Memo[str]:
        """A memo: chunk -> its normalised words, each word no key can use as OTHER.

        A word is kept when some key has it, or begins with a prefix term. The text the
        automaton reads gets about half as long; word counts (for NEAR) do not change.
        """
        exact: set[str] = set()
        prefixes: set[str] = set()
        for key in self.keys:
            words = key.split()
            exact.update(words)
            if not key.endswith(" "):
                prefixes.add(words[-1])
        heads = [slice(n) for n in sorted({len(p) for p in prefixes})]

        def kept(word: str) -> bool:  # the heads are cut and looked up at C speed
            return word in exact or not prefixes.isdisjoint(map(word.__getitem__, heads))

        def reduce(chunk: str) -> str:
            if chunk.isdigit() and chunk.isascii():  # a number: its own normal form
                return chunk if kept(chunk) else OTHER
            words = CHUNKS[chunk]
            if " " not in words:  # one word (or none): the common case
                return words if not words or kept(words) else OTHER
            return " ".join(w if kept(w) else OTHER for w in words.split())

        return Memo(reduce, pinned={SEP: SEP})

    def cost(self, tid: int) -> float:
        return self.costs[tid]


class Matcher:
    """Compiled topics and people. Build with ``Matcher.build``; ``match`` is pure."""

    def __init__(
        self,
        topics: list[_Topic],
        terms: _Terms,
        triggers: dict[int, int],
        always: int,
        people: PeopleIndex,
    ) -> None:
        self._topics = topics
        # each key carries the bit mask of the topics its terms trigger
        self._automaton = terms.automaton(triggers)
        self._reduced = terms.reducer()
        self._always = always  # bit mask of the topics evaluated for every item
        self._people = people

    @classmethod
    def build(cls, topics: Sequence[TopicRule], people: Sequence[Person]) -> Matcher:
        """Compiles every rule; raises ``RulesError`` listing every problem found."""
        problems: list[RuleProblem] = []
        terms = _Terms()
        compiled: list[_Topic] = []
        triggers: dict[int, int] = {}
        always = 0
        for index, rule in enumerate(topics):
            if rule.severity not in SEVERITIES:
                problems.append(
                    RuleProblem(
                        "topic",
                        index,
                        "severity",
                        0,
                        f"severity must be urgent or digest, not '{rule.severity}'",
                    )
                )
            try:
                node = parse_query(rule.query)
            except QueryError as e:
                problems.extend(RuleProblem("topic", index, "query", c, m) for c, m in e.problems)
                continue
            position = len(compiled)
            evidence = tuple(dict.fromkeys(positive_terms(node, terms.id)))
            compiled.append(_Topic(rule, compile_pred(node, terms.id), evidence))
            needed = trigger(node, terms.id, terms.cost)
            if needed is None:
                always |= 1 << position
            for tid in needed or ():
                triggers[tid] = triggers.get(tid, 0) | 1 << position
        index_of_people = PeopleIndex(people, problems)
        if problems:
            raise RulesError(problems)
        return cls(compiled, terms, triggers, always, index_of_people)

    def match(self, item: MatchInput) -> tuple[Hit, ...]:
        """Every topic (in rule order) and person (in list order) found in the item."""
        chunks = item.title.split()
        chunks.append(SEP)
        chunks += strip_html(item.summary).split()
        if item.content:
            chunks.append(SEP)
            chunks += strip_html(item.content).split()
        hits = self._match_topics(item, chunks)
        found = self._people.find(chunks)
        for person in sorted(found):
            rule = self._people.people[person]
            evidence = pick([(p[0], original(chunks, *p)) for p in found[person]])
            hits.append(Hit("person", rule.name, rule.severity, evidence))
        return tuple(hits)

    def _match_topics(self, item: MatchInput, chunks: list[str]) -> list[Hit]:
        normalised = list(map(self._reduced.__getitem__, chunks))
        text = " " + " ".join(filter(None, normalised)) + " "
        occurrences = list(self._automaton.find(text))
        # the terms present, collected at C speed: no Python step per occurrence
        present = set(chain.from_iterable(map(_SECOND, map(_SECOND, occurrences))))
        candidates = reduce(or_, map(_THIRD, map(_SECOND, occurrences)), self._always)
        found = Found(item, text, present, occurrences)
        out: list[Hit] = []
        where: TopicText | None = None
        said: dict[int, tuple[int, str]] = {}  # term -> its first occurrence, as written
        while candidates:
            low = candidates & -candidates
            candidates ^= low
            topic = self._topics[low.bit_length() - 1]
            if not topic.pred(found):
                continue
            where = where or TopicText(chunks, normalised, text)
            for t in topic.evidence_terms:
                if t in present and t not in said:
                    said[t] = where.span(*found.spans(t)[0])
            evidence = pick([said[t] for t in topic.evidence_terms if t in said])
            out.append(Hit("topic", topic.rule.id, topic.rule.severity, evidence))
        return out
