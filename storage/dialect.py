"""The statements that differ between SQLite and PostgreSQL, chosen per connection.

``INSERT ... ON CONFLICT DO NOTHING`` exists on both and, with RETURNING, says which
rows were new. For a poll's items PostgreSQL gets one short statement over arrays
(``unnest``), whatever the number of rows: psycopg re-parses every statement longer
than 4 KB, which a many-row VALUES list always is. SQLite gets a many-row VALUES
list (SQLAlchemy's insertmanyvalues), which costs it nothing to parse. Their
matches go in the same way. Reading an item's matches with it is a correlated
JSON aggregate, spelled differently by each.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from storage.tables import dump_strings, items, matches

BATCH = 500  # rows per statement on SQLite (its limit is 32,766 parameters)

# Columns that differ per item; feed_id and fetched_at are one value per poll.
ITEM_COLUMNS = (
    "identity", "identity_kind", "guid", "url", "title", "summary", "content",
    "author", "language", "published", "published_is_fetch_time",
)  # fmt: skip


def insert_or_ignore(conn: Connection, table: sa.Table, keys: Sequence[str]) -> sa.Insert:
    """``INSERT INTO table ... ON CONFLICT (keys) DO NOTHING`` for this connection."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=list(keys))
    if conn.dialect.name == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing(index_elements=list(keys))
    raise NotImplementedError(f"no insert-or-ignore for {conn.dialect.name}")


def upsert(conn: Connection, table: sa.Table, keys: Sequence[str], row: dict[str, Any]) -> None:
    """Insert ``row``, or update the other columns of the row with the same ``keys``."""
    stmt: postgresql.Insert | sqlite.Insert
    if conn.dialect.name == "postgresql":
        stmt = postgresql.insert(table)
    elif conn.dialect.name == "sqlite":
        stmt = sqlite.insert(table)
    else:
        raise NotImplementedError(f"no upsert for {conn.dialect.name}")
    changed = {name: stmt.excluded[name] for name in row if name not in keys}
    conn.execute(stmt.values(row).on_conflict_do_update(index_elements=list(keys), set_=changed))


def stored_identities(conn: Connection, feed_id: str, identities: list[str]) -> set[str]:
    """Which of ``identities`` are already stored for ``feed_id``."""
    query = sa.select(items.c.identity).where(items.c.feed_id == feed_id)
    if conn.dialect.name == "postgresql":
        return set(conn.scalars(query.where(_ANY_IDENTITY), {"identities": identities}))
    found: set[str] = set()
    for chunk in _chunks(identities, BATCH):
        found.update(conn.scalars(query.where(items.c.identity.in_(chunk))))
    return found


def insert_items(
    conn: Connection, feed_id: str, fetched_at: datetime, rows: list[dict[str, Any]]
) -> Iterator[tuple[int, str]]:
    """Insert ``rows`` (``ITEM_COLUMNS`` each) unless stored; (id, identity) of new ones."""
    if conn.dialect.name == "postgresql":
        params: dict[str, Any] = {name: [row[name] for row in rows] for name in ITEM_COLUMNS}
        params.update(feed_id=feed_id, fetched_at=fetched_at)
        for item_id, identity in conn.execute(_PG_INSERT_ITEMS, params):
            yield item_id, identity
        return
    stmt = insert_or_ignore(conn, items, ["feed_id", "identity"]).returning(
        items.c.id, items.c.identity
    )
    for chunk in _chunks(rows, BATCH):
        batch = [{**row, "feed_id": feed_id, "fetched_at": fetched_at} for row in chunk]
        for item_id, identity in conn.execute(stmt, batch):
            yield item_id, identity


# Columns that differ per match; matched_at and source are one value per statement.
MATCH_COLUMNS = ("item_id", "kind", "key", "severity", "evidence")


def insert_matches(
    conn: Connection, rows: list[dict[str, Any]], matched_at: datetime, source: str
) -> None:
    """Insert ``rows`` (``MATCH_COLUMNS`` each; none stored yet) in one statement."""
    if conn.dialect.name == "postgresql":
        params: dict[str, Any] = {name: [row[name] for row in rows] for name in MATCH_COLUMNS}
        params["evidence"] = [dump_strings(evidence) for evidence in params["evidence"]]
        params.update(matched_at=matched_at, source=source)
        conn.execute(_PG_INSERT_MATCHES, params)
        return
    extra = {"matched_at": matched_at, "source": source}
    conn.execute(sa.insert(matches), [{**row, **extra} for row in rows])


def matched_pairs(conn: Connection, item_id: sa.ColumnElement[int]) -> sa.ScalarSelect[str]:
    """A JSON array of ``[kind, key]`` of the item ``item_id``, unordered (or NULL)."""
    m = matches.c
    pairs: sa.ColumnElement[str]
    if conn.dialect.name == "postgresql":
        pairs = sa.cast(sa.func.json_agg(sa.func.json_build_array(m.kind, m.key)), sa.Text)
    else:
        pairs = sa.func.json_group_array(sa.func.json_array(m.kind, m.key), type_=sa.Text)
    return sa.select(pairs).where(m.item_id == item_id).scalar_subquery()


def without_jit(conn: Connection) -> None:
    """Turn PostgreSQL's JIT off for the rest of this transaction.

    The planner prices a correlated subquery per row, so on a large table the stream
    crosses the JIT thresholds and spends ~0.2 s compiling what runs in microseconds.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SET LOCAL jit = off"))


def _pg_insert_items() -> sa.Insert:
    arrays = [
        sa.bindparam(name, type_=postgresql.ARRAY(items.c[name].type)) for name in ITEM_COLUMNS
    ]
    new = sa.func.unnest(*arrays).table_valued(*ITEM_COLUMNS).render_derived(name="new")
    select = sa.select(
        sa.bindparam("feed_id", type_=items.c.feed_id.type),
        *(new.c[name] for name in ITEM_COLUMNS),
        sa.bindparam("fetched_at", type_=items.c.fetched_at.type),
    )
    return (
        postgresql.insert(items)
        .from_select(["feed_id", *ITEM_COLUMNS, "fetched_at"], select)
        .on_conflict_do_nothing(index_elements=["feed_id", "identity"])
        .returning(items.c.id, items.c.identity)
    )


def _pg_insert_matches() -> sa.Insert:
    # evidence goes as text[]: already JSON, since ARRAY would take a tuple for a dimension.
    types = {**{name: matches.c[name].type for name in MATCH_COLUMNS}, "evidence": sa.Text()}
    arrays = [sa.bindparam(name, type_=postgresql.ARRAY(types[name])) for name in MATCH_COLUMNS]
    new = sa.func.unnest(*arrays).table_valued(*MATCH_COLUMNS).render_derived(name="new")
    select = sa.select(
        *(new.c[name] for name in MATCH_COLUMNS),
        sa.bindparam("matched_at", type_=matches.c.matched_at.type),
        sa.bindparam("source", type_=matches.c.source.type),
    )
    return postgresql.insert(matches).from_select([*MATCH_COLUMNS, "matched_at", "source"], select)


_PG_INSERT_ITEMS = _pg_insert_items()
_PG_INSERT_MATCHES = _pg_insert_matches()
_ANY_IDENTITY = items.c.identity == sa.any_(
    sa.bindparam("identities", type_=postgresql.ARRAY(sa.Text))
)


def _chunks(values: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
