"""Match rows: what an item matched, written with the item or by a rematch, read back.

Functions here take an open ``Connection``; ``Store`` owns transactions and errors.
A match is unique per (item, kind, key): within one call the first record of a
(kind, key) wins, and across calls the one stored first stays.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storage import dialect
from storage.errors import ItemNotFoundError
from storage.items import exists as item_exists
from storage.records import MatchRecord
from storage.tables import matches
from storage.text import clean

# The source of matches stored with a new item, in its poll's transaction; the
# other source the schema allows is "rematch", for matches added to a stored item.
POLL = "poll"


def insert_new(
    conn: Connection, new: Iterable[tuple[int, Sequence[MatchRecord]]], at: datetime
) -> int:
    """Store the matches of items inserted in this transaction; how many rows.

    The items are new, so none of their matches can be stored yet: a plain insert.
    """
    rows = [row for item_id, records in new if records for row in _rows(item_id, _unique(records))]
    if rows:
        dialect.insert_matches(conn, rows, at, POLL)
    return len(rows)


def add(
    conn: Connection, item_id: int, records: Sequence[MatchRecord], at: datetime, source: str
) -> list[MatchRecord]:
    """Store the ``records`` that ``item_id`` lacks; those that were new, in input order."""
    by_key = _unique(records)
    if not item_exists(conn, item_id):
        raise ItemNotFoundError(item_id)
    if not by_key:
        return []
    rows = [{**row, "matched_at": at, "source": source} for row in _rows(item_id, by_key)]
    stmt = dialect.insert_or_ignore(conn, matches, ["item_id", "kind", "key"]).returning(
        matches.c.kind, matches.c.key
    )
    inserted = {(kind, key) for kind, key in conn.execute(stmt, rows)}
    return [record for key, record in by_key.items() if key in inserted]


def for_item(conn: Connection, item_id: int) -> list[MatchRecord]:
    """The matches of ``item_id``, by kind then key (none for an unknown item)."""
    m = matches.c
    stmt = sa.select(m.kind, m.key, m.severity, m.evidence).where(m.item_id == item_id)
    found = [MatchRecord(*row) for row in conn.execute(stmt)]
    return sorted(found, key=lambda record: (record.kind, record.key))


def _unique(records: Iterable[MatchRecord]) -> dict[tuple[str, str], MatchRecord]:
    by_key: dict[tuple[str, str], MatchRecord] = {}
    for record in records:
        by_key.setdefault((record.kind, clean(record.key)), record)
    return by_key


def _rows(item_id: int, by_key: dict[tuple[str, str], MatchRecord]) -> list[dict[str, Any]]:
    return [
        {
            "item_id": item_id,
            "kind": kind,
            "key": key,
            "severity": record.severity,
            "evidence": tuple(record.evidence),
        }
        for (kind, key), record in by_key.items()
    ]
