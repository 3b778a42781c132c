"""The few statements that differ between SQLite and PostgreSQL, chosen per connection.

Only ``INSERT ... ON CONFLICT DO NOTHING`` so far; both databases support it with
RETURNING, which tells which rows were new.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection


def insert_or_ignore(conn: Connection, table: sa.Table, keys: Sequence[str]) -> sa.Insert:
    """``INSERT INTO table ... ON CONFLICT (keys) DO NOTHING`` for this connection."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=list(keys))
    if conn.dialect.name == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing(index_elements=list(keys))
    raise NotImplementedError(f"no insert-or-ignore for {conn.dialect.name}")
