"""Migrations: applied on open, idempotent, safe to race, and in step with tables.py."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from storage import StorageError, Store
from storage.engine import make_engine
from storage.migrate import alembic_config, current_revision, head_revision
from storage.tables import feeds, items, metadata
from tests.storage.factories import T0, at, feed, item, raw, succeeded, topic

TABLES = {
    "feeds", "items", "fetch_log", "matches", "outbox", "digest_entries", "endpoints",
    "feed_health", "stories", "story_keys", "alembic_version",
}  # fmt: skip


def test_open_migrates_an_empty_database(database_url: str) -> None:
    with raw(database_url) as conn:
        assert current_revision(conn) is None
    with Store.open(database_url):
        pass
    with raw(database_url) as conn:
        # Unqualified: on PostgreSQL this is the test's own schema, version table included.
        assert TABLES <= set(sa.inspect(conn).get_table_names())
        assert current_revision(conn) == head_revision()


def test_opening_again_keeps_schema_and_data(database_url: str) -> None:
    with Store.open(database_url) as store:
        store.sync_feeds([feed()], T0)
        store.record_success(succeeded(), [item("a")])
    with Store.open(database_url) as store, Store.open(database_url) as again:
        assert store.count_items() == 1
        assert again.count_items() == 1


def test_two_processes_opening_at_once_both_succeed(database_url: str) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def open_and_close() -> None:
        try:
            barrier.wait()
            Store.open(database_url).close()
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=open_and_close) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with raw(database_url) as conn:
        assert current_revision(conn) == head_revision()


def test_migrations_build_what_tables_py_describes(store: Store, database_url: str) -> None:
    with raw(database_url) as conn:
        context = MigrationContext.configure(conn)
        assert compare_metadata(context, metadata) == []


def test_a_database_from_a_newer_monitor_is_refused_readably(database_url: str) -> None:
    with Store.open(database_url):
        pass
    with raw(database_url) as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
        conn.commit()
    with pytest.raises(StorageError, match=rf"9999.*revisions up to {head_revision()}") as caught:
        Store.open(database_url)
    assert "could not open the database" in str(caught.value)


def test_a_database_at_0001_with_data_upgrades_and_keeps_it(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0001")
            assert current_revision(conn) == "0001"
            assert "matches" not in sa.inspect(conn).get_table_names()
            # tables.py's feeds and items are still what 0001 built.
            conn.execute(sa.insert(feeds), {**vars(feed()), "created_at": T0})
            conn.execute(
                sa.insert(items),
                {
                    **{k: v for k, v in vars(item("old")).items() if k != "matches"},
                    "feed_id": "ihrngo-en",
                    "fetched_at": T0,
                },
            )
    finally:
        engine.dispose()

    with Store.open(database_url) as store:
        (old,) = store.iter_items()
        assert (old.identity, old.feed_name, old.topics, old.people) == ("old", "IHRNGO-EN", (), ())
        assert store.add_matches(old.id, [topic("execution")], at(60)) == [topic("execution")]
        store.record_success(
            succeeded(minute=15), [item("old"), item("new", matches=(topic("x"),))]
        )
        assert [(i.identity, i.topics) for i in store.iter_items()] == [
            ("old", ("execution",)),
            ("new", ("x",)),
        ]
    with raw(database_url) as conn:
        assert current_revision(conn) == head_revision()
