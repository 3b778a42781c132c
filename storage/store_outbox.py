"""The delivery outbox part of ``Store``: creating, claiming and marking messages.

A mixin so that ``Store`` stays one object for its callers while its modules stay
small; like ``store.py`` it only decides transactions and error messages, and the
queries live in ``outbox``, ``claims`` and ``deliveries``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from storage import claims, deliveries, items, outbox, story_routes
from storage.errors import ItemNotFoundError, storage_errors
from storage.records import (
    OUTBOX_KINDS,
    DigestEntry,
    OutboxMessage,
    OutboxStatus,
    Route,
    StoredItem,
)


class OutboxStore:
    """The outbox methods of ``Store`` (which sets ``_engine`` and ``_writer``)."""

    _engine: Engine
    _writer: Engine

    def add_routes(self, item_id: int, routes: Sequence[Route], now: datetime) -> int:
        """Route a stored item (a rematch found new matches); how many were created.

        A webhook route is a message to the endpoint (``disabled`` if the endpoint
        is), a digest route an entry waiting for the digest's next message, as the
        item's story allows (``storage.story_routes``). A route the item already has
        is ignored. ``ItemNotFoundError`` if no such item.
        """
        operation = f"route item {item_id}"
        with storage_errors(operation), self._writer.begin() as conn:
            if not items.exists(conn, item_id):
                raise ItemNotFoundError(item_id)
            kept = story_routes.for_stored(conn, item_id, routes)
            return outbox.insert_routes(conn, [(item_id, kept)], now)

    def open_digest(self, digest_id: str, period_end: datetime, now: datetime) -> bool:
        """Create the message of ``digest_id`` for the period ending at ``period_end``,
        due ``now``, unless it exists (whoever calls first); True if created."""
        with storage_errors(f"open digest {digest_id!r}"), self._writer.begin() as conn:
            return outbox.open_digest(conn, digest_id, period_end, now)

    def add_notice(
        self, event: str, dedup_key: str, subject: str, body: str, now: datetime
    ) -> bool:
        """Create an operator notice, due ``now``, unless ``dedup_key`` exists; True if
        created."""
        with storage_errors(f"add notice {event!r}"), self._writer.begin() as conn:
            return outbox.add_notice(conn, event, dedup_key, subject, body, now)

    def claim_due(
        self,
        now: datetime,
        *,
        kinds: Sequence[str] = OUTBOX_KINDS,
        lease: timedelta = timedelta(minutes=5),
        limit: int = 100,
        ids: Sequence[int] | None = None,
    ) -> list[OutboxMessage]:
        """Lease due pending messages (of ``kinds``; of ``ids`` if given) until
        ``now + lease``, oldest due first, with what each carries.

        No other claim gets them until they are marked or the lease ends. A digest
        message takes, on its first claim, the entries waiting up to its period end.
        """
        with storage_errors("claim due messages"), self._writer.begin() as conn:
            return claims.claim_due(conn, now, kinds, lease, limit, ids)

    def last_digest_period(self, digest_id: str) -> datetime | None:
        """The period end of the newest message of ``digest_id``, or None if it has none."""
        with storage_errors(f"read digest {digest_id!r}"), self._engine.connect() as conn:
            return deliveries.last_digest_period(conn, digest_id)

    def preview_digest(self, digest_id: str, period_end: datetime) -> tuple[DigestEntry, ...]:
        """What the message of ``digest_id`` for ``period_end`` would hold; changes nothing."""
        with storage_errors(f"preview digest {digest_id!r}"), self._engine.connect() as conn:
            return claims.preview(conn, digest_id, period_end)

    def preview_reports(self, digest_id: str, period_end: datetime) -> tuple[StoredItem, ...]:
        """The other reports of the stories ``preview_digest`` shows; changes nothing."""
        with storage_errors(f"preview digest {digest_id!r}"), self._engine.connect() as conn:
            return claims.preview_reports(conn, digest_id, period_end)

    def mark_sent(self, id: int, now: datetime) -> None:
        """Message ``id`` was delivered; ``MessageNotFoundError`` if unknown."""
        with storage_errors(f"mark message {id} sent"), self._writer.begin() as conn:
            outbox.mark_sent(conn, id, now)

    def mark_retry(self, id: int, now: datetime, error: str, next_attempt_at: datetime) -> None:
        """Message ``id`` failed this time; due again at ``next_attempt_at``."""
        with storage_errors(f"mark message {id} for retry"), self._writer.begin() as conn:
            outbox.mark_retry(conn, id, now, error, next_attempt_at)

    def mark_failed(self, id: int, now: datetime, error: str) -> None:
        """Message ``id`` failed for good; only ``retry_message`` sends it again."""
        with storage_errors(f"mark message {id} failed"), self._writer.begin() as conn:
            outbox.mark_failed(conn, id, now, error)

    def disable_endpoint(self, webhook_id: str, now: datetime, reason: str) -> int:
        """Disable a webhook endpoint and its pending messages; how many messages."""
        operation = f"disable endpoint {webhook_id!r}"
        with storage_errors(operation), self._writer.begin() as conn:
            return outbox.disable_endpoint(conn, webhook_id, now, reason)

    def enable_endpoint(self, webhook_id: str) -> None:
        """Enable a webhook endpoint again (its disabled messages stay disabled)."""
        with storage_errors(f"enable endpoint {webhook_id!r}"), self._writer.begin() as conn:
            outbox.enable_endpoint(conn, webhook_id)

    def disabled_endpoints(self) -> dict[str, str]:
        """The disabled webhook endpoints: id -> the reason they were disabled."""
        with storage_errors("read disabled endpoints"), self._engine.connect() as conn:
            return outbox.disabled_reasons(conn)

    def outbox_summary(self) -> dict[str, int]:
        """How many messages are in each state (all of ``OUTBOX_STATES``, in order)."""
        with storage_errors("count outbox messages"), self._engine.connect() as conn:
            return deliveries.summary(conn)

    def list_outbox(
        self, *, states: Sequence[str] | None = None, limit: int = 100
    ) -> list[OutboxStatus]:
        """Up to ``limit`` messages, in ``states`` if given, newest first."""
        with storage_errors("list outbox messages"), self._engine.connect() as conn:
            return deliveries.listing(conn, states, limit)

    def retry_message(self, id: int, now: datetime) -> OutboxStatus:
        """Make message ``id`` due ``now`` with its attempts reset (its endpoint enabled).

        ``MessageNotFoundError`` if unknown; ``StorageError`` if it was already sent.
        """
        with storage_errors(f"retry message {id}"), self._writer.begin() as conn:
            return deliveries.retry(conn, id, now)
