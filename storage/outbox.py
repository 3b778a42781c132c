"""Writing the delivery outbox: messages created, their attempts recorded, endpoints.

Messages come from three places: a new item's routes (a webhook message, or an entry
waiting for the next digest), a digest period that has ended, and operator notices.
Every creation is an insert-or-ignore on a unique key (``dedup_key``, or the digest
entry's (digest, item)), so two processes, a crash and a rerun, or a rematch of an item
already routed, all create a message once. Each message gets its ``message_id`` here,
at creation, so every attempt carries the same one and a receiver can drop duplicates.

Functions here take a ``Connection`` inside a write transaction (``Store`` opens it).
They must not decide when or how to send: ``claims`` hands messages out, and alerting
reports back through ``mark_*``. Text from outside is cleaned of NUL and errors cut,
as ``polls`` does.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storage import dialect
from storage.errors import MessageNotFoundError, NaiveDatetimeError
from storage.records import NewMessage, Route
from storage.tables import digest_entries, endpoints, outbox
from storage.text import clean, cut_error

DIGEST_EVENT = "digest"
OPERATOR = "operator"  # the target of every notice


def message_id(kind: str) -> str:
    """A new id for a message of ``kind``, kept for all its attempts.

    A webhook's is the Standard Webhooks ``webhook-id``; an e-mail's is an RFC 5322
    ``Message-ID``, under the reserved ``.invalid`` domain (RFC 2606) since it names
    no real host.
    """
    if kind == "webhook":
        return f"msg_{uuid.uuid4().hex}"
    return f"<{uuid.uuid4().hex}@monitor.invalid>"


def insert_routes(
    conn: Connection, routed: Iterable[tuple[int, Sequence[Route]]], now: datetime
) -> int:
    """Store the ``routes`` of each (item id, routes); how many messages and entries
    were created (a route already stored for its item is ignored).

    A webhook message to a disabled endpoint is created ``disabled``, with the
    endpoint's reason: it shows in the outbox and an operator can retry it.
    """
    webhooks: dict[str, dict[str, Any]] = {}  # by dedup key; the first route wins
    entries: dict[tuple[str, int], dict[str, Any]] = {}
    for item_id, routes in routed:
        for route in routes:
            target = clean(route.target)
            if route.kind == "webhook":
                # One key per item and endpoint, whatever the event: an item is either
                # its story's alert or an update of it (storage.story_routes), never both.
                key = f"webhook:{target}:{item_id}"
                webhooks.setdefault(
                    key,
                    {"target": target, "item_id": item_id, "dedup_key": key,
                     "event": clean(route.event)},
                )  # fmt: skip
            elif route.kind == "digest":
                entries.setdefault(
                    (target, item_id), {"digest_id": target, "item_id": item_id, "created_at": now}
                )
            else:
                raise ValueError(f"unknown route kind {route.kind!r}: webhook or digest")
    created = 0
    if webhooks:
        reasons = disabled_reasons(conn, {row["target"] for row in webhooks.values()})
        rows = [
            {
                **row,
                "kind": "webhook",
                "message_id": message_id("webhook"),
                "state": "disabled" if row["target"] in reasons else "pending",
                "last_error": reasons.get(row["target"]),
                "next_attempt_at": now,
                "created_at": now,
            }
            for row in webhooks.values()
        ]
        created += _insert_new(conn, outbox, ["dedup_key"], rows)
    if entries:
        created += _insert_new(conn, digest_entries, ["digest_id", "item_id"], [*entries.values()])
    return created


def open_digest(conn: Connection, digest_id: str, period_end: datetime, now: datetime) -> bool:
    """Create the message of ``digest_id`` for the period ending at ``period_end``
    unless it exists; True if created."""
    digest_id = clean(digest_id)
    row = {
        "kind": "digest",
        "target": digest_id,
        "event": DIGEST_EVENT,
        "period_end": period_end,
        "dedup_key": f"digest:{digest_id}:{_utc(period_end).isoformat()}",
    }
    return _insert_new(conn, outbox, ["dedup_key"], [_pending(row, now)]) == 1


def add_notice(
    conn: Connection, event: str, dedup_key: str, subject: str, body: str, now: datetime
) -> bool:
    """Create an operator notice unless ``dedup_key`` exists; True if created."""
    row = {
        "kind": "notice",
        "target": OPERATOR,
        "event": clean(event),
        "subject": clean(subject),
        "body": clean(body),
        "dedup_key": clean(dedup_key),
    }
    return _insert_new(conn, outbox, ["dedup_key"], [_pending(row, now)]) == 1


def add_messages(conn: Connection, messages: Sequence[NewMessage], now: datetime) -> int:
    """Create each of ``messages`` unless its ``dedup_key`` exists; how many were created.

    A webhook message carries its own body (no item) and, like an item's, is created
    ``disabled`` when its endpoint is.
    """
    webhooks = {clean(m.target) for m in messages if m.kind == "webhook"}
    reasons = disabled_reasons(conn, webhooks) if webhooks else {}
    created = 0
    for m in messages:
        if m.kind not in ("webhook", "notice"):
            raise ValueError(f"a {m.kind!r} message cannot be added by itself: webhook or notice")
        target = clean(m.target)
        row = _pending(
            {
                "kind": m.kind,
                "target": target,
                "event": clean(m.event),
                "subject": clean(m.subject),
                "body": clean(m.body),
                "dedup_key": clean(m.dedup_key),
            },
            now,
        )
        if target in reasons and m.kind == "webhook":
            row.update(state="disabled", last_error=reasons[target])
        else:
            row["last_error"] = None
        created += _insert_new(conn, outbox, ["dedup_key"], [row])
    return created


def mark_sent(conn: Connection, outbox_id: int, now: datetime) -> None:
    """The attempt succeeded; the last error stays, to show what was overcome."""
    _attempted(conn, outbox_id, now, state="sent", sent_at=now)


def mark_retry(
    conn: Connection, outbox_id: int, now: datetime, error: str, next_attempt_at: datetime
) -> None:
    """The attempt failed and is retried at ``next_attempt_at``.

    A message whose endpoint was disabled while the attempt was in flight stays
    disabled: retrying it is the operator's decision now.
    """
    o = outbox.c
    state = sa.case((o.state == "disabled", "disabled"), else_="pending")
    error = cut_error(error)
    _attempted(conn, outbox_id, now, state=state, last_error=error, next_attempt_at=next_attempt_at)


def mark_failed(conn: Connection, outbox_id: int, now: datetime, error: str) -> None:
    """The attempt failed and retrying cannot help (or the retries ran out)."""
    _attempted(conn, outbox_id, now, state="failed", last_error=cut_error(error))


def disable_endpoint(conn: Connection, webhook_id: str, now: datetime, reason: str) -> int:
    """Record ``webhook_id`` as disabled and disable its pending messages; how many."""
    webhook_id, reason = clean(webhook_id), cut_error(reason)
    row = {"id": webhook_id, "disabled_at": now, "disabled_reason": reason}
    dialect.upsert(conn, endpoints, ["id"], row)
    o = outbox.c
    stmt = (
        sa.update(outbox)
        .where(o.kind == "webhook", o.target == webhook_id, o.state == "pending")
        # The lease goes too: a message retried by hand is then due at once.
        .values(state="disabled", last_error=reason, lease_until=None)
    )
    return conn.execute(stmt).rowcount


def enable_endpoint(conn: Connection, webhook_id: str) -> None:
    """Forget that ``webhook_id`` was disabled; its disabled messages stay disabled."""
    stmt = (
        sa.update(endpoints)
        .where(endpoints.c.id == clean(webhook_id))
        .values(disabled_at=None, disabled_reason=None)
    )
    conn.execute(stmt)


def disabled_reasons(conn: Connection, webhook_ids: Iterable[str] | None = None) -> dict[str, str]:
    """Why each disabled endpoint (of ``webhook_ids``, or all) was disabled, by id."""
    e = endpoints.c
    stmt = sa.select(e.id, e.disabled_reason).where(e.disabled_at.is_not(None)).order_by(e.id)
    if webhook_ids is not None:
        stmt = stmt.where(e.id.in_(list(webhook_ids)))
    return {webhook_id: reason or "" for webhook_id, reason in conn.execute(stmt)}


def _pending(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    kind = row["kind"]
    return {
        **row,
        "message_id": message_id(kind),
        "state": "pending",
        "next_attempt_at": now,
        "created_at": now,
    }


def _insert_new(
    conn: Connection, table: sa.Table, keys: Sequence[str], rows: list[dict[str, Any]]
) -> int:
    """Insert ``rows`` (all with the same columns) unless ``keys`` conflict; how many."""
    stmt = dialect.insert_or_ignore(conn, table, keys).returning(table.c.id)
    return len(conn.execute(stmt, rows).all())


def _attempted(conn: Connection, outbox_id: int, now: datetime, **values: Any) -> None:
    o = outbox.c
    stmt = (
        sa.update(outbox)
        .where(o.id == outbox_id)
        .values(attempts=o.attempts + 1, last_attempt_at=now, lease_until=None, **values)
    )
    if conn.execute(stmt).rowcount != 1:
        raise MessageNotFoundError(outbox_id)


def _utc(value: datetime) -> datetime:
    # Checked here, not only by UTCDateTime: a naive value would be read as local
    # time by astimezone and give a key that no other process computes.
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeError(f"naive datetime {value.isoformat()}: storage needs aware")
    return value.astimezone(UTC)
