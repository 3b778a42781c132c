"""parse_query: the tree it builds (precedence) and every malformed query at its column."""

from __future__ import annotations

import pytest

from monitor.match import And, InTitle, Meta, Near, Node, Not, QueryError, Term, parse_query
from monitor.match.query import MAX_DEPTH, MAX_TERMS


def shape(node: Node) -> str:
    """A compact rendering of a tree: precedence shows as parentheses."""
    if isinstance(node, Term):
        text = f'"{node.text}"' if node.phrase else node.text
        return text + ("*" if node.prefix else "")
    if isinstance(node, Meta):
        return f"{node.field}:{node.value}" + ("*" if node.prefix else "")
    if isinstance(node, InTitle):
        return f"title:{shape(node.child)}"
    if isinstance(node, Not):
        return f"-{shape(node.child)}"
    if isinstance(node, Near):
        return f"({shape(node.left)} ~{node.distance} {shape(node.right)})"
    op = " & " if isinstance(node, And) else " | "
    return "(" + op.join(shape(c) for c in node.children) + ")"


PRECEDENCE = [
    ("a b", "(a & b)"),
    ("a AND b", "(a & b)"),
    ("a OR b c", "(a | (b & c))"),
    ("a b OR c", "((a & b) | c)"),
    ("a OR b AND c OR d", "(a | (b & c) | d)"),
    ("-a b", "(-a & b)"),
    ("NOT a OR b", "(-a | b)"),
    ("NOT (a OR b) c", "(-(a | b) & c)"),
    ("a b NEAR/3 c", "(a & (b ~3 c))"),
    ("a OR b NEAR/3 c", "(a | (b ~3 c))"),
    ("a NEAR/2 b NEAR/4 c", "((a ~2 b) ~4 c)"),
    ("(a OR b) NEAR/5 c", "((a | b) ~5 c)"),
    ('"sentenced to death" -"no longer"', '("sentenced to death" & -"no longer")'),
    ("execut* hanged", "(execut* & hanged)"),
    ("title:(a OR b) c", "(title:(a | b) & c)"),
    ('title:"death row"', 'title:"death row"'),
    ("lang:fa a", "(lang:fa & a)"),
    ("LABEL:NGO a", "(label:ngo & a)"),
    ("country:IR*  a", "(country:ir* & a)"),
    ('tag:"death penalty" a', "(tag:death penalty & a)"),
    ("(a OR b) (c OR d)", "((a | b) & (c | d))"),
    ("a and b or not c", "(a & and & b & or & not & c)"),  # operators are upper case
    ("Etemadi-Far", "Etemadi-Far"),  # a hyphen inside a word is not NOT
    ("a -b", "(a & -b)"),
    ("«حکم اعدام» OR “death row”", '("حکم اعدام" | "death row")'),
    ("((((a))))", "a"),
]


@pytest.mark.parametrize(("query", "expected"), PRECEDENCE, ids=[p[0] for p in PRECEDENCE])
def test_precedence(query: str, expected: str) -> None:
    assert shape(parse_query(query)) == expected


MALFORMED = [
    ("", 0, "empty query"),
    ("   ", 0, "empty query"),
    ('("sentenced to death" OR hanged', 0, "'(' at column 0 is never closed"),
    ("a OR (b c", 5, "'(' at column 5 is never closed"),
    ("a) b", 1, "')' at column 1 has no matching '('"),
    ('a "death row', 2, "phrase opened at column 2 is never closed"),
    ("a »b", 2, "no opening quote"),
    ("a OR", 2, "'OR' at column 2 needs a term after it"),
    ("OR a", 0, "'OR' at column 0 needs a term before it"),
    ("a AND AND b", 2, "'AND' at column 2 needs a term after it"),
    ("a NOT", 2, "'NOT' at column 2 needs a term after it"),
    ("a - b", 2, "'-' at column 2 must be followed by a term"),
    ("(OR a)", 1, "needs a term before it"),
    ("()", 0, "'(' at column 0 has nothing inside"),
    ("a NEAR/x b", 2, "NEAR needs a number of words"),
    ("a NEAR b", 2, "NEAR needs a number of words"),
    ("a NEAR/0 b", 2, "the distance must be 1 to 100"),
    ("a NEAR/500 b", 2, "the distance must be 1 to 100"),
    ("a NEAR/3", 2, "needs a term after it"),
    ("foo:bar", 0, "unknown field 'foo:'"),
    ("a titel:b", 2, "did you mean title:?"),
    ("lang: fa", 0, "needs a value right after the colon"),
    ("title:", 0, "needs a value right after the colon"),
    ("lang:(fa OR ar)", 5, "takes one value"),
    ("a*b", 1, "'*' at column 1 may only end a word"),
    ('"a* b"', 2, "'*' at column 2 may only end a word"),
    ("a !!!", 2, "'!!!' at column 2 has no letters or digits"),
    ("x*", 0, "prefix 'x*' at column 0 is too short"),
    ("-a", 0, "no term that must be present"),
    ("NOT (a OR b)", 0, "no term that must be present"),
    ("a NEAR/3 -b", 2, "NEAR/3 at column 2 joins words"),
    ("a NEAR/3 lang:fa", 2, "NEAR/3 at column 2 joins words"),
    ("title:(a lang:fa)", 9, "cannot be inside title:"),
]


@pytest.mark.parametrize(
    ("query", "column", "message"), MALFORMED, ids=[m[0] or "''" for m in MALFORMED]
)
def test_malformed(query: str, column: int, message: str) -> None:
    with pytest.raises(QueryError) as e:
        parse_query(query)
    assert e.value.column == column
    assert message in e.value.message


def test_every_check_problem_is_reported() -> None:
    with pytest.raises(QueryError) as e:
        parse_query("a !!! b ???")
    assert [c for c, _ in e.value.problems] == [2, 8]


def test_nesting_limit() -> None:
    ok = "(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH
    assert shape(parse_query(ok)) == "a"
    with pytest.raises(QueryError) as e:
        parse_query("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1))
    assert e.value.column == MAX_DEPTH
    assert "nested too deeply" in e.value.message
    with pytest.raises(QueryError, match="nested too deeply"):
        parse_query("NOT " * (MAX_DEPTH + 1) + "a b")
    with pytest.raises(QueryError, match="nested too deeply"):
        parse_query(" NEAR/2 ".join(["a"] * (MAX_DEPTH + 2)))


def test_term_limit() -> None:
    parse_query(" OR ".join(f"w{i}" for i in range(MAX_TERMS)))
    with pytest.raises(QueryError, match="too many terms"):
        parse_query(" OR ".join(f"w{i}" for i in range(MAX_TERMS + 1)))


def test_a_long_query_parses() -> None:
    # How parsing time grows with the query is measured in bench/match_linearity.py.
    node = parse_query(" OR ".join(f'"w{i} x{i}"' for i in range(5000)))
    assert node is not None
