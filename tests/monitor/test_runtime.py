"""ConfigWatch: reload on a changed file, keep the running rules on an invalid one."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from monitor.alerting import Alerting
from monitor.config import load_config
from monitor.rules import build_matcher
from monitor.runtime import ConfigWatch, Rules

GOOD = "version: 1\nfeeds:\n  - id: a\n    url: https://example.org/a\n"


def rules_of(path: Path) -> Rules:
    config = load_config(path, {})
    return Rules(config, build_matcher(config), Alerting(config, {}))


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, list[Rules], ConfigWatch]:
    path = tmp_path / "feeds.yaml"
    path.write_text(GOOD)
    applied: list[Rules] = []
    watch = ConfigWatch(path, lambda: rules_of(path), applied.append, load_config(path, {}))
    return path, applied, watch


def test_nothing_happens_while_the_file_is_unchanged(
    setup: tuple[Path, list[Rules], ConfigWatch],
) -> None:
    path, applied, watch = setup
    path.write_text(GOOD)  # rewritten with the same bytes: not a change
    assert not watch.check()
    assert applied == []


def test_a_valid_change_is_applied_once(setup: tuple[Path, list[Rules], ConfigWatch]) -> None:
    path, applied, watch = setup
    path.write_text(GOOD + "  - id: b\n    url: https://example.org/b\n")
    assert watch.check()
    assert not watch.check()
    assert [f.id for f in applied[0].config.feeds] == ["a", "b"]


def test_an_invalid_change_is_logged_and_not_applied(
    setup: tuple[Path, list[Rules], ConfigWatch], caplog: pytest.LogCaptureFixture
) -> None:
    path, applied, watch = setup
    path.write_text(GOOD + "  - id: a\n    url: javascript:x\n")
    with caplog.at_level(logging.ERROR, logger="monitor.config"):
        assert not watch.check()
    problems = [r.fields["problem"] for r in caplog.records if hasattr(r, "fields")  # type: ignore[attr-defined]
                and "problem" in r.fields]  # type: ignore[attr-defined]  # fmt: skip
    assert any(":5:9: duplicate feed id" in p for p in problems)
    assert any(":6:10: " in p and "javascript" in p for p in problems)
    assert applied == []
    path.write_text(GOOD + "  - id: b\n    url: https://example.org/b\n")  # fixed: applied
    assert watch.check()


def test_a_file_missing_for_a_moment_is_not_a_change(
    setup: tuple[Path, list[Rules], ConfigWatch],
) -> None:
    path, applied, watch = setup
    path.unlink()
    assert not watch.check()
    path.write_text(GOOD)
    assert not watch.check()
    assert applied == []
