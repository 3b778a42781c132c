"""Checks on a well-formed query tree, and ``parse_query`` (parse, then check).

Reported, each at its column: a term with no letters or digits once normalised; a
prefix shorter than ``MIN_PREFIX`` letters (it would fire on most items); NEAR between
things that have no position (NOT, lang: ...); a feed filter inside ``title:``; and a
query with no positive term at all (``-spam``), which would match almost every item.
Must not: compile or match anything.
"""

from __future__ import annotations

from monitor.match.model import QueryError
from monitor.match.query import And, InTitle, Meta, Near, Node, Not, Or, Term, parse
from monitor.match.text import normalise

MIN_PREFIX = 2


def parse_query(query: str) -> Node:
    """The checked syntax tree of ``query``; ``QueryError`` lists what is wrong."""
    node = parse(query)
    problems = check(node)
    if problems:
        raise QueryError(problems)
    return node


def check(node: Node) -> list[tuple[int, str]]:
    problems: list[tuple[int, str]] = []
    _walk(node, problems, in_title=False)
    if not positive(node):
        problems.append(
            (0, "the query has no term that must be present: it would match almost every item")
        )
    return sorted(problems)


def _walk(node: Node, problems: list[tuple[int, str]], in_title: bool) -> None:
    if isinstance(node, Term):
        words = normalise(node.text).split()
        shown = node.text + ("*" if node.prefix else "")
        if not words:
            problems.append(
                (node.column, f"'{shown}' at column {node.column} has no letters or digits")
            )
        elif node.prefix and len(words[-1]) < MIN_PREFIX:
            problems.append(
                (
                    node.column,
                    f"prefix '{shown}' at column {node.column} is too short "
                    f"(at least {MIN_PREFIX} letters before '*')",
                )
            )
    elif isinstance(node, Meta):
        if in_title:
            problems.append(
                (node.column, f"'{node.field}:' at column {node.column} cannot be inside title:")
            )
    elif isinstance(node, InTitle):
        _walk(node.child, problems, True)
    elif isinstance(node, Not):
        _walk(node.child, problems, in_title)
    elif isinstance(node, And | Or):
        for child in node.children:
            _walk(child, problems, in_title)
    else:
        for side in (node.left, node.right):
            if not positional(side):
                problems.append(
                    (
                        node.column,
                        f"NEAR/{node.distance} at column {node.column} joins words, phrases "
                        "or OR-groups of them, not NOT or feed filters",
                    )
                )
                break
        _walk(node.left, problems, in_title)
        _walk(node.right, problems, in_title)


def positional(node: Node) -> bool:
    """True when the node's matches have places in the text (so NEAR can measure)."""
    if isinstance(node, Term | Near):
        return True
    if isinstance(node, InTitle):
        return positional(node.child)
    if isinstance(node, Or):
        return all(positional(c) for c in node.children)
    return False


def positive(node: Node) -> bool:
    """True when the node needs something present (a term or a feed property)."""
    if isinstance(node, Term | Meta | Near):
        return True
    if isinstance(node, InTitle):
        return positive(node.child)
    if isinstance(node, And | Or):
        return any(positive(c) for c in node.children)
    return False
