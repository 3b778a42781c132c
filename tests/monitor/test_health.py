"""Source health: the decision table (pure), and check_health over a real database with a
controlled clock: one change, one notice and one webhook message each, however often it
runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from alerts.settings import AlertSettings, SmtpSettings, WebhookSettings
from monitor.health import check_health, decide
from monitor.model import HealthSettings
from storage import Store
from tests.storage.factories import failed, feed, item, succeeded

NOW = datetime(2025, 7, 20, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
DEFAULTS = HealthSettings()  # 3 failures; silent after 4 gaps, and at least 2 days


@pytest.mark.parametrize(
    ("previous", "failures", "quiet", "gap", "expected"),
    [
        # failing: N failures in a row, whatever the rest says
        ("ok", 0, HOUR, HOUR, "ok"),
        ("ok", 2, HOUR, HOUR, "ok"),
        ("ok", 3, HOUR, HOUR, "failing"),
        ("silent", 3, 9 * DAY, HOUR, "failing"),
        ("ok", 3, None, None, "failing"),  # never stored anything, and failing
        # leaving failing needs a success: a raised threshold is not a recovery
        ("failing", 1, HOUR, HOUR, "failing"),
        ("failing", 0, HOUR, HOUR, "ok"),
        # silent: beyond max(4 gaps, 2 days)
        ("ok", 0, 2 * DAY + HOUR, HOUR, "silent"),
        ("ok", 0, 2 * DAY - HOUR, HOUR, "ok"),  # 4 gaps passed, but not min_silence
        ("ok", 0, 3 * DAY, DAY, "ok"),  # 2 days passed, but not 4 gaps of a day
        ("ok", 0, 4 * DAY + HOUR, DAY, "silent"),
        ("ok", 2, 9 * DAY, DAY, "silent"),  # failing a little, silent a lot
        ("failing", 0, 9 * DAY, DAY, "silent"),  # answers again, with nothing new
        ("silent", 0, HOUR, DAY, "ok"),  # something new arrived
        # no cadence known, or nothing ever stored: never silent
        ("ok", 0, 90 * DAY, None, "ok"),
        ("ok", 0, None, DAY, "ok"),
    ],
)  # fmt: skip
def test_decide(
    previous: str,
    failures: int,
    quiet: timedelta | None,
    gap: timedelta | None,
    expected: str,
) -> None:
    last_new = None if quiet is None else NOW - quiet
    assert decide(previous, failures, last_new, gap, NOW, DEFAULTS) == expected


def test_decide_follows_the_settings() -> None:
    strict = HealthSettings(failures=1, silence=2, min_silence=3600)
    assert decide("ok", 1, NOW, HOUR, NOW, strict) == "failing"
    assert decide("ok", 0, NOW - 2 * HOUR - timedelta(seconds=1), HOUR, NOW, strict) == "silent"
    assert decide("ok", 0, NOW - 2 * HOUR, HOUR, NOW, strict) == "ok"


ALERTS = AlertSettings(
    operator="ops@example.org",
    smtp=SmtpSettings(host="127.0.0.1", port=25, security="none", sender="m@example.org"),
    webhooks=(
        WebhookSettings("items", "https://a.example/", ("whsec_x",)),
        WebhookSettings("ops", "https://b.example/", ("whsec_x",),
                        events=("source.failing", "source.silent", "source.recovered")),
    ),
)  # fmt: skip


class Clock:
    """Polls recorded at controlled times, as the pipeline would record them."""

    def __init__(self, store: Store, start: datetime) -> None:
        self.store, self.now, self.count = store, start, 0

    def success(self, new: int = 0, after: timedelta = HOUR) -> None:
        self.now += after
        items = [item(f"item-{self.count + i}") for i in range(new)]
        self.count += new
        self.store.record_success(
            succeeded(started_at=self.now, finished_at=self.now, next_poll_at=self.now + HOUR),
            items,
        )

    def failure(self, after: timedelta = HOUR) -> None:
        self.now += after
        self.store.record_failure(
            failed(started_at=self.now, finished_at=self.now, next_poll_at=self.now + HOUR,
                   error="HTTP 500 Internal Server Error", http_status=500)  # fmt: skip
        )

    def check(self, alerts: AlertSettings = ALERTS) -> list[str]:
        return [t.state for t in check_health(self.store, DEFAULTS, alerts, self.now)]


def outbox(store: Store) -> list[tuple[str, str, str]]:
    return sorted((m.kind, m.target, m.event) for m in store.list_outbox())


@pytest.fixture
def clock(store: Store) -> Clock:
    store.sync_feeds([feed()], NOW)
    return Clock(store, NOW)


def test_failing_once_after_n_failures_and_recovered_once(clock: Clock, store: Store) -> None:
    clock.success(new=2)
    assert clock.check() == []
    for _ in range(2):
        clock.failure()
        assert clock.check() == []
    clock.failure()
    first_failure = clock.now - 2 * HOUR
    (change,) = check_health(store, DEFAULTS, ALERTS, clock.now)
    assert (change.previous, change.state, change.since, change.event, change.messages) == (
        "ok", "failing", first_failure, "source.failing", 2,
    )  # fmt: skip
    for _ in range(5):  # more failures, and checks: nothing more to say
        clock.failure()
        assert clock.check() == []
    assert outbox(store) == [("notice", "operator", "source.failing"),
                             ("webhook", "ops", "source.failing")]  # fmt: skip
    clock.success()
    assert clock.check() == ["ok"]
    assert clock.check() == []
    assert outbox(store) == [
        ("notice", "operator", "source.failing"), ("notice", "operator", "source.recovered"),
        ("webhook", "ops", "source.failing"), ("webhook", "ops", "source.recovered"),
    ]  # fmt: skip


def test_silent_far_beyond_the_cadence_then_recovered(clock: Clock, store: Store) -> None:
    for _ in range(6):  # new items every 12 hours: a cadence of 12h is learnt
        clock.success(new=1, after=12 * HOUR)
        assert clock.check() == []
    last_new = clock.now
    (status,) = store.feed_statuses()
    assert status.usual_gap_seconds == 12 * 3600
    for _ in range(47):  # polled hourly, nothing new: 47h is less than max(4 x 12h, 2d)
        clock.success()
        assert clock.check() == []
    clock.success(after=HOUR + timedelta(seconds=1))
    (change,) = check_health(store, DEFAULTS, ALERTS, clock.now)
    assert (change.state, change.since, change.event) == ("silent", last_new, "source.silent")
    clock.success()
    assert clock.check() == []
    (status,) = store.feed_statuses()
    assert (status.health, status.health_since) == ("silent", last_new)
    clock.success(new=1)
    assert clock.check() == ["ok"]
    assert [e for _, _, e in outbox(store)] == ["source.recovered", "source.silent"] * 2


def test_a_failing_feed_that_answers_with_nothing_new_becomes_silent(
    clock: Clock, store: Store
) -> None:
    for _ in range(5):
        clock.success(new=1)
    for _ in range(3):
        clock.failure(after=DAY)
    assert clock.check() == ["failing"]
    clock.success()
    assert clock.check() == ["silent"]


def test_without_alerts_the_change_is_recorded_and_nothing_is_sent(
    clock: Clock, store: Store
) -> None:
    for _ in range(3):
        clock.failure()
    assert clock.check(AlertSettings()) == ["failing"]
    assert outbox(store) == []
    assert [p.feed_id for p in store.source_problems()] == ["ihrngo-en"]


def test_only_the_feeds_asked_for_are_checked(store: Store) -> None:
    store.sync_feeds([feed("a"), feed("b")], NOW)
    for feed_id in ("a", "b"):
        for minute in range(3):
            store.record_failure(failed(feed_id, minute))
    assert [t.feed_id for t in check_health(store, DEFAULTS, ALERTS, NOW, feeds=["b"])] == ["b"]
    assert [t.feed_id for t in check_health(store, DEFAULTS, ALERTS, NOW)] == ["a"]
