"""The outbox worker: claims due messages from storage, sends them, records the outcome.

Nothing is sent from memory only. Every message was written to the outbox in the
transaction that stored its cause (a matched item, a digest period, an operator
notice); this worker only moves messages between states:

    pending --sent--> sent
    pending --temporary failure--> pending (next attempt by ``schedule.next_attempt``)
    pending --permanent failure, or attempts exhausted--> failed  (operator told)
    pending --webhook answered 410--> disabled, with every pending message to that
                                      endpoint (operator told)

A crash between a peer's acceptance and ``mark_sent`` leaves the message pending
under a lease; after the lease it is sent once more with the same ``webhook-id`` or
``Message-ID``, which receivers deduplicate on (docs/alerts.md). ``crash_at`` is a
fault-injection switch for the tests that prove this with a real SIGKILL.
Must not: decide routing (``routing``), render (``digest``, ``payload``), word notices
(``notices``) or talk to a peer itself (``webhook``, ``smtp``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import signal
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

from alerts import notices, schedule
from alerts.digest import compose_digest, compose_notice
from alerts.errors import (
    DeliveryError,
    EndpointGoneError,
    PermanentDeliveryError,
    TemporaryDeliveryError,
)
from alerts.settings import AlertSettings, WebhookSettings
from storage import OutboxMessage, Store

log = logging.getLogger("monitor.alerts")

CRASH_POINTS = ("before_send", "after_send")
BATCH = 50  # messages claimed at once
PARALLEL = 10  # messages being sent at once


class WebhookSending(Protocol):
    async def send(self, endpoint: WebhookSettings, message: OutboxMessage) -> None: ...


class MailSending(Protocol):
    async def send(self, msg: EmailMessage) -> None: ...


@dataclass
class DispatchReport:
    """What one dispatch pass did; ``problems`` holds one line per failed attempt."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    disabled: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, other: DispatchReport) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.disabled += other.disabled
        self.problems += other.problems


class Dispatcher:
    """Sends what the outbox holds, through the given senders."""

    def __init__(
        self,
        store: Store,
        settings: AlertSettings,
        *,
        webhooks: WebhookSending | None,
        mail: MailSending | None,
        clock: Callable[[], datetime],
        topic_names: Mapping[str, str],
        rng: random.Random | None = None,
        lease: timedelta = timedelta(minutes=5),
        crash_at: str | None = None,
    ) -> None:
        if crash_at is not None and crash_at not in CRASH_POINTS:
            raise ValueError(f"crash_at must be one of {CRASH_POINTS}, not {crash_at!r}")
        self._store = store
        self._settings = settings
        self._webhooks = webhooks
        self._mail = mail
        self._clock = clock
        self._topic_names = topic_names
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self._lease = lease
        self._crash_at = crash_at
        self._parallel = asyncio.Semaphore(PARALLEL)

    def use(
        self, settings: AlertSettings, topic_names: Mapping[str, str], mail: MailSending | None
    ) -> None:
        """Sends the next messages with these settings (feeds.yaml changed); messages
        being sent finish with the old ones."""
        self._settings = settings
        self._topic_names = topic_names
        self._mail = mail

    async def dispatch_due(
        self, kinds: Sequence[str] = ("webhook", "notice", "digest")
    ) -> DispatchReport:
        """Sends every message of ``kinds`` that is due now; returns what happened."""
        report = DispatchReport()
        while True:
            batch = self._store.claim_due(
                self._clock(), kinds=kinds, lease=self._lease, limit=BATCH
            )
            if not batch:
                return report
            # One endpoint's messages go one after another, in order (different ones in
            # parallel): after a 410 no further request reaches it, not even one that
            # would otherwise have been in flight already.
            queues: dict[tuple[str, str], list[OutboxMessage]] = {}
            for message in batch:
                queues.setdefault((message.kind, message.target), []).append(message)
            for one in await asyncio.gather(*(self._deliver_in_order(q) for q in queues.values())):
                report.add(one)

    async def _deliver_in_order(self, queue: Sequence[OutboxMessage]) -> DispatchReport:
        report = DispatchReport()
        for message in queue:
            outcome = await self._deliver(message)
            report.add(outcome)
            if outcome.disabled:  # the rest of the queue was disabled with the endpoint
                break
        return report

    async def run_digests(self, only: str | None = None) -> DispatchReport:
        """Opens the due period of each digest (once per period, whoever asks first)
        and sends every due digest message: today's, and any left pending earlier."""
        now = self._clock()
        for digest in self._settings.digests:
            if only is None or digest.id == only:
                period = schedule.digest_period(digest, now)
                if self._store.last_digest_period(digest.id) is None and not (
                    self._store.preview_digest(digest.id, period)
                ):
                    # A new digest (first start at 15:00 for a 07:00 digest) waits for
                    # its next time rather than send "nothing new" at once.
                    continue
                if self._store.open_digest(digest.id, period, now):
                    log.info("digest due", extra={"fields": {"digest": digest.id,
                                                             "period": period.isoformat()}})
        return await self.dispatch_due(kinds=("digest",))

    def preview(self, digest_id: str) -> EmailMessage | None:
        """The message the digest would send for its current period, sending nothing
        and writing nothing (``monitor digest --preview``)."""
        digest = self._settings.digest(digest_id)
        smtp = self._settings.smtp
        if digest is None or smtp is None:
            raise LookupError(f"no digest {digest_id!r} with a mail server is configured")
        now = self._clock()
        period = schedule.digest_period(digest, now)
        message = OutboxMessage(
            id=0, kind="digest", target=digest.id, event="digest",
            message_id="<preview@monitor.invalid>", attempts=0, created_at=now,
            period_end=period, entries=self._store.preview_digest(digest.id, period),
            reports=self._store.preview_reports(digest.id, period),
        )  # fmt: skip
        return compose_digest(message, digest, smtp, now=now, topic_names=self._topic_names,
                              sources=self._store.source_problems())

    async def _deliver(self, message: OutboxMessage) -> DispatchReport:
        report = DispatchReport()
        async with self._parallel:
            try:
                self._crash("before_send")
                await self._send(message)
            except EndpointGoneError as e:
                self._disable(message, str(e), report)
            except PermanentDeliveryError as e:
                self._fail(message, str(e), report)
            except TemporaryDeliveryError as e:
                self._retry(message, str(e), e.retry_after, report)
            except DeliveryError as e:
                self._retry(message, str(e), None, report)
            except Exception as e:  # a bug must not lose the message: keep it pending
                log.exception("delivery crashed", extra={"fields": _fields(message)})
                self._retry(message, f"internal error: {e!r}", None, report)
            else:
                self._crash("after_send")
                self._store.mark_sent(message.id, self._clock())
                report.sent += 1
                log.info("delivered", extra={"fields": _fields(message)})
        return report

    async def _send(self, message: OutboxMessage) -> None:
        settings = self._settings
        if message.kind == "webhook":
            endpoint = settings.webhook(message.target)
            if endpoint is None:
                raise PermanentDeliveryError(
                    f"webhook {message.target!r} is no longer in the configuration"
                )
            if self._webhooks is None:
                raise TemporaryDeliveryError("webhooks are not being sent by this process")
            await self._webhooks.send(endpoint, message)
            return
        smtp = settings.smtp
        if smtp is None or self._mail is None:
            raise PermanentDeliveryError("no mail server (alerts.smtp) is configured")
        now = self._clock()
        if message.kind == "digest":
            digest = settings.digest(message.target)
            if digest is None:
                raise PermanentDeliveryError(
                    f"digest {message.target!r} is no longer in the configuration"
                )
            email = compose_digest(
                message, digest, smtp, now=now, topic_names=self._topic_names,
                sources=self._store.source_problems(),  # the footer: sources not reporting
            )
        elif settings.operator is None:
            raise PermanentDeliveryError("no operator address (alerts.operator) is configured")
        else:
            email = compose_notice(message, settings.operator, smtp, now=now)
        if email is not None:  # None: an empty period of a digest that sends nothing then
            await self._mail.send(email)

    def _retry(
        self, message: OutboxMessage, error: str, retry_after: float | None, report: DispatchReport
    ) -> None:
        now = self._clock()
        attempts = message.attempts + 1
        when = schedule.next_attempt(now, attempts, self._rng, retry_after)
        if when is None:
            self._fail(message, f"gave up after {attempts} attempts: {error}", report)
            return
        self._store.mark_retry(message.id, now, error, when)
        report.retried += 1
        report.problems.append(f"{notices.name(message)}: {error} (attempt {attempts}, will retry)")
        log.warning("delivery failed, will retry", extra={"fields": {
            **_fields(message), "error": error, "attempt": attempts,
            "next_attempt": when.isoformat()}})  # fmt: skip

    def _fail(self, message: OutboxMessage, error: str, report: DispatchReport) -> None:
        now = self._clock()
        self._store.mark_failed(message.id, now, error)
        report.failed += 1
        report.problems.append(f"{notices.name(message)}: {error} (failed)")
        log.error("delivery failed", extra={"fields": {**_fields(message), "error": error}})
        if message.kind != "notice":  # a notice about a failed notice would loop
            self._notify(notices.delivery_failed(message, error, now))

    def _disable(self, message: OutboxMessage, error: str, report: DispatchReport) -> None:
        now = self._clock()
        # Record the attempt first; disabling then turns the message (and every other
        # pending one to this endpoint) from pending into disabled.
        self._store.mark_retry(message.id, now, error, now)
        count = self._store.disable_endpoint(message.target, now, error)
        report.disabled += count
        report.problems.append(f"{notices.name(message)}: {error} (endpoint disabled)")
        log.error("webhook endpoint disabled", extra={"fields": {
            **_fields(message), "error": error, "messages_disabled": count}})  # fmt: skip
        if not count:  # another message to it, sent at the same time, disabled it first
            return
        self._notify(notices.endpoint_disabled(message, error, count, now))

    def _notify(self, notice: notices.Notice) -> None:
        if self._settings.operator is None or self._settings.smtp is None:
            return
        self._store.add_notice(notice.event, notice.key, notice.subject, notice.body,
                               self._clock())  # fmt: skip

    def _crash(self, point: str) -> None:
        if self._crash_at == point:
            log.warning("fault injection: killing this process", extra={"fields": {
                "at": point}})  # fmt: skip
            os.kill(os.getpid(), signal.SIGKILL)


def _fields(message: OutboxMessage) -> dict[str, object]:
    return {"outbox_id": message.id, "kind": message.kind, "target": message.target,
            "message_id": message.message_id}  # fmt: skip
