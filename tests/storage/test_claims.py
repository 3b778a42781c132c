"""Claiming due messages: leases, disjoint claims, and what each message carries
(a webhook's item and matches, a digest's entries up to its period end)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from storage import DigestEntry, OutboxMessage, Store
from storage.tables import digest_entries
from tests.storage.factories import (
    T0,
    at,
    digest,
    feed,
    item,
    person,
    raw,
    rows,
    succeeded,
    topic,
    webhook,
)

DAY = 24 * 60  # minutes


@pytest.fixture
def store(store: Store) -> Store:
    """The shared ``store`` with two configured feeds, ``ihrngo-en`` and ``hrana-fa``."""
    store.sync_feeds(
        [feed(name="Iran Human Rights"), feed("hrana-fa", label="news", country=None)], T0
    )
    return store


def notices(store: Store, *minutes: float) -> list[int]:
    for n, minute in enumerate(minutes):
        assert store.add_notice("test", f"k{n}", f"Notice {n}", "Body", at(minute))
    return sorted(m.id for m in store.list_outbox())


def identities(entries: tuple[DigestEntry, ...]) -> list[str]:
    return [entry.item.identity for entry in entries]


# -- leases ----------------------------------------------------------------------------


def test_due_messages_are_claimed_oldest_first(store: Store) -> None:
    late, early, future = notices(store, 3, 1, 60)
    assert [m.id for m in store.claim_due(at(10), lease=timedelta(hours=2))] == [early, late]
    assert store.claim_due(at(59)) == []
    assert [m.id for m in store.claim_due(at(60))] == [future]


@pytest.mark.parametrize(
    ("kinds", "limit", "by_id", "expected"),
    [
        (("notice",), 100, False, ["n0", "n1"]),
        (("webhook", "digest"), 100, False, ["hook", "daily"]),
        ((), 100, False, []),
        (("webhook", "digest", "notice"), 2, False, ["hook", "n0"]),
        (("webhook", "digest", "notice"), 100, True, ["n1", "daily"]),
    ],
    ids=["one kind", "two kinds", "no kind", "limit", "by id"],
)
def test_claims_choose_by_kind_limit_and_id(
    store: Store, kinds: tuple[str, ...], limit: int, by_id: bool, expected: list[str]
) -> None:
    store.record_success(succeeded(minute=-1), [item("a", routes=(webhook(),))])
    notices(store, 0, 1)
    store.open_digest("daily", at(2), at(2))
    names = {m.id: m.title if m.kind == "notice" else m.target for m in store.list_outbox()}
    names = {i: n.replace("Notice ", "n") for i, n in names.items()}
    chosen = [i for i, n in names.items() if n in ("n1", "daily")] if by_id else None
    claimed = store.claim_due(at(10), kinds=kinds, limit=limit, ids=chosen)
    assert [names[m.id] for m in claimed] == expected
    assert store.claim_due(at(10), ids=[]) == []


def test_a_claimed_message_is_leased_until_the_lease_ends(store: Store) -> None:
    (message_id,) = notices(store, 0)
    (first,) = store.claim_due(at(1), lease=timedelta(minutes=5))
    assert (first.id, first.attempts) == (message_id, 0)
    assert store.claim_due(at(5.9)) == []
    # The claimer died without marking it: another claims it once the lease ends.
    (again,) = store.claim_due(at(6))
    assert (again.id, again.message_id, again.attempts) == (message_id, first.message_id, 0)
    store.mark_retry(message_id, at(7), "timeout", at(8))
    (third,) = store.claim_due(at(8))
    assert third.attempts == 1


@pytest.mark.parametrize("marked", ["sent", "failed", "disabled"])
def test_only_pending_messages_are_claimed(store: Store, marked: str) -> None:
    store.record_success(succeeded(), [item("a", routes=(webhook(),))])
    (message,) = store.claim_due(at(1))
    if marked == "sent":
        store.mark_sent(message.id, at(2))
    elif marked == "failed":
        store.mark_failed(message.id, at(2), "400")
    else:
        store.disable_endpoint("hook", at(2), "410 Gone")
        store.mark_retry(message.id, at(2), "410", at(2))
    assert store.claim_due(at(DAY)) == []


def test_two_stores_claiming_at_once_never_share_a_message(store: Store, database_url: str) -> None:
    expected = set(notices(store, *range(60)))
    claimed: list[list[int]] = [[], [], [], []]
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def claim(other: Store, mine: list[int]) -> None:
        try:
            barrier.wait()
            while batch := other.claim_due(at(DAY), limit=7):
                mine.extend(m.id for m in batch)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    with Store.open(database_url) as second:
        pairs = zip([store, second, store, second], claimed, strict=True)
        threads = [threading.Thread(target=claim, args=pair) for pair in pairs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    every = [i for mine in claimed for i in mine]
    assert len(every) == len(set(every)) and set(every) == expected


# -- what a message carries ------------------------------------------------------------


def test_a_webhook_carries_its_item_and_every_match(store: Store) -> None:
    death, named = topic("death_sentence", "urgent", "sentenced to death"), person("Ahmad Reza")
    (a,) = store.record_success(
        succeeded(), [item("a", matches=(death, named), routes=(webhook(),))]
    )
    later = topic("execution", "digest", "hanged")
    store.add_matches(a, [later], at(30))
    (message,) = store.claim_due(at(60))
    assert (message.kind, message.target, message.event) == ("webhook", "hook", "match.created")
    assert message.item is not None and message.item.id == a
    assert (message.item.feed_name, message.item.feed_label) == ("Iran Human Rights", "ngo")
    assert message.item.feed_country == "IR"
    assert (message.item.topics, message.item.people) == (
        ("death_sentence", "execution"),
        ("Ahmad Reza",),
    )
    assert message.matches == (named, death, later)  # by kind, then key
    assert (message.entries, message.period_end, message.subject) == ((), None, None)


def test_a_notice_carries_its_subject_and_body(store: Store) -> None:
    store.add_notice("endpoint.disabled", "k", "Hook disabled", "It answered 410.", at(0))
    (message,) = store.claim_due(at(0))
    assert isinstance(message, OutboxMessage)
    assert (message.target, message.event) == ("operator", "endpoint.disabled")
    assert (message.subject, message.body, message.item) == (
        "Hook disabled",
        "It answered 410.",
        None,
    )


def _poll(store: Store, minute: float, *names: str, feed_id: str = "ihrngo-en") -> None:
    new = [
        item(name, published=at(-int(name[1:])), matches=(topic("x"),), routes=(digest(),))
        for name in names
    ]
    store.record_success(succeeded(feed_id, minute=minute), new)


def test_a_digest_takes_the_entries_up_to_its_period_end(store: Store) -> None:
    _poll(store, 10, "a3", "a1")
    _poll(store, 20, "b2", feed_id="hrana-fa")
    _poll(store, DAY + 10, "c9")  # after the first period: waits for the next one
    store.open_digest("daily", at(DAY), at(DAY))
    (first,) = store.claim_due(at(DAY + 20))
    assert (first.kind, first.target, first.period_end) == ("digest", "daily", at(DAY))
    assert first.previous_period_end is None
    assert identities(first.entries) == ["a3", "b2", "a1"]  # by published time
    assert first.entries[0].matches == (topic("x"),)
    assert first.entries[1].item.feed_country is None

    # A retry after the lease ends: the same entries, even with new ones waiting.
    _poll(store, DAY + 30, "d0")
    (again,) = store.claim_due(at(DAY + 60))
    assert (again.id, identities(again.entries)) == (first.id, ["a3", "b2", "a1"])
    store.mark_sent(first.id, at(DAY + 61))

    store.open_digest("daily", at(2 * DAY), at(2 * DAY))
    (second,) = store.claim_due(at(2 * DAY))
    assert identities(second.entries) == ["c9", "d0"]
    assert second.previous_period_end == at(DAY)


def test_the_previous_period_is_the_last_sent_one(store: Store) -> None:
    for day in (1, 2, 3):
        store.open_digest("daily", at(day * DAY), at(day * DAY))
    store.open_digest("weekly", at(2.5 * DAY), at(2.5 * DAY))
    by_period = {m.period_end: m for m in store.claim_due(at(4 * DAY))}
    store.mark_sent(by_period[at(DAY)].id, at(4 * DAY))
    store.mark_failed(by_period[at(2 * DAY)].id, at(4 * DAY), "550")
    store.mark_sent(by_period[at(2.5 * DAY)].id, at(4 * DAY))  # another digest's
    store.mark_retry(by_period[at(3 * DAY)].id, at(4 * DAY), "421", at(4 * DAY))
    (third,) = store.claim_due(at(4 * DAY))
    assert (third.period_end, third.previous_period_end) == (at(3 * DAY), at(DAY))
    assert third.attempts == 1


def test_an_empty_digest_is_still_a_message(store: Store) -> None:
    store.open_digest("daily", at(DAY), at(DAY))
    (message,) = store.claim_due(at(DAY))
    assert (message.entries, message.previous_period_end) == ((), None)


def test_preview_shows_the_next_digest_and_changes_nothing(store: Store, database_url: str) -> None:
    _poll(store, 10, "a2", "a1")
    _poll(store, DAY + 10, "b0")
    for _ in range(2):
        assert identities(store.preview_digest("daily", at(DAY))) == ["a2", "a1"]
        assert identities(store.preview_digest("daily", at(2 * DAY))) == ["a2", "a1", "b0"]
        assert store.preview_digest("weekly", at(2 * DAY)) == ()
    assert {row["outbox_id"] for row in rows(database_url, digest_entries)} == {None}
    assert store.list_outbox() == []

    store.open_digest("daily", at(DAY), at(DAY))
    (message,) = store.claim_due(at(DAY))
    assert identities(message.entries) == ["a2", "a1"]
    assert store.preview_digest("daily", at(DAY)) == ()  # they went in the message
    assert identities(store.preview_digest("daily", at(2 * DAY))) == ["b0"]
    with raw(database_url) as conn:
        linked = conn.scalar(
            sa.select(sa.func.count()).where(digest_entries.c.outbox_id == message.id)
        )
    assert linked == 2


def test_last_digest_period_is_the_newest_message_of_that_digest(store: Store) -> None:
    assert store.last_digest_period("daily") is None
    store.open_digest("daily", at(2 * DAY), at(2 * DAY))
    store.open_digest("daily", at(DAY), at(2 * DAY))  # opened late, for an older period
    store.open_digest("weekly", at(3 * DAY), at(3 * DAY))
    assert store.last_digest_period("daily") == at(2 * DAY)
    assert store.last_digest_period("daily").tzinfo is not None  # type: ignore[union-attr]
