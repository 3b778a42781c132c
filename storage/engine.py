"""Engines: one SQLAlchemy engine per database URL, set up for how monitor writes.

Owns URL normalisation (``postgresql://`` means psycopg 3), the per-connection
SQLite settings, and the ``WRITE`` execution option that makes a SQLite write
transaction take the write lock at BEGIN. It knows no table.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import StaticPool

from storage.errors import StorageError

# Execution option: this connection will write. On SQLite it begins with BEGIN IMMEDIATE,
# because a deferred transaction that reads and then writes fails at once with "database
# is locked" when another writer committed meanwhile; IMMEDIATE waits (busy_timeout).
WRITE = "monitor_storage_write"

SQLITE_BUSY_TIMEOUT_MS = 30_000
POSTGRES_CONNECT_TIMEOUT_S = 10

_DRIVERS = {"postgresql": "postgresql+psycopg", "postgres": "postgresql+psycopg"}
SUPPORTED = ("sqlite", "postgresql")


def normalise_url(url: str | URL) -> URL:
    """Parse ``url``; a PostgreSQL URL without a driver gets psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in _DRIVERS:
        parsed = parsed.set(drivername=_DRIVERS[parsed.drivername])
    return parsed


def display_url(url: str | URL) -> str:
    """``url`` as safe to print: the password hidden."""
    try:
        return normalise_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "(unparseable URL)"


def make_engine(url: str | URL) -> Engine:
    """An engine for ``url``: SQLite (WAL, foreign keys) or PostgreSQL (psycopg 3).

    Connects lazily; the first connection is made by whoever uses the engine first.
    """
    parsed = normalise_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed)
    if backend == "postgresql":
        connect_args: dict[str, Any] = {}
        if "connect_timeout" not in parsed.query:
            # libpq otherwise waits forever for a host that drops packets.
            connect_args["connect_timeout"] = POSTGRES_CONNECT_TIMEOUT_S
        return sa.create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
    raise StorageError(
        f"unsupported kind of database {parsed.drivername!r} (use {' or '.join(SUPPORTED)})"
    )


def _sqlite_engine(url: URL) -> Engine:
    in_memory = url.database in (None, "", ":memory:") or url.query.get("mode") == "memory"
    if in_memory:
        # One shared connection, so every caller sees the same database: tests only,
        # one thread at a time.
        engine = sa.create_engine(
            url, poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
    else:
        engine = sa.create_engine(url)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control from the sqlite3 module (it would not BEGIN before
    # SELECT or DDL); _sqlite_on_begin emits BEGIN instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        # busy_timeout first: switching to WAL needs a lock another process may hold.
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        _use_wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _use_wal(cursor: Any) -> None:
    # Switching a new file to WAL answers "database is locked" at once, without the
    # busy handler, while another connection switches it too: retry for a while.
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _sqlite_on_begin(conn: sa.Connection) -> None:
    write = bool(conn.get_execution_options().get(WRITE, False))
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
