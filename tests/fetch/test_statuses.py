"""Retry-After parsing and the messages of non-success statuses (pure)."""

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from monitor.fetch.statuses import MAX_RETRY_AFTER, parse_retry_after, status_error

NOW = datetime(2025, 7, 12, 9, 30, 0, tzinfo=UTC)


def http_date(delta: timedelta) -> str:
    return format_datetime(NOW + delta, usegmt=True)


@pytest.mark.parametrize(("value", "seconds"), [
    ("120", 120.0),
    ("0", 0.0),
    ("  30 ", 30.0),
    ("86400", 86400.0),
    ("86401", MAX_RETRY_AFTER),  # capped at 24 h
    ("9999999999", MAX_RETRY_AFTER),
    (http_date(timedelta(seconds=90)), 90.0),  # IMF-fixdate
    ("Saturday, 12-Jul-25 09:31:00 GMT", 60.0),  # obsolete RFC 850 form
    ("Sat Jul 12 09:32:00 2025", 120.0),  # obsolete asctime form
    (http_date(timedelta(days=-1)), 0.0),  # in the past: retry now
    (http_date(timedelta(days=10)), MAX_RETRY_AFTER),
    ("-5", None),
    ("1.5", None),  # delta-seconds is an integer
    ("soon", None),
    ("", None),
    (None, None),
])
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == seconds


@pytest.mark.parametrize(("status", "start"), [
    (403, "HTTP 403 Forbidden from https://example.org/feed"),
    (404, "HTTP 404 Not Found from https://example.org/feed: check the feed URL"),
    (410, "HTTP 410 Gone from https://example.org/feed: the feed is gone"),
    (500, "HTTP 500 Internal Server Error from https://example.org/feed"),
    (599, "HTTP 599 (unknown status) from https://example.org/feed"),
])
def test_status_error_message(status: int, start: str) -> None:
    error = status_error(status, "https://example.org/feed", {})
    assert str(error).startswith(start)
    assert error.http_status == status
    assert error.retry_after is None


@pytest.mark.parametrize("status", [429, 503])
def test_retry_statuses_carry_retry_after(status: int) -> None:
    error = status_error(status, "https://example.org/feed", {"retry-after": "120"}, NOW)
    assert error.http_status == status
    assert error.retry_after == 120.0
    assert "retry after 120 s" in str(error)


def test_retry_after_ignored_on_other_statuses() -> None:
    error = status_error(500, "https://example.org/feed", {"retry-after": "120"}, NOW)
    assert error.retry_after is None
