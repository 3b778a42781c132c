"""Evidence, table-driven: the original words a hit stands on, and only the terms that
made the query true (not a false OR branch, a title: term outside the title, a NOT, or
a NEAR operand that is not near)."""

from __future__ import annotations

from functools import cache

import pytest

from monitor.match import Hit, Matcher, MatchInput, TopicRule

ZWNJ = "\u200c"


@cache
def matcher(query: str) -> Matcher:
    return Matcher.build([TopicRule("t", query)], [])


def hits(query: str, summary: str, title: str = "") -> tuple[Hit, ...]:
    return matcher(query).match(MatchInput(title=title, summary=summary))


EVIDENCE = [
    ('"sentenced to death"', "Behrouz was SENTENCED  to death.", ("SENTENCED to death",)),
    ("اعدام", f"«اعدام{ZWNJ}ها» ادامه دارد", ("اعدام",)),
    ("اعدام", "«اعدامها» ادامه دارد", ("اعدامها",)),
    ("حکم", "حُكمَ صادر شد", ("حُكمَ",)),
    ("(hanged OR executed) evin", "Executed in (Evin)... hanged", ("Executed", "Evin", "hanged")),
    ("hanged -cancer", "hanged, hanged", ("hanged",)),
    ("execut*", "executive order", ("executive",)),
    ('"ghezel hesar"', "to Ghezel-Hesar.", ("Ghezel-Hesar",)),
    ("a OR b OR c OR d OR e OR f", "f e d c b a", ("f", "e", "d", "c", "b")),
    # chunks with no words ("—", "...") take no room in the matched text
    ("hanged evin", "— ... hanged — in - (Evin) —", ("hanged", "Evin")),
    ('"sentenced to death"', "-- Sentenced -- to death-row", ("Sentenced -- to death",)),
    ("1988 massacre", "… 1988 … the massacre of 1988", ("1988", "massacre")),
]


@pytest.mark.parametrize(("query", "text", "evidence"), EVIDENCE)
def test_evidence_is_the_original_text(query: str, text: str, evidence: tuple[str, ...]) -> None:
    (hit,) = hits(query, text)
    assert hit.evidence == evidence


# (query, title, summary, evidence): a term counts only where it helped the query hold
SUPPORT = [
    ("(hanged evin) OR executed", "", "hanged and executed", ("executed",)),
    ("(hanged evin) OR executed", "", "hanged in Evin, executed", ("hanged", "Evin", "executed")),
    ("hanged OR (evin -executed)", "", "hanged, Evin, executed", ("hanged",)),
    ("title:hanged OR executed", "", "hanged and executed", ("executed",)),
    ("title:hanged OR executed", "Hanged", "and executed", ("Hanged", "executed")),
    ("title:(hanged OR evin) executed", "Hanged", "in Evin, executed", ("Hanged", "executed")),
    ("hanged -(evin executed)", "", "hanged in Evin", ("hanged",)),
    ("hanged NOT lang:ps", "", "hanged", ("hanged",)),
    ("(hanged OR evin) NEAR/2 executed", "", "Evin 1 2 3 hanged, executed", ("hanged", "executed")),
    (
        "(hanged OR evin) NEAR/2 executed",
        "",
        "Evin executed, hanged",
        ("Evin", "executed", "hanged"),
    ),
    ("(hanged NEAR/1 evin) OR executed", "", "hanged at the Evin, executed", ("executed",)),
    ("(a NEAR/1 b) NEAR/2 (c OR d)", "", "d x x x a b c", ("a", "b", "c")),
    ("(a NEAR/1 b) NEAR/2 (c OR d)", "", "c x x x a b d", ("a", "b", "d")),
    ("(a OR b) NEAR/1 c", "", "b one a c two three four b", ("a", "c")),
]


@pytest.mark.parametrize(("query", "title", "summary", "evidence"), SUPPORT)
def test_evidence_lists_only_what_made_the_query_true(
    query: str, title: str, summary: str, evidence: tuple[str, ...]
) -> None:
    (hit,) = hits(query, summary, title)
    assert hit.evidence == evidence
