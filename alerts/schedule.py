"""When to try a failed delivery again, and which digest period is due: pure time
arithmetic, with the random source and the clock passed in.

Retries follow exponential backoff with full jitter (each wait is drawn uniformly
between zero and a cap that doubles per attempt, up to ``RETRY_CAP``): receivers that
came back after an outage are not hit by every sender at once. ``MAX_ATTEMPTS`` is set
so that the expected time from the first to the last attempt is about three days, the
window Standard Webhooks suggests; a peer's ``Retry-After`` is honoured (up to a day).

Digest periods are decided from the clock, never from whether a scheduler job fired:
APScheduler drops late jobs (hazards.md item 10), so the dispatcher asks, every minute
and at start, which period is due now and lets the database say whether it was sent.
Must not: read the database, the clock or a global random source.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from alerts.settings import DigestSettings

RETRY_BASE = 30.0  # seconds: the cap of the first wait
RETRY_CAP = 12 * 3600.0  # seconds: no wait is longer
RETRY_AFTER_CAP = 24 * 3600.0  # seconds: a peer may ask for at most a day
RETRY_WINDOW = timedelta(days=3)


def cap(attempt: int) -> float:
    """Upper bound in seconds of the wait after the ``attempt``-th failure (1-based)."""
    return min(RETRY_CAP, RETRY_BASE * 2.0 ** min(attempt - 1, 40))


def _max_attempts() -> int:
    """Attempts whose expected total wait (half of each cap) first reaches the window."""
    waited, attempt = 0.0, 0
    while waited < RETRY_WINDOW.total_seconds():
        attempt += 1
        waited += cap(attempt) / 2
    return attempt + 1  # the first attempt waits for nothing


MAX_ATTEMPTS = _max_attempts()


def next_attempt(
    now: datetime,
    attempts: int,
    rng: random.Random,
    retry_after: float | None = None,
) -> datetime | None:
    """When to try again after ``attempts`` failed attempts, or None once exhausted."""
    if attempts >= MAX_ATTEMPTS:
        return None
    wait = rng.uniform(0.0, cap(attempts))
    if retry_after is not None:
        wait = max(wait, min(retry_after, RETRY_AFTER_CAP))
    return now + timedelta(seconds=wait)


def digest_period(digest: DigestSettings, now: datetime) -> datetime:
    """The latest scheduled send time of ``digest`` at or before ``now``, in UTC.

    A service that was down at 07:00 and starts at 09:30 gets today's 07:00 period:
    the missed digest is sent once, late, and yesterday's (sent or not) is not sent
    again, since every period's message is recorded under its period.
    """
    zone = ZoneInfo(digest.timezone)
    local = now.astimezone(zone)
    for days_back in range(3):  # two days back covers any DST shift of the wall clock
        day = local.date() - timedelta(days=days_back)
        at = datetime.combine(day, digest.at, tzinfo=zone).astimezone(UTC)
        if at <= now:
            return at
    raise AssertionError("unreachable: a time of day recurs within two days")


def next_digest_time(digest: DigestSettings, now: datetime) -> datetime:
    """The first scheduled send time of ``digest`` after ``now``, in UTC."""
    zone = ZoneInfo(digest.timezone)
    local = now.astimezone(zone)
    for days_ahead in range(3):
        day = local.date() + timedelta(days=days_ahead)
        at = datetime.combine(day, digest.at, tzinfo=zone).astimezone(UTC)
        if at > now:
            return at
    raise AssertionError("unreachable: a time of day recurs within two days")
