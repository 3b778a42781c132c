"""The matcher: rules compiled once, then one item at a time -> hits.

Per item: HTML is stripped from summary and content; title, summary and content are
split on whitespace into chunks (with a separator chunk between them, so no phrase or
name runs from the title into the summary). One memo look-up per chunk gives both of
its matching forms: its normalised words for topics and its name skeleton for people
(a look-up costs about as much as hashing the chunk, and news text repeats its chunks,
so the Unicode work runs only on unseen ones; normalising the whole text at once in C
costs more, since ``re`` and ``str.translate`` are slow per character on Persian).
Splitting, the look-ups and separating the pairs are one C loop (``scan``), whose memo
is looked up with the chunk's characters where they lie in the text: a chunk seen
before costs no new string.
Then two passes of Aho-Corasick automata, one over the normalised text for every topic
term, one over the skeletons for every name, and only the topics that a found term can
trigger are evaluated. Nothing here is quadratic in the text or exponential in a query.
Topics come first (in rule order), then people (in list order).
Must not: do I/O or import the other stages; the memos are its only state.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import reduce
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
from monitor.match.scan import chunk_memo, ends, number
from monitor.match.support import Gates, Support, compile_support, needs, trigger
from monitor.match.terms import patterns
from monitor.match.text import CHUNKS, SEP, normalise, strip_html
from monitor.match.topics import Found, Pred, bits_of, compile_pred

OTHER = "_"  # stands for a word no topic can use; normalisation never makes "_"
# per automaton key: its length, the terms it finds, and those terms' bits with, above
# them, the bits of the topics they trigger and of the topics whose check group they are in
KeyEntry = tuple[int, tuple[int, ...], int]
_SECOND = itemgetter(1)
_THIRD = itemgetter(2)


@dataclass(frozen=True)
class _Topic:
    rule: TopicRule
    needs: tuple[int, ...]  # term bit masks: each must meet the terms present
    pred: Pred
    support: Support


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

    def automaton(
        self, triggers: dict[int, int], checks: dict[int, int], topics: int
    ) -> Automaton[KeyEntry]:
        """Each key's value ends with one int: the bits of its terms; above them (shifted
        by the number of terms) the bits of the topics those terms trigger; above those
        (shifted by the number of topics more) the bits of the topics whose check group
        has one of those terms."""
        shift = len(self.ids)

        def mask(v: list[int]) -> int:
            triggered = reduce(or_, (triggers.get(t, 0) for t in v), 0)
            checked = reduce(or_, (checks.get(t, 0) for t in v), 0)
            return bits_of(v) | triggered << shift | checked << (shift + topics)

        return Automaton(
            {k: (len(k), tuple(v), mask(v)) for k, v in self.keys.items()},
            filler=" " + OTHER,
        )

    def reducer(self, exact: set[str], prefixes: set[str]) -> Callable[[str], str]:
        """chunk -> its normalised words, each followed by a space ("" if it has none),
        each word no key can use written OTHER.

        A word is kept when some key has it, or begins with a prefix term. The text the
        automaton reads gets about half as long; word counts (for NEAR) do not change.
        The trailing space lets the matcher join chunks with "".join, and a chunk with
        no words ("-", "...") take no room.
        """
        heads = [slice(n) for n in sorted({len(p) for p in prefixes})]

        def kept(word: str) -> bool:  # the heads are cut and looked up at C speed
            return word in exact or not prefixes.isdisjoint(map(word.__getitem__, heads))

        def reduce(chunk: str) -> str:
            if chunk.isdigit() and chunk.isascii():  # a number: its own normal form
                return (chunk if kept(chunk) else OTHER) + " "
            words = CHUNKS[chunk]
            if not words:
                return ""
            if " " not in words:  # one word: the common case
                return (words if kept(words) else OTHER) + " "
            return "".join((w if kept(w) else OTHER) + " " for w in words.split())

        return reduce

    @staticmethod
    def numbers(exact: set[str], prefixes: set[str]) -> tuple[set[str], bool]:
        """The numbers (ASCII digits) some key has, and whether every other number is
        OTHER: it is unless a prefix term is digits (``19*`` keeps 1988)."""
        return {w for w in exact if w.isdigit() and w.isascii()}, not any(
            p.isdigit() for p in prefixes
        )

    def words(self) -> tuple[set[str], set[str]]:
        """The words keys have, and the last words of prefix keys (with ``reducer`` and
        ``numbers``: a word is kept when it is one of the first or starts with one of
        the second)."""
        exact: set[str] = set()
        prefixes: set[str] = set()
        for key in self.keys:
            words = key.split()
            exact.update(words)
            if not key.endswith(" "):
                prefixes.add(words[-1])
        return exact, prefixes

    def cost(self, tid: int) -> float:
        return self.costs[tid]


class Matcher:
    """Compiled topics and people. Build with ``Matcher.build``; ``match`` is pure."""

    def __init__(
        self,
        topics: list[_Topic],
        terms: _Terms,
        gates: Gates,
        people: PeopleIndex,
    ) -> None:
        self._topics = topics
        # each key carries the bit masks of the topics its terms trigger and check
        self._automaton = terms.automaton(gates.triggers, gates.checks, len(topics))
        self._shift = len(terms.ids)  # topic bits start here in an automaton value's mask
        self._checked = self._shift + len(topics)  # and the bits of checks here
        self._always = gates.always << self._shift  # the topics evaluated for every item
        self._passes = gates.passes  # the topics with no check group
        self._people = people
        exact, prefixes = terms.words()
        topic_form, name_form = terms.reducer(exact, prefixes), people.skeleton_chunk
        # chunk -> (its words for topics, its skeleton for names): one look-up for both
        # Most chunks share a few values (a word no rule uses is ("_ ", "|")): one object
        # each, which stays in the CPU cache when the matcher reads them back
        shared: dict[tuple[str, str], tuple[str, str]] = {}

        def forms(chunk: str) -> tuple[str, str]:
            core = number(chunk)
            if core is not None:  # "1988", "(1988)", "12,": the commonest unseen chunks
                return topic_form(core), name_form(core)
            value = (topic_form(chunk), name_form(chunk))
            return shared.setdefault(value, value) if len(shared) < 50_000 else value

        pinned = {SEP: (SEP + " ", name_form(SEP))}
        # numbers: the ones some key has are kept for good; every other one (about one
        # chunk in 25 of news text, most of them never seen before) is given its forms
        # by scan without a call and without filling the memo
        numbers, apart = terms.numbers(exact, prefixes)
        pinned.update((n, forms(n)) for n in numbers)
        digits = (OTHER + " ", name_form("0")) if apart else None
        self._forms = chunk_memo(forms, pinned, digits)

    @classmethod
    def build(cls, topics: Sequence[TopicRule], people: Sequence[Person]) -> Matcher:
        """Compiles every rule; raises ``RulesError`` listing every problem found."""
        problems: list[RuleProblem] = []
        terms = _Terms()
        compiled: list[_Topic] = []
        gates = Gates()
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
            pred = compile_pred(node, terms.id)
            groups = needs(node, terms.id)
            gates.add(len(compiled), trigger(node, terms.id, terms.cost), groups)
            masks = tuple(map(bits_of, groups))
            compiled.append(_Topic(rule, masks, pred, compile_support(node, terms.id)))
        index_of_people = PeopleIndex(people, problems)
        if problems:
            raise RulesError(problems)
        return cls(compiled, terms, gates, index_of_people)

    def match(self, item: MatchInput) -> tuple[Hit, ...]:
        """Every topic (in rule order) and person (in list order) found in the item."""
        texts: tuple[str, ...]
        if item.content:
            texts = (item.title, strip_html(item.summary), strip_html(item.content))
        else:
            texts = (item.title, strip_html(item.summary))
        # the chunks, each side of their pairs of forms joined, and where each chunk's
        # forms end in those texts (read only when there is a hit)
        chunks, words, names, word_ends, name_ends = self._forms.scan(texts, SEP)
        hits = self._match_topics(item, chunks, words, word_ends)
        candidates = self._people.candidates(names)
        if not candidates:
            return tuple(hits)
        found = self._people.confirm(chunks, names, ends(name_ends), candidates)
        for person in sorted(found):
            rule = self._people.people[person]
            evidence = pick([(p[0], original(chunks, *p)) for p in found[person]])
            hits.append(Hit("person", rule.name, rule.severity, evidence))
        return tuple(hits)

    def _match_topics(
        self, item: MatchInput, chunks: list[str], words: str, word_ends: bytes
    ) -> list[Hit]:
        text = " " + words
        occurrences = list(self._automaton.find(text))
        # the terms present and the topics they trigger, ORed at C speed
        bits = reduce(or_, map(_THIRD, map(_SECOND, occurrences)), self._always)
        # the topics triggered whose check group is met (or that have none); the check
        # bits above the topic bits vanish in the AND
        candidates = bits >> self._shift & (bits >> self._checked | self._passes)
        out: list[Hit] = []
        if not candidates:
            return out
        found: Found | None = None  # made for the first topic whose needs are met
        where: TopicText | None = None
        said: dict[int, tuple[int, str]] = {}  # term -> its first occurrence, as written
        meets = bits.__and__  # a need is met when its mask meets the bits
        while candidates:
            low = candidates & -candidates
            candidates ^= low
            topic = self._topics[low.bit_length() - 1]
            if not all(map(meets, topic.needs)):
                continue
            found = found or Found(item, text, bits, occurrences)
            if not topic.pred(found):
                continue
            where = where or TopicText(chunks, text, ends(word_ends))
            terms = topic.support(found)
            for t in terms:
                if t not in said:
                    said[t] = where.span(*found.first(t))
            evidence = pick([said[t] for t in terms])  # pick drops repeats
            out.append(Hit("topic", topic.rule.id, topic.rule.severity, evidence))
        return out
