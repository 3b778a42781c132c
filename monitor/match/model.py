"""What the match stage takes and gives: rules, one item's text, hits, rule problems.

Plain frozen data only. The config layer builds ``TopicRule`` and ``Person`` from
feeds.yaml and people files; the pipeline builds a ``MatchInput`` for each stored item
and stores the ``Hit`` values it gets back. ``RulesError`` carries every problem found
in a rule set, each located inside its string so the config layer can turn it into
``FILE:LINE:COL``.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.errors import MonitorError

SEVERITIES = ("urgent", "digest")


@dataclass(frozen=True)
class TopicRule:
    """A topic: an id and a query in the query language (see ``monitor.match.query``)."""

    id: str
    query: str
    severity: str = "digest"  # "urgent" | "digest"
    name: str = ""


@dataclass(frozen=True)
class Person:
    """A tracked person. ``name`` is reported as given; aliases may be in any script."""

    name: str
    aliases: tuple[str, ...] = ()
    severity: str = "digest"
    allow_single_word: bool = False  # a one-word name or alias may fire alone only if True


@dataclass(frozen=True)
class MatchInput:
    """One item's text and its feed's metadata. ``summary`` and ``content`` may be HTML."""

    title: str
    summary: str
    content: str = ""
    language: str | None = None
    feed_id: str = ""
    label: str = ""
    country: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    """A topic or person found in an item.

    ``evidence`` holds the terms that fired as written in the item (whitespace collapsed),
    in text order, deduplicated, at most ``MAX_EVIDENCE``.
    """

    kind: str  # "topic" | "person"
    key: str  # topic id, or the person's canonical name
    severity: str
    evidence: tuple[str, ...]


MAX_EVIDENCE = 5


@dataclass(frozen=True)
class RuleProblem:
    """One problem in a rule, located inside the string that has it.

    ``index`` is the rule's position in the sequence given to ``Matcher.build``;
    ``column`` is a 0-based offset into that field's string (0 when not applicable).
    For ``field == "aliases"`` the message names the alias.
    """

    kind: str  # "topic" | "person"
    index: int
    field: str  # "query" | "name" | "aliases" | "severity"
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.kind} {self.index + 1}, {self.field}, column {self.column}: {self.message}"


class RulesError(MonitorError):
    """The rules given to ``Matcher.build`` are invalid; ``problems`` holds every one."""

    def __init__(self, problems: list[RuleProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class QueryError(ValueError):
    """A query cannot be used: ``problems`` holds (0-based column, message) pairs.

    Syntax errors stop the parse, so there is one of them; checks that run on a
    well-formed query (empty terms, misplaced NEAR, ...) report every problem.
    """

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"column {c}: {m}" for c, m in self.problems))

    @property
    def column(self) -> int:
        return self.problems[0][0]

    @property
    def message(self) -> str:
        return self.problems[0][1]
