"""`monitor check` finds every problem at once, located; `poll` and `run` refuse the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.cli import main

FIVE_PROBLEMS = """\
version: 1
feeds:
  - id: a
    url: javascript:alert(1)
    label: ngo
  - id: a
    url: https://example.org/rss
    label: newspaper
  - id: b
    url: https://example.org/b
    intervall: 15m
topics:
  - id: t
    query: '("death sentence" OR moharebeh'
"""

EXPECTED = [
    ("4:10", 'scheme "javascript:"'),
    ("6:9", 'duplicate feed id "a"'),
    ("8:12", 'did you mean "news"?'),
    ("11:5", 'unknown key "intervall" in feed "b"; did you mean "interval"?'),
    ("14:13", 'query of topic "t": unbalanced parenthesis'),
]


@pytest.mark.parametrize("command", ["check", "poll", "run", "digest", "match"])
def test_five_problems_are_located_together_and_every_command_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text(FIVE_PROBLEMS, encoding="utf-8")
    args = [command, "--config", str(config)] + (["-"] if command == "match" else [])
    env = {"MONITOR_DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}"}
    assert main(args, env) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == len(EXPECTED) + 1 and lines[-1] == "5 problem(s) in the configuration"
    for line, (where, text) in zip(lines, EXPECTED, strict=False):
        assert line.startswith(f"{config}:{where}: ") and text in line, line
    assert not (tmp_path / "m.db").exists()  # refused before touching the database
