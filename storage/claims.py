"""Claiming due outbox messages under a lease, with everything each one carries.

A claim is a conditional UPDATE that sets ``lease_until`` only if the message is
still due and unleased, and a message is handed out only when that update hit its
row: two dispatchers (threads or processes) never get the same message, and a
dispatcher that dies lets its messages go when the lease ends, without anyone
having to notice. On PostgreSQL the candidates are read ``FOR UPDATE SKIP LOCKED``
so a second claimer skips rows the first is claiming instead of queueing behind
it; SQLite serialises writers anyway (``BEGIN IMMEDIATE``).

A digest message takes its entries when first claimed: every entry of its digest
not yet in a message and created by its ``period_end``. Once linked they stay with
it through every retry, so a resend says the same; an entry committed after that
goes into the next period's message.

Functions here take a ``Connection`` inside a write transaction (``Store`` opens
it), except ``preview``, which only reads. They must not send or decide retries.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storage import stories
from storage.items import with_matches
from storage.records import DigestEntry, OutboxMessage, StoredItem
from storage.tables import digest_entries, items, outbox


def claim_due(
    conn: Connection,
    now: datetime,
    kinds: Sequence[str],
    lease: timedelta,
    limit: int,
    ids: Sequence[int] | None,
) -> list[OutboxMessage]:
    """Lease up to ``limit`` due messages of ``kinds`` (of ``ids`` if given) until
    ``now + lease``; oldest ``next_attempt_at`` first."""
    if not kinds or limit <= 0 or (ids is not None and not ids):
        return []
    o = outbox.c
    due = sa.and_(
        o.state == "pending",
        o.next_attempt_at <= now,
        sa.or_(o.lease_until.is_(None), o.lease_until <= now),
    )
    stmt = (
        sa.select(o.id)
        .where(due, o.kind.in_(list(kinds)))
        .order_by(o.next_attempt_at, o.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL only; SQLite renders nothing
    )
    if ids is not None:
        stmt = stmt.where(o.id.in_(list(ids)))
    claimed = []
    for outbox_id in conn.scalars(stmt).all():
        update = sa.update(outbox).where(o.id == outbox_id, due).values(lease_until=now + lease)
        if conn.execute(update).rowcount == 1:
            claimed.append(outbox_id)
    if not claimed:
        return []
    loaded = conn.execute(sa.select(outbox).where(o.id.in_(claimed))).mappings()
    rows = {row["id"]: row for row in loaded}
    return [_message(conn, rows[outbox_id], now) for outbox_id in claimed]


def preview(conn: Connection, digest_id: str, period_end: datetime) -> tuple[DigestEntry, ...]:
    """The entries the message of ``digest_id`` for ``period_end`` would take now."""
    return _entries(conn, _waiting(digest_id, period_end))


def preview_reports(
    conn: Connection, digest_id: str, period_end: datetime
) -> tuple[StoredItem, ...]:
    """The other reports of the stories of those entries (``OutboxMessage.reports``)."""
    shown = sa.select(digest_entries.c.item_id).where(_waiting(digest_id, period_end))
    return stories.reports(conn, shown, period_end)


def _waiting(digest_id: str, period_end: datetime) -> sa.ColumnElement[bool]:
    d = digest_entries.c
    return sa.and_(d.digest_id == digest_id, d.outbox_id.is_(None), d.created_at <= period_end)


def _message(conn: Connection, row: Any, now: datetime) -> OutboxMessage:
    common: dict[str, Any] = {
        name: row[name]
        for name in ("id", "kind", "target", "event", "message_id", "attempts", "created_at")
    }
    if row["kind"] == "webhook" and row["item_id"] is not None:
        loaded = with_matches(conn, items.c.id == row["item_id"])
        # The item cannot be missing: deleting it deletes this message (ON DELETE CASCADE).
        item, matches = loaded[0]
        # The story's other reports as known now (``also_reported_by``): a retry may
        # list more of them than the first attempt did.
        reports = stories.reports(conn, sa.select(sa.literal(item.id)), now)
        return OutboxMessage(**common, item=item, matches=matches, reports=reports)
    if row["kind"] == "digest":
        d = digest_entries.c
        link = (
            sa.update(digest_entries)
            .where(
                d.digest_id == row["target"],
                d.outbox_id.is_(None),
                d.created_at <= row["period_end"],
            )
            .values(outbox_id=row["id"])
        )
        conn.execute(link)
        shown = sa.select(d.item_id).where(d.outbox_id == row["id"])
        return OutboxMessage(
            **common,
            period_end=row["period_end"],
            previous_period_end=_previous_period_end(conn, row["target"], row["period_end"]),
            entries=_entries(conn, d.outbox_id == row["id"]),
            # Every source of each story, earlier reports included, up to the period end.
            reports=stories.reports(conn, shown, row["period_end"]),
        )
    # A notice, or a webhook that carries its own body (a source's health changed).
    return OutboxMessage(**common, subject=row["subject"], body=row["body"])


def _entries(conn: Connection, which: sa.ColumnElement[bool]) -> tuple[DigestEntry, ...]:
    """The items of the digest entries ``which`` selects, by published time then id."""
    selected = sa.select(digest_entries.c.item_id).where(which)
    loaded = with_matches(conn, items.c.id.in_(selected))
    return tuple(DigestEntry(item, matches) for item, matches in loaded)


def _previous_period_end(conn: Connection, digest_id: str, period_end: datetime) -> datetime | None:
    o = outbox.c
    stmt = sa.select(sa.func.max(o.period_end)).where(
        o.kind == "digest", o.target == digest_id, o.state == "sent", o.period_end < period_end
    )
    previous: datetime | None = conn.scalar(stmt)
    return previous
