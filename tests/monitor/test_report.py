"""How `monitor status` words times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitor.report import _age, status_json, status_text
from storage import FeedStatus

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


def status(**overrides: object) -> FeedStatus:
    values: dict[str, object] = {
        "id": "hrana", "name": "HRANA", "url": "https://example.org/feed", "label": "ngo",
        "enabled": True, "items": 7, "last_polled_at": NOW - timedelta(minutes=5),
        "last_success_at": NOW - timedelta(minutes=5), "last_error": None,
        "last_error_at": None, "consecutive_failures": 0,
        "next_poll_at": NOW + timedelta(minutes=10),
    }  # fmt: skip
    return FeedStatus(**{**values, **overrides})  # type: ignore[arg-type]


FAILED = {"last_success_at": NOW - timedelta(hours=3), "last_error": "HTTP 500",
          "last_error_at": NOW, "consecutive_failures": 4}  # fmt: skip


@pytest.mark.parametrize(
    ("feed", "state"),
    [
        (status(), "ok"),
        (status(enabled=False), "disabled"),
        (status(last_polled_at=None, last_success_at=None), "new"),
        (status(**{**FAILED, "consecutive_failures": 1}), "error x1"),  # not failing yet
        (status(**FAILED, health="failing", health_since=NOW - timedelta(hours=2)), "failing x4"),
        (status(health="silent", health_since=NOW - timedelta(days=3, hours=2)), "silent for 3d"),
    ],
)  # fmt: skip
def test_state_column(feed: FeedStatus, state: str) -> None:
    header, row = status_text([feed], {}, NOW).splitlines()[:2]
    column = header.index("STATE")
    assert row[column:].split("  ")[0] == state


def test_usual_gap_column_and_summary() -> None:
    feeds = [
        status(id="a", usual_gap_seconds=7200.0),
        status(id="b", **FAILED, health="failing", health_since=NOW),
        status(id="c", health="silent", health_since=NOW - timedelta(days=3)),
    ]
    lines = status_text(feeds, {"pending": 0}, NOW).splitlines()
    assert "USUAL GAP" in lines[0]
    assert " 2h " in lines[1] and " - " in lines[2]
    assert "3 feeds, 1 failing, 1 silent" in lines


def test_status_json_extends_the_contract_keys() -> None:
    silent_since = NOW - timedelta(days=3)
    feeds = [
        status(id="a", usual_gap_seconds=7199.6, last_new_item_at=NOW - timedelta(hours=1)),
        status(id="b", health="silent", health_since=silent_since, usual_gap_seconds=3600.0),
        status(id="c", **FAILED, health="failing", health_since=NOW),
    ]
    a, b, c = status_json(feeds, {})["feeds"]
    for feed in (a, b, c):  # the contract's keys are all still there
        assert {"id", "label", "ok", "last_error", "items"} <= feed.keys()
    assert (a["health"], a["usual_gap_seconds"], a["silent_since"], a["health_since"]) == (
        "ok", 7200, None, None)  # fmt: skip
    assert a["last_new_item"] == "2025-12-31T23:00:00Z"
    assert (b["health"], b["silent_since"], b["health_since"]) == (
        "silent", "2025-12-29T00:00:00Z", "2025-12-29T00:00:00Z")  # fmt: skip
    assert (c["health"], c["ok"], c["last_error"], c["silent_since"]) == (
        "failing", False, "HTTP 500", None)  # fmt: skip
