"""Matches: stored with new items in their poll's transaction, once per item and key.

Also read back with the items, and added later by a rematch.
"""

from __future__ import annotations

import threading
from contextlib import closing
from typing import Any

import pytest
import sqlalchemy as sa

from storage import (
    ItemNotFoundError,
    MatchRecord,
    NaiveDatetimeError,
    Route,
    StorageError,
    Store,
)
from storage.tables import feeds, fetch_log, matches
from tests.storage.factories import (
    T0,
    at,
    digest,
    feed,
    item,
    person,
    raw,
    succeeded,
    topic,
    webhook,
)


@pytest.fixture
def store(store: Store) -> Store:
    """The shared ``store`` with one configured feed, ``ihrngo-en``."""
    store.sync_feeds([feed(name="Iran Human Rights")], T0)
    return store


def match_rows(url: str) -> list[dict[str, Any]]:
    with raw(url) as conn:
        stmt = sa.select(matches).order_by(matches.c.item_id, matches.c.kind, matches.c.key)
        return [dict(row) for row in conn.execute(stmt).mappings()]


def keys(store: Store, item_id: int) -> list[tuple[str, str]]:
    return [(m.kind, m.key) for m in store.item_matches(item_id)]


def test_matches_are_stored_with_new_items_only(store: Store, database_url: str) -> None:
    first = succeeded()
    a, b = store.record_success(first, [item("a", matches=(topic("death_sentence"),)), item("b")])
    assert keys(store, a) == [("topic", "death_sentence")]
    assert keys(store, b) == []

    # "a" again, now matching something else: already stored, so its matches stay.
    (c,) = store.record_success(
        succeeded(minute=15),
        [
            item("a", matches=(topic("execution"),)),
            item("c", matches=(person("Ahmadreza Djalali"),)),
        ],
    )
    assert keys(store, a) == [("topic", "death_sentence")]
    assert keys(store, c) == [("person", "Ahmadreza Djalali")]
    rows = match_rows(database_url)
    assert [(r["item_id"], r["matched_at"], r["source"]) for r in rows] == [
        (a, first.finished_at, "poll"),
        (c, succeeded(minute=15).finished_at, "poll"),
    ]


def test_a_repeated_identity_keeps_the_matches_of_its_first_copy(store: Store) -> None:
    (a,) = store.record_success(
        succeeded(), [item("a", matches=(topic("execution"),)), item("a", matches=(topic("x"),))]
    )
    assert keys(store, a) == [("topic", "execution")]


def test_a_poll_without_new_items_writes_no_matches(store: Store, database_url: str) -> None:
    store.record_success(succeeded(), [item("a")])
    store.record_success(succeeded(minute=15), [item("a", matches=(topic("execution"),))])
    store.record_success(succeeded(minute=30, not_modified=True, http_status=304), [])
    assert match_rows(database_url) == []


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(MatchRecord("topic", "execution", "critical", ("hanged",)), id="severity"),
        pytest.param(MatchRecord("place", "Evin", "urgent", ("Evin",)), id="kind"),
    ],
)
def test_a_refused_match_rolls_back_the_whole_poll(
    store: Store, database_url: str, bad: MatchRecord
) -> None:
    store.record_success(succeeded(), [item("old")])
    with pytest.raises(StorageError, match="could not record the poll of feed 'ihrngo-en'"):
        store.record_success(
            succeeded(minute=15, etag='"new"'),
            [item("a", matches=(topic("death_sentence"),)), item("b", matches=(bad,))],
        )
    assert [i.identity for i in store.iter_items()] == ["old"]
    assert match_rows(database_url) == []
    assert store.feed_for_update("ihrngo-en").etag is None
    with raw(database_url) as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(fetch_log)) == 1
        assert conn.scalar(sa.select(feeds.c.last_success_at)) == succeeded().finished_at


def test_one_match_per_item_kind_and_key(store: Store, database_url: str) -> None:
    (a,) = store.record_success(
        succeeded(),
        [
            item(
                "a",
                matches=(
                    topic("execution", "urgent", "hanged"),
                    topic("execution", "digest", "executed"),  # same key: the first wins
                    person("execution"),  # a person may share a topic's key
                ),
            )
        ],
    )
    assert store.item_matches(a) == [
        MatchRecord("person", "execution", "urgent", ("execution",)),
        MatchRecord("topic", "execution", "urgent", ("hanged",)),
    ]
    row = {k: v for k, v in match_rows(database_url)[0].items() if k != "id"}
    with raw(database_url) as conn, pytest.raises(sa.exc.IntegrityError):
        conn.execute(sa.insert(matches), row)


def test_persian_evidence_round_trips(store: Store, database_url: str) -> None:
    evidence = (
        "حکم اعدام",
        "بهروز احسانی\u200cاسلاملو",  # with a ZWNJ
        "محكوم به اعدام",  # Arabic kaf, as the report wrote it
        '"quoted" \\ back\\slash',
        "nul\x00inside",
        "",
    )
    record = MatchRecord("person", "بهروز احسانی", "urgent", evidence)
    (a,) = store.record_success(succeeded(), [item("fa", language="fa", matches=(record,))])
    assert store.item_matches(a) == [record]
    (stored,) = store.iter_items()
    assert stored.people == ("بهروز احسانی",)
    with raw(database_url) as conn:
        text = conn.scalar(sa.text("SELECT evidence FROM matches"))
    assert "حکم اعدام" in text  # readable in the database, not \u escapes


def test_iter_items_gives_topics_and_people_sorted(store: Store) -> None:
    store.sync_feeds([feed(name="Iran Human Rights"), feed("state", name="IRNA")], T0)
    store.record_success(
        succeeded(),
        [
            item(
                "a",
                matches=(
                    topic("political_prisoners", "digest"),
                    person("Zeinab Jalalian"),
                    topic("death_sentence"),
                    person("Ahmadreza Djalali", "digest"),
                    topic("execution"),
                ),
            ),
            item("b"),
        ],
    )
    store.record_success(succeeded("state", minute=5), [item("c", matches=(topic("execution"),))])
    exported = [(i.identity, i.feed_name, i.topics, i.people) for i in store.iter_items()]
    assert exported == [
        (
            "a",
            "Iran Human Rights",
            ("death_sentence", "execution", "political_prisoners"),
            ("Ahmadreza Djalali", "Zeinab Jalalian"),
        ),
        ("b", "Iran Human Rights", (), ()),
        ("c", "IRNA", ("execution",), ()),
    ]


def test_streaming_items_with_matches_releases_the_connection(store: Store) -> None:
    new = [item(f"i{n}", matches=(topic(f"t{n % 3}"),) * (n % 2)) for n in range(1_200)]
    store.record_success(succeeded(), new)
    for _ in range(10):  # more than the pool holds, if connections leaked
        with closing(store.iter_items()) as stream:
            assert next(stream).topics == ()
    streamed = list(store.iter_items())
    assert [i.topics for i in streamed] == [(f"t{n % 3}",) * (n % 2) for n in range(1_200)]


def test_add_matches_returns_only_the_new_ones(store: Store, database_url: str) -> None:
    (a,) = store.record_success(succeeded(), [item("a", matches=(topic("execution"),))])
    later = [topic("death_sentence"), topic("execution", "digest"), person("Narges Mohammadi")]
    assert store.add_matches(a, later, at(60)) == [later[0], later[2]]
    assert store.add_matches(a, later, at(90)) == []  # a rematch may run again
    assert store.add_matches(a, [], at(90)) == []
    assert keys(store, a) == [
        ("person", "Narges Mohammadi"),
        ("topic", "death_sentence"),
        ("topic", "execution"),
    ]
    (stored,) = store.iter_items()
    assert (stored.topics, stored.people) == (
        ("death_sentence", "execution"),
        ("Narges Mohammadi",),
    )
    rows = {(r["kind"], r["key"]): r for r in match_rows(database_url)}
    assert (rows["topic", "execution"]["severity"], rows["topic", "execution"]["source"]) == (
        "urgent",
        "poll",
    )
    assert (
        rows["topic", "death_sentence"]["matched_at"],
        rows["topic", "death_sentence"]["source"],
    ) == (
        at(60),
        "rematch",
    )


def test_add_matches_refuses_what_it_cannot_store(store: Store) -> None:
    (a,) = store.record_success(succeeded(), [item("a")])
    with pytest.raises(ItemNotFoundError, match="unknown item 999") as caught:
        store.add_matches(999, [topic("execution")], at(60))
    assert isinstance(caught.value, LookupError)
    with pytest.raises(StorageError, match=f"could not add matches to item {a}"):
        store.add_matches(a, [topic("execution")], at(60), source="offline")
    with pytest.raises(NaiveDatetimeError):
        store.add_matches(a, [topic("execution")], at(60).replace(tzinfo=None))
    assert store.item_matches(a) == []


def test_item_matches_of_an_unknown_item_is_empty(store: Store) -> None:
    assert store.item_matches(12345) == []


def test_deleting_an_item_deletes_its_matches(store: Store, database_url: str) -> None:
    store.record_success(succeeded(), [item("a", matches=(topic("execution"), person("X Y")))])
    with raw(database_url) as conn:
        conn.execute(sa.text("DELETE FROM items"))
        conn.commit()
    assert match_rows(database_url) == []


def test_concurrent_polls_store_each_match_once(store: Store, database_url: str) -> None:
    identities = [f"i{n:03d}" for n in range(120)]
    batches = [identities[i : i + 40] for i in range(0, 120, 20)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def writer(reverse: bool) -> None:
        try:
            barrier.wait()
            for n, batch in enumerate(batches):
                ordered = list(reversed(batch)) if reverse else batch
                store.record_success(
                    succeeded(minute=n), [item(i, matches=(topic(i),)) for i in ordered]
                )
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(r,)) for r in (False, True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(r["key"] for r in match_rows(database_url)) == identities
    assert all(i.topics == (i.identity,) for i in store.iter_items())


def test_add_matches_stores_the_routes_of_the_new_ones_in_the_same_transaction(
    store: Store,
) -> None:
    (a,) = store.record_success(succeeded(), [item("a", matches=(topic("execution"),))])
    seen: list[list[MatchRecord]] = []

    def router(added: list[MatchRecord]) -> list[Route]:
        seen.append(added)
        return [webhook("hook"), digest("daily")]

    later = [topic("execution"), topic("death_sentence")]
    assert store.add_matches(a, later, at(60), router=router) == [later[1]]
    assert seen == [[later[1]]]  # routed on what was new only
    assert store.outbox_summary()["pending"] == 1
    assert store.add_matches(a, later, at(90), router=router) == []
    assert len(seen) == 1  # nothing new: not routed again

    def broken(added: list[MatchRecord]) -> list[Route]:
        raise RuntimeError("router failed")

    with pytest.raises(RuntimeError):
        store.add_matches(a, [person("Narges Mohammadi")], at(120), router=broken)
    assert ("person", "Narges Mohammadi") not in keys(store, a)  # rolled back together
