"""What an HTTP status that is not success means for the operator.

Owns two pure decisions: how long a server asked us to wait (``Retry-After`` on 429
and 503, RFC 9110 section 10.2.3) and the message of the ``FetchError`` for any other
status. No I/O, no HTTP client: the fetcher passes in the status, the URL and headers.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus

from monitor.errors import FetchError

MAX_RETRY_AFTER = 24 * 60 * 60.0  # seconds: a server cannot park a feed for longer

RETRY_STATUSES = frozenset({429, 503})

# Advice for the statuses an operator meets most; the message stays short otherwise.
_HINTS = {
    401: "the feed needs credentials",
    403: "some sites refuse unknown clients or cloud addresses; try another http.user_agent",
    404: "check the feed URL",
    410: "the feed is gone; remove or replace it",
    429: "the site is rate-limiting us",
    451: "unavailable for legal reasons",
}


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value, capped at 24 h; None if unusable.

    The value is either delta-seconds ("120") or an HTTP-date ("Wed, 21 Oct 2015
    07:28:00 GMT", also the obsolete RFC 850 and asctime forms). A date in the past
    means "now" (0 s).
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000" or a date without zone: HTTP dates are UTC
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return min(max((when - now).total_seconds(), 0.0), MAX_RETRY_AFTER)


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "(unknown status)"


def status_error(
    status: int, url: str, headers: Mapping[str, str], now: datetime | None = None
) -> FetchError:
    """The error for a final response that is neither 2xx, 304 nor a followed redirect."""
    message = f"HTTP {status} {reason_phrase(status)} from {url}"
    retry_after = None
    if status in RETRY_STATUSES:
        retry_after = parse_retry_after(headers.get("retry-after"), now)
        if retry_after is not None:
            message += f" (retry after {retry_after:.0f} s)"
    hint = _HINTS.get(status)
    if hint:
        message += f": {hint}"
    return FetchError(message, http_status=status, retry_after=retry_after)
