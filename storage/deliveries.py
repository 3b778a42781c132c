"""The outbox as an operator sees it: counts per state, a list, and a retry by hand.

Functions here take a ``Connection`` (a write transaction for ``retry``); ``Store``
owns transactions and errors. They must not claim or send: a retried message is
only made due again, and the dispatcher picks it up like any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storage import outbox as messages
from storage.errors import MessageNotFoundError, StorageError
from storage.records import OUTBOX_STATES, OutboxStatus
from storage.tables import items, outbox


def summary(conn: Connection) -> dict[str, int]:
    """How many messages are in each state, every state present, in ``OUTBOX_STATES`` order."""
    o = outbox.c
    stmt = sa.select(o.state, sa.func.count()).group_by(o.state)
    counts = {state: int(count) for state, count in conn.execute(stmt)}
    return {state: counts.get(state, 0) for state in OUTBOX_STATES}


def listing(conn: Connection, states: Sequence[str] | None, limit: int) -> list[OutboxStatus]:
    """Up to ``limit`` messages (in ``states`` if given), newest first."""
    # By id: the order of creation, and the primary key, so no sort of the whole table.
    stmt = _statuses().order_by(outbox.c.id.desc()).limit(limit)
    if states is not None:
        stmt = stmt.where(outbox.c.state.in_(list(states)))
    return [_status(row) for row in conn.execute(stmt).mappings()]


def retry(conn: Connection, outbox_id: int, now: datetime) -> OutboxStatus:
    """Make a failed, disabled or pending message due ``now`` with its attempts reset.

    The retry schedule starts again; the last error is kept until an attempt
    replaces it. A webhook message's endpoint is enabled again: retrying one of its
    messages says the operator expects it to answer. A sent message is refused.
    """
    o = outbox.c
    # Conditional, so a message sent by a dispatcher meanwhile is never made due again.
    stmt = (
        sa.update(outbox)
        .where(o.id == outbox_id, o.state != "sent")
        .values(state="pending", attempts=0, next_attempt_at=now)
        .returning(o.kind, o.target)
    )
    updated = conn.execute(stmt).first()
    if updated is None:
        sent_at = conn.execute(sa.select(o.sent_at).where(o.id == outbox_id)).first()
        if sent_at is None:
            raise MessageNotFoundError(outbox_id)
        raise StorageError(
            f"message {outbox_id} was already sent on {sent_at[0]:%Y-%m-%d %H:%M} UTC; "
            "it is not sent twice"
        )
    kind, target = updated
    if kind == "webhook":
        messages.enable_endpoint(conn, target)
    return _status(conn.execute(_statuses().where(o.id == outbox_id)).mappings().one())


def _statuses() -> sa.Select[Any]:
    o = outbox.c
    return sa.select(
        o.id, o.kind, o.target, o.event, o.state, o.attempts, o.created_at,
        o.next_attempt_at, o.last_attempt_at, o.last_error, o.sent_at,
        o.subject, o.period_end, items.c.title,
    ).join_from(outbox, items, o.item_id == items.c.id, isouter=True)  # fmt: skip


def _status(row: Any) -> OutboxStatus:
    if row["kind"] == "digest":
        title = f"{row['target']} for {row['period_end']:%Y-%m-%d %H:%M} UTC"
    elif row["kind"] == "notice":
        title = row["subject"] or ""
    else:  # an item's webhook shows the item; one with its own body, its subject
        title = row["title"] or row["subject"] or ""
    return OutboxStatus(
        id=row["id"],
        kind=row["kind"],
        target=row["target"],
        event=row["event"],
        state=row["state"],
        attempts=row["attempts"],
        created_at=row["created_at"],
        next_attempt_at=row["next_attempt_at"],
        last_attempt_at=row["last_attempt_at"],
        last_error=row["last_error"],
        sent_at=row["sent_at"],
        title=title,
    )


def last_digest_period(conn: Connection, digest_id: str) -> datetime | None:
    """The period end of the newest message of ``digest_id`` in any state, or None."""
    o = outbox.c
    stmt = sa.select(sa.func.max(o.period_end)).where(o.kind == "digest", o.target == digest_id)
    # max() keeps the column's type, so the value comes back as an aware UTC datetime.
    value: datetime | None = conn.execute(stmt).scalar_one_or_none()
    return value
