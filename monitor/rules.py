"""Topics and people from the configuration -> a built ``Matcher``, or located errors.

Owns the translation between the config (where rules are written) and the match stage
(which knows nothing of files): a problem the matcher finds at a column of a query is
reported at the line and column of the file where that character was written, even
inside a folded (``>-``) block. People from ``people_files`` are reported at their CSV
row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from monitor.config import Config
from monitor.config.scalars import position_in_scalar
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


def officials(config: Config) -> frozenset[str]:
    """The canonical names of people with ``role: official`` (judges, prosecutors, UN
    rapporteurs, lawyers): story grouping never counts them as a shared person."""
    return frozenset(p["name"] for p in config.all_people if p.get("role") == "official")


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
