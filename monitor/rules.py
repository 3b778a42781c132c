"""Topics and people from the configuration -> a built ``Matcher``, or located errors.

Owns the translation between the config (where rules are written) and the match stage
(which knows nothing of files): a problem the matcher finds at a column of a query is
reported at the line and column of the file where that character was written, even
inside a folded (``>-``) block. People from ``people_files`` are reported at their CSV
row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from monitor.config import Config
from monitor.errors import ConfigError, ConfigProblem
from monitor.match import Matcher, Person, RuleProblem, RulesError, TopicRule


def topic_rules(config: Config) -> list[TopicRule]:
    return [
        TopicRule(id=t["id"], query=t["query"], severity=t["severity"], name=t["name"])
        for t in config.topics
    ]


def watchlist(config: Config) -> list[Person]:
    return [
        Person(
            name=p["name"],
            aliases=tuple(p["aliases"] or ()),
            severity=p["severity"],
            allow_single_word=bool(p.get("allow_single_word")),
        )
        for p in config.all_people
    ]


def build_matcher(config: Config) -> Matcher:
    """The matcher for ``config``; ConfigError with every rule problem, located."""
    try:
        return Matcher.build(topic_rules(config), watchlist(config))
    except RulesError as e:
        raise ConfigError([locate(config, p) for p in e.problems]) from e


def locate(config: Config, problem: RuleProblem) -> ConfigProblem:
    if problem.kind == "person" and problem.index >= len(config.people):
        person = config.file_people[problem.index - len(config.people)]
        file, line = person["source"]
        return ConfigProblem(file, line, 1, problem.message)
    section = "topics" if problem.kind == "topic" else "people"
    path: tuple[str | int, ...] = (section, problem.index, problem.field)
    start = config.locate(*path)
    if problem.field == "query":
        text = config.path.read_text(encoding="utf-8-sig")
        line, col = position_in_scalar(text.splitlines(), start, problem.column)
    else:
        line, col = start
    record: Mapping[str, Any] = (config.topics if problem.kind == "topic" else config.people)[
        problem.index
    ]
    owner = f'topic "{record["id"]}"' if problem.kind == "topic" else f'person "{record["name"]}"'
    return ConfigProblem(
        str(config.path), line, col, f"{problem.field} of {owner}: {problem.message}"
    )


def _segments(lines: Sequence[str], start: tuple[int, int]) -> list[tuple[int, int, str]]:
    """(line, column, text) pieces of a scalar whose value starts at ``start`` (1-based)."""
    line_no, col = start
    if not 1 <= line_no <= len(lines):
        return []
    first = lines[line_no - 1]
    head = first[col - 1 : col]
    pieces: list[tuple[int, int, str]] = []
    if head in (">", "|"):  # block scalar: content is on the following, more indented lines
        indent_of_key = len(first) - len(first.lstrip())
        base: int | None = None  # the block's indentation, set by its first content line
        for n in range(line_no + 1, len(lines) + 1):
            text = lines[n - 1]
            indent = len(text) - len(text.lstrip())
            if text.strip() and indent <= indent_of_key:
                break
            if base is None and text.strip():
                base = indent
            # Lines indented deeper than the block keep their extra spaces in the value.
            cut = min(indent, base if base is not None else indent)
            pieces.append((n, cut + 1, text[cut:].rstrip()))
        return pieces
    skip = 1 if head in ('"', "'") else 0
    pieces.append((line_no, col + skip, first[col - 1 + skip :]))
    indent_of_key = len(first) - len(first.lstrip())
    for n in range(line_no + 1, len(lines) + 1):  # plain or quoted scalars may fold too
        text = lines[n - 1]
        indent = len(text) - len(text.lstrip())
        if not text.strip() or indent <= indent_of_key:
            break
        pieces.append((n, indent + 1, text.strip()))
    return pieces


def position_in_scalar(
    lines: Sequence[str], start: tuple[int, int], offset: int
) -> tuple[int, int]:
    """1-based (line, column) of character ``offset`` of a scalar's value.

    YAML folds a multi-line scalar by joining its lines with one space (or a newline),
    so each line of the file holds the next piece of the string, one separator apart.
    """
    remaining = offset
    pieces = _segments(lines, start)
    for line, col, text in pieces:
        if remaining <= len(text):
            return line, col + remaining
        remaining -= len(text) + 1
    return pieces[-1][0] if pieces else start[0], pieces[-1][1] if pieces else start[1]
