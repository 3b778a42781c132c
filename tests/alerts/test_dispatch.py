"""The outbox worker against real peers: a real store (SQLite and PostgreSQL), the real
webhook receiver and SMTP server on loopback, and a clock the test moves."""

from __future__ import annotations

import asyncio
import base64
import functools
import random
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook

from alerts import schedule
from alerts.dispatch import Dispatcher
from alerts.settings import AlertSettings, DigestSettings, SmtpSettings, WebhookSettings
from alerts.smtp import SmtpSender
from alerts.webhook import WebhookSender, webhook_client
from storage import Store
from tests.servers.smtp_server import SmtpServer
from tests.servers.webhook_receiver import WebhookReceiver
from tests.storage.factories import digest, feed, item, succeeded, topic, webhook

SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()
T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def synchronously(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Runs an async test in its own event loop (the suite uses no asyncio plugin)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def stored(store: Store) -> Iterator[Store]:
    store.sync_feeds([feed()], T0)
    yield store


def settings(receiver: WebhookReceiver, smtp: SmtpServer) -> AlertSettings:
    return AlertSettings(
        operator="ops@example.org",
        smtp=SmtpSettings(smtp.host, smtp.port, "none", "Monitor <monitor@example.org>"),
        digests=(DigestSettings("daily", ("desk@example.org",), time(7), "UTC"),),
        webhooks=(WebhookSettings("hook", receiver.url("/hook"), (SECRET,)),),
    )


@asynccontextmanager
async def dispatcher(
    store: Store, alert_settings: AlertSettings, clock: Clock
) -> AsyncIterator[Dispatcher]:
    assert alert_settings.smtp is not None
    async with webhook_client() as client:
        yield Dispatcher(
            store,
            alert_settings,
            webhooks=WebhookSender(client, clock=clock, user_agent="monitor-test"),
            mail=SmtpSender(alert_settings.smtp),
            clock=clock,
            topic_names={"death_sentence": "Death sentences"},
            rng=random.Random(7),
        )


def store_urgent_item(store: Store, identity: str, minute: float = 0) -> None:
    new = item(identity, matches=(topic("death_sentence", "urgent", "sentenced to death"),),
               routes=(webhook("hook"), digest("daily")))  # fmt: skip
    store.record_success(succeeded(minute=minute), [new])


@synchronously
async def test_500_500_200_is_three_attempts_spaced_by_the_schedule(
    stored: Store, webhook_receiver: WebhookReceiver, smtp_server: SmtpServer, clock: Clock
) -> None:
    webhook_receiver.script("/hook", [500, 500, 200])
    clock.now = T0 + timedelta(hours=1)
    store_urgent_item(stored, "a", minute=0)
    async with dispatcher(stored, settings(webhook_receiver, smtp_server), clock) as d:
        attempt_times = []
        for attempt in (1, 2, 3):
            report = await d.dispatch_due(("webhook",))
            attempt_times.append(clock.now)
            assert len(webhook_receiver.requests("/hook")) == attempt
            if attempt < 3:
                assert report.retried == 1
                (pending,) = stored.list_outbox(states=["pending"])
                assert pending.next_attempt_at is not None
                wait = pending.next_attempt_at - clock.now
                assert timedelta(0) <= wait <= timedelta(seconds=schedule.cap(attempt))
                # Not a moment early: just before its time, nothing is sent.
                clock.now = pending.next_attempt_at - timedelta(milliseconds=1)
                await d.dispatch_due(("webhook",))
                assert len(webhook_receiver.requests("/hook")) == attempt
                clock.now = pending.next_attempt_at
            else:
                assert report.sent == 1
        clock.now += timedelta(days=5)
        await d.dispatch_due()

    requests = webhook_receiver.requests("/hook")
    assert len(requests) == 3
    assert len({r.headers["webhook-id"] for r in requests}) == 1
    assert len({r.body for r in requests}) == 1
    stamps = [int(r.headers["webhook-timestamp"]) for r in requests]
    assert stamps == [int(t.timestamp()) for t in attempt_times]
    for r in requests:  # each attempt signed afresh, judged by the reference library
        signed_at = datetime.fromtimestamp(int(r.headers["webhook-timestamp"]), UTC)
        expected = Webhook(SECRET).sign(r.headers["webhook-id"], signed_at, r.body.decode())
        assert r.headers["webhook-signature"] == expected
    (sent,) = stored.list_outbox(states=["sent"])
    assert sent.attempts == 3
    assert smtp_server.received == []  # no operator notice for a delivery that made it


@synchronously
async def test_410_disables_the_endpoint_and_tells_the_operator_once(
    stored: Store, webhook_receiver: WebhookReceiver, smtp_server: SmtpServer, clock: Clock
) -> None:
    webhook_receiver.script("/hook", [410])
    store_urgent_item(stored, "a")
    async with dispatcher(stored, settings(webhook_receiver, smtp_server), clock) as d:
        report = await d.dispatch_due(("webhook", "notice"))
        assert report.disabled == 1
        store_urgent_item(stored, "b", minute=1)  # a later alert to the disabled endpoint
        for _ in range(3):
            clock.now += timedelta(days=1)
            await d.dispatch_due(("webhook", "notice"))

    assert len(webhook_receiver.requests("/hook")) == 1
    assert stored.outbox_summary()["disabled"] == 2
    notices = [m for m in smtp_server.received if m.rcpt_tos == ["ops@example.org"]]
    assert len(notices) == 1
    assert "410" in notices[0].message["Subject"]
    assert "monitor deliveries retry" in notices[0].message.get_content()


@synchronously
async def test_retry_by_hand_re_enables_the_endpoint(
    stored: Store, webhook_receiver: WebhookReceiver, smtp_server: SmtpServer, clock: Clock
) -> None:
    webhook_receiver.script("/hook", [410, 200])
    store_urgent_item(stored, "a")
    async with dispatcher(stored, settings(webhook_receiver, smtp_server), clock) as d:
        await d.dispatch_due(("webhook",))
        (disabled,) = stored.list_outbox(states=["disabled"])
        stored.retry_message(disabled.id, clock())
        report = await d.dispatch_due(("webhook",))
    assert report.sent == 1
    assert stored.disabled_endpoints() == {}
    first, second = webhook_receiver.requests("/hook")
    assert first.headers["webhook-id"] == second.headers["webhook-id"]


@synchronously
async def test_exhausted_retries_fail_visibly_and_tell_the_operator(
    stored: Store, webhook_receiver: WebhookReceiver, smtp_server: SmtpServer, clock: Clock
) -> None:
    webhook_receiver.script("/hook", [503])
    store_urgent_item(stored, "a")
    async with dispatcher(stored, settings(webhook_receiver, smtp_server), clock) as d:
        for _ in range(schedule.MAX_ATTEMPTS + 2):
            await d.dispatch_due(("webhook", "notice"))
            clock.now += timedelta(seconds=schedule.RETRY_CAP)
    assert len(webhook_receiver.requests("/hook")) == schedule.MAX_ATTEMPTS
    (failed,) = stored.list_outbox(states=["failed"])
    assert failed.last_error is not None and "HTTP 503" in failed.last_error
    notices = [m for m in smtp_server.received if m.rcpt_tos == ["ops@example.org"]]
    assert len(notices) == 1
    assert "Delivery failed" in notices[0].message["Subject"]


@synchronously
async def test_a_digest_is_sent_once_per_period_even_when_asked_again(
    stored: Store, webhook_receiver: WebhookReceiver, smtp_server: SmtpServer, clock: Clock
) -> None:
    store_urgent_item(stored, "a")
    alert_settings = settings(webhook_receiver, smtp_server)
    clock.now = datetime(2026, 11, 22, 7, 5, tzinfo=UTC)  # started late: 07:00 was missed
    async with dispatcher(stored, alert_settings, clock) as d:
        first = await d.run_digests()
        clock.now += timedelta(hours=3)
        again = await d.run_digests()
    assert (first.sent, again.sent) == (1, 0)
    (mail,) = smtp_server.received
    assert mail.message.get_content_type() == "multipart/alternative"
    assert mail.message["Message-ID"]
    assert "Title a" in mail.raw.decode()


@synchronously
async def test_smtp_4xx_is_retried_and_5xx_fails_the_digest(
    stored: Store, webhook_receiver: WebhookReceiver, smtp_server: SmtpServer, clock: Clock
) -> None:
    smtp_server.script("DATA", "451 4.3.0 Try again later", "554 5.7.1 Rejected")
    store_urgent_item(stored, "a")
    clock.now = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)
    async with dispatcher(stored, settings(webhook_receiver, smtp_server), clock) as d:
        first = await d.run_digests()
        clock.now += timedelta(days=1, hours=-1)  # the retry is due; the next period is not
        second = await d.run_digests()
    assert (first.retried, second.failed) == (1, 1)
    digests = stored.list_outbox(states=["failed"])
    assert [m.kind for m in digests] == ["digest"]
    assert digests[0].last_error is not None and "554" in digests[0].last_error


@synchronously
async def test_a_new_digest_with_nothing_waiting_starts_at_its_next_time(
    stored: Store, webhook_receiver: WebhookReceiver, smtp_server: SmtpServer, clock: Clock
) -> None:
    alert_settings = settings(webhook_receiver, smtp_server)
    clock.now = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)  # installed after today's 07:00
    async with dispatcher(stored, alert_settings, clock) as d:
        assert (await d.run_digests()).sent == 0
        store_urgent_item(stored, "a")  # polled at T0 + 0: before tomorrow's period ends
        clock.now = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
        assert (await d.run_digests()).sent == 1
        clock.now = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
        assert (await d.run_digests()).sent == 1  # from then on, "nothing new" every day
    first, second = smtp_server.received
    assert "Title a" in first.raw.decode()
    assert "Nothing new" in second.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
