"""Rule problems from the matcher are reported at their place in feeds.yaml or the CSV."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from monitor.config import load_config
from monitor.errors import ConfigError
from monitor.rules import build_matcher, position_in_scalar

LINES = [
    "topics:",  # 1
    "  - id: a",  # 2
    "    query: x OR (y",  # 3
    "  - id: b",  # 4
    "    query: >-",  # 5
    "      (death OR",  # 6
    "       execution) AND",  # 7
    "      -contract",  # 8
    "  - id: c",  # 9
    '    query: "quoted (x"',  # 10
    "  - id: d",  # 11
    "    query: >-",  # 12
    "      (a OR b",  # 13
    "       OR c)",  # 14: one deeper; YAML keeps that space
    "      OR d)",  # 15
]


QUERIES = YAML(typ="safe").load("\n".join(LINES))["topics"]


@pytest.mark.parametrize(
    ("topic", "start", "needle", "expected"),
    [
        (0, (3, 12), "x", (3, 12)),  # plain: first character
        (0, (3, 12), "(y", (3, 17)),
        (1, (5, 12), "(death", (6, 7)),  # folded block: content starts on the next line
        (1, (5, 12), "R\n", (6, 15)),  # the last character of the first line's text
        (1, (5, 12), "execution", (7, 8)),  # a deeper line: YAML keeps its extra space
        (1, (5, 12), "-contract", (8, 7)),
        (2, (10, 12), "(x", (10, 20)),  # quoted: after the opening quote
        (3, (12, 12), "c)", (14, 11)),
        (3, (12, 12), "d)", (15, 10)),
    ],
)
def test_position_in_scalar(
    topic: int, start: tuple[int, int], needle: str, expected: tuple[int, int]
) -> None:
    """Offsets come from the value as YAML itself reads it, not from our idea of it."""
    offset = QUERIES[topic]["query"].index(needle)
    assert position_in_scalar(LINES, start, offset) == expected


def config_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "feeds.yaml"
    path.write_text("version: 1\nfeeds: []\n" + body, encoding="utf-8")
    return path


def test_a_malformed_query_is_reported_at_its_line_and_column(tmp_path: Path) -> None:
    path = config_file(
        tmp_path,
        "topics:\n"
        "  - id: ok\n"
        "    query: executed OR hanged\n"
        "  - id: broken\n"
        "    query: >-\n"
        '      ("sentenced to death" OR\n'
        "       moharebeh\n",
    )
    with pytest.raises(ConfigError) as caught:
        build_matcher(load_config(path, {}))
    [problem] = caught.value.problems
    assert (problem.file, problem.line) == (str(path), 8)
    assert problem.column == 7  # the "(" that is never closed
    assert problem.message.startswith('query of topic "broken":')


def test_every_malformed_query_is_reported(tmp_path: Path) -> None:
    path = config_file(
        tmp_path,
        "topics:\n  - {id: a, query: 'x AND'}\n  - {id: b, query: 'y NEAR/x z'}\n",
    )
    with pytest.raises(ConfigError) as caught:
        build_matcher(load_config(path, {}))
    assert [p.line for p in caught.value.problems] == [4, 5]
