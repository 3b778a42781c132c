"""How `monitor status` words times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitor.report import _age

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("seconds_ago", "expected"),
    [(0, "0s ago"), (5, "5s ago"), (-5, "in 5s"), (90, "2m ago"), (-900, "in 15m"),
     (7200, "2h ago"), (-90000, "in 1d")],
)  # fmt: skip
def test_age(seconds_ago: float, expected: str) -> None:
    assert _age(NOW - timedelta(seconds=seconds_ago), NOW) == expected


def test_age_of_nothing() -> None:
    assert _age(None, NOW) == "never"
