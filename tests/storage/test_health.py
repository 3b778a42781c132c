"""Source health in storage, on SQLite and PostgreSQL: the cadence learnt from new-item
times, what a check reads, a change recorded with its messages in one transaction (once),
and the feeds that need attention."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from storage import FeedHealth, HealthChange, NewMessage, Store
from storage.health import CADENCE_GAPS, usual_gap
from storage.tables import feed_health, outbox
from tests.storage.factories import T0, at, failed, feed, item, raw, rows, succeeded

HOUR = timedelta(hours=1)


def times(*hours_ago: float) -> tuple[datetime, ...]:
    """Moments ``hours_ago`` before T0, newest first as storage hands them out."""
    return tuple(sorted((T0 - h * HOUR for h in hours_ago), reverse=True))


@pytest.mark.parametrize(
    ("moments", "expected"),
    [
        ((), None),
        (times(0), None),
        (times(0, 1, 2), None),  # two gaps: not enough to call it a cadence
        (times(0, 1, 2, 3), HOUR),
        (times(0, 2, 3, 4), HOUR),  # the median, not the mean
        (times(0, 1, 2, 3, 240), HOUR),  # one long outage does not move it
        (times(0, 0.5, 1, 1.5, 2), HOUR / 2),
        (times(0, 24, 48, 24 * 31, 24 * 32), None),  # only 2 gaps within 30 days
        (times(24 * 40, 24 * 41, 24 * 42, 24 * 43), 24 * HOUR),  # window ends at the newest
    ],
)  # fmt: skip
def test_usual_gap(moments: tuple[datetime, ...], expected: timedelta | None) -> None:
    assert usual_gap(moments) == expected


def test_usual_gap_uses_only_the_newest_gaps() -> None:
    # 20 recent gaps of 1h, then 30 older gaps of 5h: the feed got busier.
    recent = [h for h in range(CADENCE_GAPS + 1)]
    older = [CADENCE_GAPS + 5 * k for k in range(1, 31)]
    assert usual_gap(times(*recent, *older)) == HOUR


def poll_new(store: Store, minute: float, *identities: str, feed_id: str = "ihrngo-en") -> None:
    store.record_success(succeeded(feed_id, minute), [item(i) for i in identities])


def only(store: Store, feed_id: str = "ihrngo-en") -> FeedHealth:
    (found,) = store.feed_health([feed_id])
    return found


def notice(key: str = "source:ihrngo-en:failing:x") -> NewMessage:
    return NewMessage("notice", "operator", "source.failing", key, "Source failing", "body")


def hook(target: str = "ops", key: str = "source:ihrngo-en:failing:x") -> NewMessage:
    body = '{"type":"source.failing"}'
    return NewMessage("webhook", target, "source.failing", f"webhook:{target}:{key}", "S", body)


def test_a_new_feed_is_ok_with_nothing_learnt(store: Store) -> None:
    store.sync_feeds([feed()], T0)
    assert only(store) == FeedHealth(
        id="ihrngo-en", name="IHRNGO-EN", label="ngo", url="https://example.org/ihrngo-en/rss",
        consecutive_failures=0, last_error=None, last_success_at=None, failing_since=None,
        new_item_times=(), state="ok", since=None, transitions=0,
    )  # fmt: skip


def test_new_item_times_are_the_polls_that_stored_something_new(store: Store) -> None:
    store.sync_feeds([feed()], T0)
    poll_new(store, 0, "a", "b")
    poll_new(store, 15)  # nothing new: not a data point
    poll_new(store, 30, "a", "c")  # "a" again: only "c" is new
    poll_new(store, 45, "a")
    health = only(store)
    assert health.new_item_times == (succeeded(minute=30).finished_at,
                                     succeeded(minute=0).finished_at)  # fmt: skip
    assert health.last_new_item_at == succeeded(minute=30).finished_at


def test_failing_since_is_the_first_failure_after_the_last_success(store: Store) -> None:
    store.sync_feeds([feed()], T0)
    store.record_failure(failed(minute=0, error="first"))
    poll_new(store, 30, "a")
    for minute in (60, 90, 120):
        store.record_failure(failed(minute=minute, error=f"HTTP 500 at {minute}"))
    health = only(store)
    assert health.consecutive_failures == 3
    assert health.failing_since == failed(minute=60).finished_at
    assert health.last_error == "HTTP 500 at 120"


def test_only_enabled_configured_feeds_are_checked(store: Store) -> None:
    store.sync_feeds([feed("a"), feed("b", enabled=False), feed("c")], T0)
    store.sync_feeds([feed("a"), feed("b", enabled=False)], T0)  # c leaves the config
    assert [f.id for f in store.feed_health()] == ["a"]
    assert store.feed_health(["b", "c"]) == []


def test_a_change_is_recorded_with_its_messages(store: Store, database_url: str) -> None:
    store.sync_feeds([feed()], T0)
    change = HealthChange("ihrngo-en", 0, "failing", at(1), (notice(), hook()))
    assert store.record_health(change, at(2))
    health = only(store)
    assert (health.state, health.since, health.transitions) == ("failing", at(1), 1)
    assert _health_row(database_url)["changed_at"] == at(2)
    messages = rows(database_url, outbox)
    assert [(m["kind"], m["target"], m["event"], m["item_id"], m["state"]) for m in messages] == [
        ("notice", "operator", "source.failing", None, "pending"),
        ("webhook", "ops", "source.failing", None, "pending"),
    ]
    assert messages[1]["body"] == '{"type":"source.failing"}'
    assert messages[1]["message_id"].startswith("msg_")
    assert all(m["next_attempt_at"] == at(2) for m in messages)


def _health_row(database_url: str) -> dict[str, object]:
    with raw(database_url) as conn:
        return dict(conn.execute(sa.select(feed_health)).mappings().one())


def test_a_change_read_before_another_was_recorded_is_not_recorded(
    store: Store, database_url: str
) -> None:
    store.sync_feeds([feed()], T0)
    assert store.record_health(HealthChange("ihrngo-en", 0, "failing", at(1), (notice(),)), at(1))
    # A second checker decided from the same reading (transitions 0): it lost the race.
    late = HealthChange("ihrngo-en", 0, "failing", at(1), (notice("other-key"),))
    assert not store.record_health(late, at(2))
    assert len(rows(database_url, outbox)) == 1
    # From the current reading, the next change goes through.
    ok = HealthChange("ihrngo-en", 1, "ok", at(3), (notice("recovered"),))
    assert store.record_health(ok, at(3))
    assert not store.record_health(ok, at(4))  # and only once
    assert (only(store).state, only(store).transitions) == ("ok", 2)
    assert [m["dedup_key"] for m in rows(database_url, outbox)] == [
        "source:ihrngo-en:failing:x", "recovered",
    ]  # fmt: skip


def test_a_message_key_already_stored_is_not_created_twice(store: Store, database_url: str) -> None:
    store.sync_feeds([feed()], T0)
    store.record_health(HealthChange("ihrngo-en", 0, "failing", at(1), (notice(),)), at(1))
    store.record_health(HealthChange("ihrngo-en", 1, "ok", at(2)), at(2))
    store.record_health(HealthChange("ihrngo-en", 2, "failing", at(1), (notice(),)), at(3))
    assert len(rows(database_url, outbox)) == 1
    assert only(store).state == "failing"


def test_the_change_and_its_messages_are_one_transaction(store: Store, database_url: str) -> None:
    store.sync_feeds([feed()], T0)
    bad = NewMessage("digest", "daily", "source.failing", "k", "s", "b")
    with pytest.raises(ValueError, match="cannot be added by itself"):
        store.record_health(HealthChange("ihrngo-en", 0, "failing", at(1), (notice(), bad)), at(1))
    assert rows(database_url, outbox) == []
    assert only(store).state == "ok"
    with pytest.raises(ValueError, match="unknown health state"):
        store.record_health(HealthChange("ihrngo-en", 0, "broken", at(1)), at(1))


def test_a_webhook_to_a_disabled_endpoint_is_created_disabled(
    store: Store, database_url: str
) -> None:
    store.sync_feeds([feed()], T0)
    store.disable_endpoint("ops", T0, "410 Gone")
    store.record_health(HealthChange("ihrngo-en", 0, "failing", at(1), (hook(),)), at(1))
    (message,) = rows(database_url, outbox)
    assert (message["state"], message["last_error"]) == ("disabled", "410 Gone")


def test_a_webhook_without_an_item_is_claimed_with_its_body(store: Store) -> None:
    store.sync_feeds([feed()], T0)
    store.record_health(HealthChange("ihrngo-en", 0, "failing", at(1), (hook(), notice())), at(1))
    webhook, sent_notice = sorted(store.claim_due(at(1)), key=lambda m: m.kind, reverse=True)
    assert (webhook.kind, webhook.item, webhook.body) == ("webhook", None,
                                                          '{"type":"source.failing"}')  # fmt: skip
    assert (sent_notice.subject, sent_notice.body) == ("Source failing", "body")
    titles = {m.kind: m.title for m in store.list_outbox()}
    assert titles == {"webhook": "S", "notice": "Source failing"}


def test_source_problems_failing_first_then_longest_silent(store: Store) -> None:
    store.sync_feeds([feed("a"), feed("b"), feed("c"), feed("d"), feed("off")], T0)
    store.record_failure(failed("a", 0, error="HTTP 500"))
    store.record_health(HealthChange("a", 0, "failing", at(5)), at(5))
    store.record_health(HealthChange("b", 0, "silent", at(-60)), at(5))
    store.record_health(HealthChange("c", 0, "silent", at(-120)), at(5))
    store.record_health(HealthChange("off", 0, "failing", at(5)), at(5))
    store.sync_feeds([feed("a"), feed("b"), feed("c"), feed("d"), feed("off", enabled=False)], T0)
    problems = store.source_problems()
    assert [(p.feed_id, p.state, p.since) for p in problems] == [
        ("a", "failing", at(5)), ("c", "silent", at(-120)), ("b", "silent", at(-60)),
    ]  # fmt: skip
    assert (problems[0].last_error, problems[0].consecutive_failures) == ("HTTP 500", 1)
    assert problems[0].name == "A" and problems[0].label == "ngo"


def test_statuses_carry_health_and_cadence(store: Store) -> None:
    store.sync_feeds([feed("a"), feed("b")], T0)
    for hour in range(4):
        poll_new(store, 60 * hour, f"item-{hour}", feed_id="a")
    store.record_health(HealthChange("b", 0, "silent", at(-60)), at(5))
    a, b = store.feed_statuses()
    assert (a.health, a.health_since, a.usual_gap_seconds) == ("ok", None, 3600.0)
    assert a.last_new_item_at == succeeded(minute=180).finished_at
    assert (b.health, b.health_since, b.usual_gap_seconds, b.last_new_item_at) == (
        "silent", at(-60), None, None,
    )  # fmt: skip
