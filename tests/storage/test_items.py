"""Reading items back: export order, ``since``, time zones, text of any size and script."""

from __future__ import annotations

from contextlib import closing
from datetime import UTC, datetime, timedelta, timezone

import pytest

from storage import Store
from tests.storage.factories import T0, at, feed, item, succeeded


@pytest.fixture
def store(store: Store) -> Store:
    """The shared ``store`` with feeds ``ngo`` (label ngo) and ``state`` (state_media)."""
    store.sync_feeds([feed("ngo"), feed("state", label="state_media")], T0)
    return store


def test_items_stream_by_fetch_time_then_id(store: Store) -> None:
    store.record_success(succeeded("state", minute=10), [item("s1"), item("s2")])
    store.record_success(succeeded("ngo", minute=0), [item("n1")])
    store.record_success(succeeded("ngo", minute=20), [item("n2")])
    exported = [(i.feed_id, i.feed_label, i.identity) for i in store.iter_items()]
    assert exported == [
        ("ngo", "ngo", "n1"),
        ("state", "state_media", "s1"),
        ("state", "state_media", "s2"),
        ("ngo", "ngo", "n2"),
    ]


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        (None, ["a", "b", "c"]),
        (at(0), ["a", "b", "c"]),  # inclusive
        (at(5), ["b", "c"]),
        (at(10), ["c"]),  # exactly the fetch time of c
        (at(60), []),
        # The same instant in another zone: compared as instants, not wall clocks.
        (at(5).astimezone(timezone(timedelta(hours=-5))), ["b", "c"]),
    ],
)
def test_iter_items_since(store: Store, since: datetime | None, expected: list[str]) -> None:
    for minute, identity in [(0, "a"), (5, "b"), (10, "c")]:
        store.record_success(
            succeeded("ngo", minute=minute, started_at=at(minute), finished_at=at(minute)),
            [item(identity)],
        )
    assert [i.identity for i in store.iter_items(since)] == expected


def test_stopping_early_releases_the_connection(store: Store) -> None:
    store.record_success(succeeded("ngo"), [item(f"i{n}") for n in range(1_200)])
    for _ in range(10):  # more than the pool holds, if connections leaked
        with closing(store.iter_items()) as stream:
            assert next(stream).identity == "i0"
    assert sum(1 for _ in store.iter_items()) == 1_200


@pytest.mark.parametrize(
    "published",
    [
        datetime(2025, 7, 12, 13, 0, tzinfo=timezone(timedelta(hours=3, minutes=30))),
        datetime(2025, 7, 12, 9, 30, tzinfo=UTC),
        datetime(1999, 12, 31, 23, 59, 59, 999_999, tzinfo=timezone(timedelta(hours=-8))),
    ],
)
def test_datetimes_come_back_aware_utc(store: Store, published: datetime) -> None:
    store.record_success(succeeded("ngo"), [item("a", published=published)])
    (stored,) = store.iter_items()
    assert stored.published == published
    assert stored.published.tzinfo is UTC and stored.fetched_at.tzinfo is UTC
    state = store.feed_for_update("ngo")
    assert state.next_poll_at is not None and state.next_poll_at.tzinfo is UTC
    (status,) = [s for s in store.feed_statuses() if s.id == "ngo"]
    assert status.last_success_at is not None and status.last_success_at.tzinfo is UTC


def test_persian_text_round_trips(store: Store) -> None:
    persian = item(
        "fa-1",
        title="حکم اعدام بهروز احسانی\u200cاسلاملو تأیید شد",  # with a ZWNJ
        summary="۱۴۰۴ — زندان قزل‌حصار",
        content='<p dir="rtl">متن کامل</p>',
        author="هرانا",
        language="fa",
        url="https://example.org/fa/خبر",
    )
    store.record_success(succeeded("ngo"), [persian])
    (stored,) = store.iter_items()
    assert (stored.title, stored.summary, stored.content, stored.url, stored.language) == (
        persian.title,
        persian.summary,
        persian.content,
        persian.url,
        "fa",
    )


def test_a_100_kb_title_is_stored(store: Store) -> None:
    title = "عنوان " * 20_000  # 120,000 characters, 220 KB of UTF-8
    store.record_success(succeeded("ngo"), [item("big", title=title, content="x" * 1_000_000)])
    (stored,) = store.iter_items()
    assert stored.title == title and len(stored.content) == 1_000_000


def test_count_items(store: Store) -> None:
    store.record_success(succeeded("ngo"), [item("a"), item("b")])
    store.record_success(succeeded("state"), [item("a")])
    assert (store.count_items(), store.count_items("ngo"), store.count_items("state")) == (3, 2, 1)
    assert store.count_items("unknown") == 0
