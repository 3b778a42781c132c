"""Story grouping in storage, on both databases: in the poll's transaction, one indexed
look-up per new item, items of one poll one after another, crowded band keys skipped,
reasons recorded, nothing regrouped; and the migration that gives old items stories.

The grouper here is a stand-in for ``monitor.grouping.choose``: prints are plain
words, and an item joins the first candidate with the same word.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from storage import Store, StoryCandidate, StoryChoice, StoryPrint
from storage import grouping as grouping_module
from storage.engine import make_engine
from storage.migrate import alembic_config
from storage.tables import feeds, items, stories, story_keys
from tests.storage.factories import T0, feed, item, raw, rows, succeeded

Calls = list[tuple[str, list[StoryCandidate]]]


def printed(word: str, *keys: str, people: Sequence[str] = (), hours: float = 0) -> StoryPrint:
    """A print whose text is ``word``, stored under ``keys`` (band keys if they say so)."""
    when = T0 + timedelta(hours=hours)
    return StoryPrint(
        text=word,
        keys=(*keys, *(f"person:{p}" for p in people)),
        exact=keys,
        people=tuple(f"person:{p}" for p in people),
        since=when - timedelta(hours=96) if people else None,
        until=when + timedelta(hours=96) if people else None,
        bands=tuple(k for k in keys if k.startswith("band:")),
    )


class Grouper:
    """Joins the first candidate whose print is the same word; records every call."""

    def __init__(self, reason: str = "near_duplicate") -> None:
        self.calls: Calls = []
        self.reason = reason

    def __call__(self, text: str, candidates: Sequence[StoryCandidate]) -> StoryChoice:
        self.calls.append((text, list(candidates)))
        for c in candidates:
            if c.text == text:
                return StoryChoice(c.story_id, self.reason, 0.75, f"same word {text}")
        return StoryChoice(None)


@pytest.fixture
def db(store: Store) -> Store:
    store.sync_feeds([feed(), feed("other")], T0)
    return store


def key_rows(url: str) -> list[dict[str, Any]]:
    k = story_keys.c
    with raw(url) as conn:
        stmt = sa.select(story_keys).order_by(k.item_id, k.key)
        return [dict(row) for row in conn.execute(stmt).mappings()]


def placed(url: str) -> dict[str, tuple[Any, ...]]:
    """identity -> (story id, reason, score, why, print) of every stored item."""
    i = items.c
    stmt = sa.select(i.identity, i.story_id, i.story_reason, i.story_score, i.story_why, i.print)
    with raw(url) as conn:
        return {row[0]: tuple(row[1:]) for row in conn.execute(stmt)}


def test_items_of_one_poll_are_grouped_one_after_another(db: Store, database_url: str) -> None:
    grouper = Grouper()
    db.record_success(
        succeeded(),
        [item("a", story=printed("jamei", "band:x")), item("b", story=printed("jamei", "band:x")),
         item("c", story=printed("rasaei", "band:x"))],
        grouper,
    )  # fmt: skip
    found = placed(database_url)
    assert found["a"][1:] == ("new", 0.0, None, "jamei")
    assert found["b"][0] == found["a"][0]  # joined the story its poll's first item started
    assert found["b"][1:4] == ("near_duplicate", 0.75, "same word jamei")
    assert found["c"][0] != found["a"][0] and found["c"][1] == "new"
    # The first item had nothing to compare with: the grouper is not even asked.
    assert [text for text, _ in grouper.calls] == ["jamei", "rasaei"]
    assert [c.item_id for c in grouper.calls[1][1]] == [1, 2]  # oldest first, each once
    story_rows = rows(database_url, stories)
    assert [(s["id"], s["first_item_id"]) for s in story_rows] == [(found["a"][0], 1),
                                                                   (found["c"][0], 3)]  # fmt: skip
    keys = {(k["key"], k["item_id"], k["story_id"]) for k in key_rows(database_url)}
    assert keys == {("band:x", 1, found["a"][0]), ("band:x", 2, found["a"][0]),
                    ("band:x", 3, found["c"][0])}  # fmt: skip


def test_a_later_poll_joins_a_stored_story_and_nothing_is_regrouped(
    db: Store, database_url: str
) -> None:
    grouper = Grouper(reason="same_url")
    db.record_success(succeeded(), [item("a", story=printed("x", "url:example.org/1"))], grouper)
    before = placed(database_url)["a"]
    db.record_success(
        succeeded("other", minute=30),
        [item("b", story=printed("x", "url:example.org/1")), item("a2", story=None)],
        grouper,
    )
    after = placed(database_url)
    assert after["a"] == before  # the stored item keeps its story, reason and print
    assert after["b"][:2] == (before[0], "same_url")
    assert after["a2"][1] == "new" and after["a2"][4] is None  # no print: a story of its own
    # An item polled again is not new: neither grouped nor asked about again.
    calls = len(grouper.calls)
    db.record_success(succeeded(minute=60), [item("a", story=printed("x", "url:example.org/1"))],
                      grouper)  # fmt: skip
    assert len(grouper.calls) == calls


def test_without_a_grouper_every_item_starts_a_story(db: Store, database_url: str) -> None:
    db.record_success(succeeded(), [item("a", story=printed("x", "k")), item("b")])
    found = placed(database_url)
    assert found["a"][0] != found["b"][0]
    assert {v[1] for v in found.values()} == {"new"}
    assert [i.story_id for i in db.iter_items()] == [found["a"][0], found["b"][0]]


def test_people_keys_find_only_items_published_within_the_window(
    db: Store, database_url: str
) -> None:
    grouper = Grouper(reason="same_event")
    db.record_success(succeeded(), [item("a", story=printed("x", people=["Jamei"]))], grouper)
    db.record_success(
        succeeded(minute=10),
        [item("far", published=T0 + timedelta(hours=200),
              story=printed("x", people=["Jamei"], hours=200)),
         item("near", published=T0 + timedelta(hours=50),
              story=printed("x", people=["Jamei"], hours=50))],
        grouper,
    )  # fmt: skip
    found = placed(database_url)
    assert found["far"][1] == "new"  # 200 h later: the first item is not a candidate
    assert found["near"][:2] == (found["a"][0], "same_event")
    assert [c.item_id for c in grouper.calls[-1][1]] == [1]  # "far" is 150 h from "near"


def test_a_grouper_error_stores_nothing_of_the_poll(db: Store, database_url: str) -> None:
    """Grouping is part of the poll's transaction: it fails, the poll is not recorded."""

    def wrong(text: str, candidates: Sequence[StoryCandidate]) -> StoryChoice:
        return StoryChoice(999, "same_url")  # a story the look-up did not return

    db.record_success(succeeded(), [item("a", story=printed("x", "k"))], wrong)
    with pytest.raises(ValueError, match="not among the candidates"):
        db.record_success(succeeded(minute=5), [item("b", story=printed("x", "k"))], wrong)
    assert set(placed(database_url)) == {"a"}
    assert len(key_rows(database_url)) == 1
    assert db.feed_statuses()[0].last_success_at == succeeded().finished_at


@contextmanager
def statements(store: Store) -> Iterator[list[str]]:
    """Every SQL statement the store runs inside the block."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    engine = store._engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def test_one_indexed_look_up_finds_the_candidates(db: Store, database_url: str) -> None:
    db.record_success(succeeded(), [item("a", story=printed("x", "band:1", "url:u"))], Grouper())
    new = item("b", story=printed("x", "band:1", "band:2", "url:u", people=["Jamei"]))
    with statements(db) as seen:
        db.record_success(succeeded(minute=5), [new], Grouper())
    reads = [s for s in seen if s.lstrip().upper().startswith("SELECT") and "story_keys" in s]
    # One bounded count of the band keys, one look-up of the candidates with their prints.
    assert len(reads) == 2
    look_up = next(s for s in reads if "print" in s)
    if db._engine.dialect.name == "sqlite":
        with raw(database_url) as conn:
            plan = conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + look_up,
                ("band:1", "band:2", "url:u", "person:Jamei", T0.replace(tzinfo=None).isoformat(),
                 T0.replace(tzinfo=None).isoformat()),
            ).all()  # fmt: skip
        assert "ix_story_keys_key_published" in " ".join(str(row) for row in plan)


def test_crowded_band_keys_are_neither_looked_up_nor_stored(
    db: Store, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(grouping_module, "CROWDED", 2)
    grouper = Grouper()
    boiler = [item(f"t{n}", story=printed(f"template {n}", "band:boiler")) for n in range(3)]
    db.record_success(succeeded(), boiler, grouper)
    held = [k["item_id"] for k in key_rows(database_url) if k["key"] == "band:boiler"]
    assert held == [1, 2, 3]  # 3 > CROWDED: crowded from now on
    db.record_success(
        succeeded(minute=5),
        [item("n", story=printed("template 0", "band:boiler", "band:own"))],
        grouper,
    )
    assert placed(database_url)["n"][1] == "new"  # the boilerplate found no candidate
    keys = [k["key"] for k in key_rows(database_url) if k["item_id"] == 4]
    assert keys == ["band:own"]  # and was not stored again


def test_a_database_from_before_stories_gives_each_item_a_story(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0004")
            conn.execute(sa.insert(feeds), {**vars(feed()), "created_at": T0})
            for identity in ("old1", "old2"):
                conn.execute(
                    sa.text(
                        "INSERT INTO items (feed_id, identity, identity_kind, title, summary,"
                        " content, published, published_is_fetch_time, fetched_at) VALUES"
                        " ('ihrngo-en', :identity, 'guid', 't', 's', '', :t, false, :t)"
                    ),
                    {"identity": identity, "t": T0},
                )
    finally:
        engine.dispose()
    with Store.open(database_url) as store:
        old = list(store.iter_items())
        assert len({i.story_id for i in old}) == 2 and None not in {i.story_id for i in old}
        assert [s.reports[0].reason for s in store.stories()] == ["new", "new"]
        # A new item never joins them: they have no print and no keys.
        store.record_success(succeeded(), [item("new", story=printed("t", "k"))], Grouper())
        assert len(store.stories()) == 3
