"""Stage 3, pure: topics (a query language) and people (a watchlist) found in items.

    matcher = Matcher.build(topics, people)      # RulesError lists every problem
    hits = matcher.match(MatchInput(title=..., summary=..., language="fa", ...))

How text is compared is in ``text`` (normalisation), ``terms`` (word boundaries,
Persian and Arabic affixes, ZWNJ), ``names`` (transliteration variants) and ``query``
(the language and its precedence); DECISIONS.md beside this file collects the choices
with examples. The package never does I/O and imports no other stage.
"""

from monitor.match.checks import parse_query
from monitor.match.matcher import Matcher
from monitor.match.model import (
    MAX_EVIDENCE,
    Hit,
    MatchInput,
    Person,
    QueryError,
    RuleProblem,
    RulesError,
    TopicRule,
)
from monitor.match.query import And, InTitle, Meta, Near, Node, Not, Or, Term
from monitor.match.text import normalise

__all__ = [
    "MAX_EVIDENCE",
    "And",
    "Hit",
    "InTitle",
    "MatchInput",
    "Matcher",
    "Meta",
    "Near",
    "Node",
    "Not",
    "Or",
    "Person",
    "QueryError",
    "RuleProblem",
    "RulesError",
    "Term",
    "TopicRule",
    "normalise",
    "parse_query",
]
