"""When a feed is polled next: pure decisions from the outcome of its last poll.

Owns the arithmetic of intervals, jitter, exponential backoff and Retry-After. It
does no I/O and keeps no state: the next poll time it computes is stored in the
database, which alone decides which feeds are due (a restart loses nothing).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

JITTER = 0.1  # +-10 % spreads feeds that share an interval over the whole interval
BACKOFF_CAP = 6 * 3600.0  # a failing feed is still tried at least every 6 h (or its interval)
RETRY_AFTER_CAP = 24 * 3600.0  # a server may ask us to wait, but never for more than a day


def _jittered(seconds: float, rng: random.Random) -> float:
    return seconds * (1.0 + rng.uniform(-JITTER, JITTER))


def after_success(now: datetime, interval: float, rng: random.Random) -> datetime:
    """Next poll after an answer (new items or 304): one interval, jittered."""
    return now + timedelta(seconds=_jittered(interval, rng))


def failure_delay(interval: float, failures: int) -> float:
    """Seconds to wait after the ``failures``-th failure in a row (1-based), before jitter.

    Doubles from one interval per failure up to ``max(interval, 6 h)``. A feed is never
    disabled for good: sources come back after outages, blocks and redesigns, and the
    operator hears about it through ``monitor status`` rather than by silence.
    """
    exponent = min(max(failures - 1, 0), 20)  # bounded so the float never overflows
    return min(interval * (2.0**exponent), max(interval, BACKOFF_CAP))


def after_failure(
    now: datetime,
    interval: float,
    failures: int,
    rng: random.Random,
    retry_after: float | None = None,
) -> datetime:
    """Next poll after a failure: backoff, or the server's Retry-After if that is later.

    Retry-After (RFC 9110 section 10.2.3, sent with 429 and 503) is honoured as a minimum
    and capped at 24 h so a hostile or broken server cannot silence a source for weeks.
    """
    delay = _jittered(failure_delay(interval, failures), rng)
    if retry_after is not None:
        delay = max(delay, min(max(retry_after, 0.0), RETRY_AFTER_CAP))
    return now + timedelta(seconds=delay)
