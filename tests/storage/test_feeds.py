"""Feed rows: syncing the configuration, the due list, leases, health."""

from __future__ import annotations

from dataclasses import replace

import pytest

from storage import FeedNotFoundError, StorageError, Store
from tests.storage.factories import T0, at, failed, feed, item, succeeded


def statuses_by_id(store: Store) -> dict[str, object]:
    return {s.id: s for s in store.feed_statuses()}


def test_sync_adds_feeds_with_their_configuration(store: Store) -> None:
    store.sync_feeds([feed("a"), feed("b", label="un", country=None, enabled=False)], T0)
    by_id = {s.id: s for s in store.feed_statuses()}
    assert sorted(by_id) == ["a", "b"]
    assert (by_id["b"].label, by_id["b"].enabled) == ("un", False)
    state = store.feed_for_update("a")
    assert (state.url, state.etag, state.consecutive_failures, state.next_poll_at) == (
        "https://example.org/a/rss",
        None,
        0,
        None,
    )


def test_sync_updates_configuration_and_keeps_fetch_state(store: Store) -> None:
    store.sync_feeds([feed("a")], T0)
    store.record_success(succeeded("a", etag='"v1"', body_hash="h1"), [item("x")])
    store.sync_feeds([feed("a", name="Renamed", label="news", language="fa")], at(1))
    (status,) = store.feed_statuses()
    assert (status.name, status.label, status.items) == ("Renamed", "news", 1)
    state = store.feed_for_update("a")
    assert (state.etag, state.body_hash, state.next_poll_at) == ('"v1"', "h1", at(15))


def test_feeds_left_out_are_unconfigured_but_keep_their_history(store: Store) -> None:
    store.sync_feeds([feed("a"), feed("b")], T0)
    store.record_success(succeeded("b", etag='"e"'), [item("x")])
    store.sync_feeds([feed("a")], at(1))
    assert [s.id for s in store.feed_statuses()] == ["a"]
    assert store.due_feeds(at(60)) == ["a"]
    assert store.count_items("b") == 1
    assert store.feed_for_update("b").etag == '"e"'

    store.sync_feeds([feed("a"), feed("b")], at(2))  # back in feeds.yaml
    (b,) = [s for s in store.feed_statuses() if s.id == "b"]
    assert (b.items, b.last_success_at) == (1, succeeded("b").finished_at)


def test_a_changed_url_forgets_what_the_old_url_taught(store: Store) -> None:
    store.sync_feeds([feed("a")], T0)
    store.record_success(
        succeeded(
            "a",
            etag='"e"',
            last_modified="Sat, 12 Jul 2025 09:00:00 GMT",
            body_hash="h",
            permanent_url="https://example.org/moved",
        ),
        [item("x")],
    )
    store.record_failure(failed("a", minute=20))
    store.sync_feeds([feed("a", url="https://example.org/new/rss")], at(30))
    state = store.feed_for_update("a")
    assert state.url == "https://example.org/new/rss"
    assert (state.etag, state.last_modified, state.body_hash, state.permanent_url) == (
        None,
        None,
        None,
        None,
    )
    assert (state.consecutive_failures, state.next_poll_at) == (0, None)
    assert store.count_items("a") == 1  # items are history: kept


def test_sync_rejects_duplicate_ids(store: Store) -> None:
    with pytest.raises(ValueError, match="unique"):
        store.sync_feeds([feed("a"), feed("a")], T0)


def test_an_unknown_feed_is_a_lookup_error(store: Store) -> None:
    with pytest.raises(FeedNotFoundError, match="'nope'") as caught:
        store.feed_for_update("nope")
    assert isinstance(caught.value, StorageError)
    assert isinstance(caught.value, LookupError)
    for call in (
        lambda: store.try_lease("nope", T0, at(5)),
        lambda: store.record_success(succeeded("nope"), [item("x")]),
        lambda: store.record_failure(failed("nope")),
    ):
        with pytest.raises(FeedNotFoundError):
            call()
    assert store.count_items() == 0


# Feed id -> (next_poll_at in minutes from T0 or None, enabled, lease_until or None).
DUE_CASES = {
    "never-polled-b": (None, True, None),
    "never-polled-a": (None, True, None),
    "overdue-10": (-10, True, None),
    "overdue-5": (-5, True, None),
    "due-now": (0, True, None),
    "not-yet": (1, True, None),
    "disabled": (-10, False, None),
    "leased": (-10, True, 5),
    "lease-expired": (-20, True, -1),
}


def test_due_feeds_never_polled_first_then_longest_overdue(store: Store) -> None:
    store.sync_feeds(
        [feed(fid, enabled=enabled) for fid, (_, enabled, _) in DUE_CASES.items()], at(-60)
    )
    for fid, (next_poll, _, lease) in DUE_CASES.items():
        if next_poll is not None:
            store.record_success(succeeded(fid, minute=-60, next_poll_at=at(next_poll)), [])
        if lease is not None:
            assert store.try_lease(fid, at(lease - 10), at(lease))
    assert store.due_feeds(T0) == [
        "never-polled-a",
        "never-polled-b",
        "lease-expired",
        "overdue-10",
        "overdue-5",
        "due-now",
    ]


def test_a_lease_is_exclusive_until_it_expires_or_is_released(store: Store) -> None:
    store.sync_feeds([feed("a")], T0)
    assert store.try_lease("a", T0, at(5)) is True
    assert store.try_lease("a", at(1), at(6)) is False
    assert store.due_feeds(at(1)) == []
    assert store.try_lease("a", at(5), at(10)) is True  # expired: reclaimable
    store.release_lease("a")
    assert store.try_lease("a", at(6), at(11)) is True


@pytest.mark.parametrize("record", ["success", "failure"])
def test_recording_a_poll_releases_the_lease(store: Store, record: str) -> None:
    store.sync_feeds([feed("a")], T0)
    assert store.try_lease("a", T0, at(5))
    if record == "success":
        store.record_success(succeeded("a"), [])
    else:
        store.record_failure(failed("a"))
    assert store.try_lease("a", at(1), at(6))


def test_feed_statuses_count_items_per_feed(store: Store) -> None:
    counts = {"none": 0, "one": 1, "three": 3}
    store.sync_feeds([feed(fid) for fid in [*counts, "gone"]], T0)
    for fid, n in counts.items():
        store.record_success(succeeded(fid), [item(f"{fid}-{i}") for i in range(n)])
    store.record_success(succeeded("gone"), [item("g")])
    store.sync_feeds([feed(fid) for fid in counts], at(1))
    assert {s.id: s.items for s in store.feed_statuses()} == counts
    assert store.count_items() == 5


@pytest.mark.parametrize(
    ("polls", "ok", "failures"),
    [
        ([], False, 0),  # never polled: not ok yet
        (["success"], True, 0),
        (["success", "failure"], False, 1),
        (["failure", "failure", "success"], True, 0),
    ],
)
def test_feed_status_ok(store: Store, polls: list[str], ok: bool, failures: int) -> None:
    store.sync_feeds([feed("a")], T0)
    for minute, poll in enumerate(polls):
        if poll == "success":
            store.record_success(succeeded("a", minute=minute), [])
        else:
            store.record_failure(failed("a", minute=minute))
    (status,) = store.feed_statuses()
    assert (status.ok, status.consecutive_failures) == (ok, failures)


def test_feed_definition_is_unchanged_by_round_trip(store: Store) -> None:
    definition = feed("fa", name="هرانا", language="fa", country=None)
    store.sync_feeds([definition], T0)
    store.sync_feeds([replace(definition)], at(1))  # no change: nothing to write
    (status,) = store.feed_statuses()
    assert (status.name, status.url) == ("هرانا", definition.url)
