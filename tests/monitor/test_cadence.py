"""Table-driven tests of the poll-time arithmetic."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from monitor import cadence

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("interval", "failures", "expected"),
    [
        (900, 1, 900),
        (900, 2, 1800),
        (900, 3, 3600),
        (900, 5, 14400),
        (900, 6, 21600),  # capped at 6 h
        (900, 60, 21600),  # still capped; no overflow
        (86400, 1, 86400),  # a daily feed is never retried less often than daily
        (86400, 5, 86400),
        (30, 1, 30),
    ],
)
def test_failure_delay_doubles_up_to_cap(interval: float, failures: int, expected: float) -> None:
    assert cadence.failure_delay(interval, failures) == expected


@pytest.mark.parametrize(
    ("retry_after", "low", "high"),
    [
        (None, 900 * 0.9, 900 * 1.1),
        (10, 900 * 0.9, 900 * 1.1),  # shorter than the backoff: backoff wins
        (7200, 7200, 7200),
        (10 * 86400, 86400, 86400),  # capped at 24 h
        (-5, 900 * 0.9, 900 * 1.1),
    ],
)
def test_after_failure_honours_retry_after(
    retry_after: float | None, low: float, high: float
) -> None:
    for seed in range(20):
        at = cadence.after_failure(NOW, 900, 1, random.Random(seed), retry_after)
        assert timedelta(seconds=low) <= at - NOW <= timedelta(seconds=high)


def test_after_success_jitters_within_ten_percent() -> None:
    delays = {
        (cadence.after_success(NOW, 600, random.Random(seed)) - NOW).total_seconds()
        for seed in range(50)
    }
    assert all(540 <= d <= 660 for d in delays)
    assert len(delays) > 40  # spread, not constant
