"""Recording polls: insert-or-ignore of items, fetch state, failures, fetch_log."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa

from storage import MAX_IDENTITY, NaiveDatetimeError, NewItem, Store, stored_identity
from storage.tables import feeds, fetch_log, items
from tests.storage.factories import T0, at, failed, feed, item, raw, succeeded


@pytest.fixture
def store(store: Store) -> Store:
    """The shared ``store`` with one configured feed, ``ihrngo-en``."""
    store.sync_feeds([feed()], T0)
    return store


def log_rows(url: str) -> list[dict[str, Any]]:
    with raw(url) as conn:
        rows = conn.execute(sa.select(fetch_log).order_by(fetch_log.c.id)).mappings()
        return [dict(row) for row in rows]


def test_only_new_items_are_stored_and_returned_in_input_order(store: Store) -> None:
    first = store.record_success(succeeded(), [item("c"), item("a"), item("b")])
    assert len(set(first)) == 3
    second = store.record_success(succeeded(minute=15), [item("d"), item("a"), item("e")])
    assert len(second) == 2 and not set(second) & set(first)
    assert [i.identity for i in store.iter_items()] == ["c", "a", "b", "d", "e"]
    assert store.record_success(succeeded(minute=30), [item("a"), item("e")]) == []
    assert store.count_items() == 5


def test_an_identity_repeated_in_one_poll_is_stored_once(store: Store) -> None:
    ids = store.record_success(succeeded(), [item("a", title="first"), item("a"), item("b")])
    assert len(ids) == 2
    assert [i.title for i in store.iter_items()] == ["first", "Title b"]


def test_the_same_identity_in_two_feeds_is_two_items(store: Store) -> None:
    store.sync_feeds([feed(), feed("other")], T0)
    assert len(store.record_success(succeeded(), [item("a")])) == 1
    assert len(store.record_success(succeeded("other"), [item("a")])) == 1


def test_concurrent_polls_of_one_feed_never_duplicate(store: Store) -> None:
    # Two writers, overlapping items in opposite orders: the order that deadlocks a
    # naive insert. Every identity must be stored once and reported new once.
    identities = [f"i{n:03d}" for n in range(120)]
    batches = [identities[i : i + 40] for i in range(0, 120, 20)]
    results: list[list[int]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def writer(reverse: bool) -> None:
        try:
            barrier.wait()
            for n, batch in enumerate(batches):
                ordered = list(reversed(batch)) if reverse else batch
                results.append(
                    store.record_success(succeeded(minute=n), [item(i) for i in ordered])
                )
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(r,)) for r in (False, True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    new_ids = [i for result in results for i in result]
    assert len(new_ids) == len(set(new_ids)) == len(identities)
    assert store.count_items() == len(identities)


def test_items_get_the_fetch_time_of_the_poll(store: Store) -> None:
    outcome = succeeded(minute=7)
    store.record_success(outcome, [item("a", published=at(-600))])
    (stored,) = store.iter_items()
    assert (stored.fetched_at, stored.published) == (outcome.finished_at, at(-600))


# (first poll, second poll) -> expected (etag, last_modified, body_hash, permanent_url).
VALIDATOR_CASES = [
    pytest.param(
        {"etag": '"1"', "last_modified": "lm1", "body_hash": "h1"},
        {"not_modified": True, "http_status": 304},
        ('"1"', "lm1", "h1", None),
        id="304 without validators keeps them",
    ),
    pytest.param(
        {"etag": '"1"', "last_modified": "lm1", "body_hash": "h1"},
        {"not_modified": True, "http_status": 304, "etag": '"2"'},
        ('"2"', "lm1", "h1", None),
        id="304 with a new etag takes it",
    ),
    pytest.param(
        {"etag": '"1"', "last_modified": "lm1", "body_hash": "h1"},
        {"body_hash": "h2"},
        (None, None, "h2", None),
        id="200 without validators drops them",
    ),
    pytest.param(
        {"permanent_url": "https://example.org/moved"},
        {"etag": '"2"'},
        ('"2"', None, None, "https://example.org/moved"),
        id="permanent url kept when not reported again",
    ),
]


@pytest.mark.parametrize(("first", "second", "expected"), VALIDATOR_CASES)
def test_validators_after_two_polls(
    store: Store, first: dict[str, Any], second: dict[str, Any], expected: tuple[Any, ...]
) -> None:
    store.record_success(succeeded(**first), [])
    store.record_success(succeeded(minute=15, **second), [])
    state = store.feed_for_update("ihrngo-en")
    assert (state.etag, state.last_modified, state.body_hash, state.permanent_url) == expected
    assert state.next_poll_at == at(30)


def test_failures_count_up_and_a_success_resets_them(store: Store) -> None:
    counts = [store.record_failure(failed(minute=m, http_status=503)) for m in (0, 30, 60)]
    assert counts == [1, 2, 3]
    state = store.feed_for_update("ihrngo-en")
    assert (state.consecutive_failures, state.next_poll_at) == (3, at(90))
    (status,) = store.feed_statuses()
    assert (status.last_error, status.last_error_at) == (
        "timed out after 20s",
        failed(minute=60).finished_at,
    )

    store.record_success(succeeded(minute=90), [])
    (status,) = store.feed_statuses()
    assert status.ok and status.consecutive_failures == 0
    assert status.last_error == "timed out after 20s"  # kept as history


def test_every_poll_is_logged(store: Store, database_url: str) -> None:
    store.record_success(succeeded(), [item("a"), item("b")])
    store.record_success(succeeded(minute=15, not_modified=True, http_status=304), [])
    store.record_failure(failed(minute=30, http_status=500, error="HTTP 500"))
    rows = log_rows(database_url)
    assert [(r["outcome"], r["http_status"], r["new_items"], r["error"]) for r in rows] == [
        ("ok", 200, 2, None),
        ("not_modified", 304, 0, None),
        ("error", 500, 0, "HTTP 500"),
    ]
    assert [r["duration_ms"] for r in rows] == [250, 250, 20_000]
    assert {r["feed_id"] for r in rows} == {"ihrngo-en"}


def test_the_fetch_log_can_be_pruned(store: Store, database_url: str) -> None:
    for minute in (0, 15, 30):
        store.record_failure(failed(minute=minute))
    assert store.prune_fetch_log(at(15)) == 1
    assert [r["started_at"] for r in log_rows(database_url)] == [at(15), at(30)]


def test_a_poll_is_recorded_whole_or_not_at_all(store: Store, database_url: str) -> None:
    with pytest.raises(NaiveDatetimeError):
        store.record_success(succeeded(), [item("a"), item("b", published=T0.replace(tzinfo=None))])
    assert store.count_items() == 0
    assert log_rows(database_url) == []
    with raw(database_url) as conn:
        assert conn.scalar(sa.select(feeds.c.last_success_at)) is None


def test_hostile_text_is_stored(store: Store) -> None:
    long_identity = "x" * (MAX_IDENTITY + 1)
    hostile = item(
        long_identity,
        title="nul\x00in title",
        url="https://example.org/" + "p" * 20_000,  # longer than a btree entry allows
        summary="\x00",
    )
    assert len(store.record_success(succeeded(), [hostile])) == 1
    assert store.record_success(succeeded(minute=15), [hostile]) == []
    (stored,) = store.iter_items()
    assert stored.identity == stored_identity(long_identity)
    assert stored.identity.startswith("sha256:") and len(stored.identity) == 71
    assert (stored.title, stored.summary, len(stored.url or "")) == ("nulin title", "", 20_020)


def test_error_messages_are_bounded(store: Store) -> None:
    store.record_failure(failed(error="e" * 100_000))
    (status,) = store.feed_statuses()
    assert status.last_error is not None and len(status.last_error) == 4_000


def test_every_item_field_is_stored(store: Store, database_url: str) -> None:
    full = item(
        "full",
        identity_kind="link",
        guid="urn:uuid:1",
        author="Amnesty International",
        language="fa",
        content="<p>body</p>",
        published=at(-90),
        published_is_fetch_time=True,
    )
    bare = item("bare", url=None, guid=None, author=None, language=None)
    store.record_success(succeeded(), [full, bare])
    with raw(database_url) as conn:
        rows = {
            row["identity"]: row
            for row in conn.execute(sa.select(items).order_by(items.c.id)).mappings()
        }
    for given in (full, bare):
        stored = rows[given.identity]
        unstored = ("matches", "routes", "story")
        columns = [n for n in NewItem.__dataclass_fields__ if n not in unstored]
        expected = {name: getattr(given, name) for name in columns} | {
            "feed_id": "ihrngo-en",
            "fetched_at": succeeded().finished_at,
        }
        assert {name: stored[name] for name in expected} == expected
