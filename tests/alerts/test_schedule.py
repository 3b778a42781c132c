"""Retry schedule and digest periods: pure time arithmetic (table-driven)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

import pytest

from alerts import schedule
from alerts.settings import DigestSettings

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)


def test_caps_double_up_to_the_ceiling() -> None:
    assert [schedule.cap(a) for a in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert schedule.cap(30) == schedule.RETRY_CAP


def test_expected_retry_window_is_about_three_days() -> None:
    expected = sum(schedule.cap(a) / 2 for a in range(1, schedule.MAX_ATTEMPTS))
    assert timedelta(days=3) <= timedelta(seconds=expected) < timedelta(days=3, hours=12)


@pytest.mark.parametrize("attempts", [1, 2, 5, 10, 20])
def test_waits_are_full_jitter_below_the_cap(attempts: int) -> None:
    rng = random.Random(attempts)
    waits = [
        (schedule.next_attempt(NOW, attempts, rng) - NOW).total_seconds()  # type: ignore[operator]
        for _ in range(500)
    ]
    assert 0 <= min(waits) and max(waits) <= schedule.cap(attempts)
    # Full jitter spreads over the whole range, not around the cap.
    assert min(waits) < schedule.cap(attempts) * 0.1 < schedule.cap(attempts) * 0.9 < max(waits)


@pytest.mark.parametrize(
    ("retry_after", "least"),
    [(600.0, 600.0), (10 * 86400.0, schedule.RETRY_AFTER_CAP)],
    ids=["honoured", "capped at a day"],
)
def test_retry_after_is_a_floor(retry_after: float, least: float) -> None:
    when = schedule.next_attempt(NOW, 1, random.Random(0), retry_after)
    assert when is not None
    assert when - NOW == timedelta(seconds=least)


def test_exhausted_after_max_attempts() -> None:
    rng = random.Random(0)
    assert schedule.next_attempt(NOW, schedule.MAX_ATTEMPTS - 1, rng) is not None
    assert schedule.next_attempt(NOW, schedule.MAX_ATTEMPTS, rng) is None


def digest(at: str, zone: str) -> DigestSettings:
    hours, minutes = map(int, at.split(":"))
    return DigestSettings("daily", ("d@example.org",), time(hours, minutes), zone)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("at", "zone", "now", "period", "following"),
    [
        pytest.param("07:00", "UTC", "2026-11-22 09:30", "2026-11-22 07:00", "2026-11-23 07:00",
                     id="later the same day"),
        pytest.param("07:00", "UTC", "2026-11-22 07:00", "2026-11-22 07:00", "2026-11-23 07:00",
                     id="exactly at the time"),
        pytest.param("07:00", "UTC", "2026-11-22 06:59", "2026-11-21 07:00", "2026-11-22 07:00",
                     id="before today's time: yesterday's"),
        pytest.param("07:00", "Europe/Paris", "2026-11-22 06:30", "2026-11-22 06:00",
                     "2026-11-23 06:00", id="winter: Paris is UTC+1"),
        pytest.param("07:00", "Europe/Paris", "2026-07-12 06:30", "2026-07-12 05:00",
                     "2026-07-13 05:00", id="summer: Paris is UTC+2"),
        pytest.param("08:00", "Asia/Tehran", "2026-11-22 04:29", "2026-11-21 04:30",
                     "2026-11-22 04:30", id="Tehran is UTC+3:30"),
        pytest.param("02:30", "Europe/Paris", "2026-03-29 12:00", "2026-03-29 01:30",
                     "2026-03-30 00:30", id="a time that does not exist on the DST day"),
        pytest.param("00:00", "Pacific/Auckland", "2026-11-22 10:59", "2026-11-21 11:00",
                     "2026-11-22 11:00", id="midnight, far east"),
    ],
)  # fmt: skip
def test_digest_periods(at: str, zone: str, now: str, period: str, following: str) -> None:
    d = digest(at, zone)
    assert schedule.digest_period(d, utc(now)) == utc(period)
    assert schedule.next_digest_time(d, utc(now)) == utc(following)
