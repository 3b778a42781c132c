"""WebhookSender against a real receiver on 127.0.0.1: signatures checked with the
``standardwebhooks`` reference library, every outcome class, deadlines and limits."""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import trustme
from standardwebhooks.webhooks import Webhook

from alerts.errors import (
    DeliveryError,
    EndpointGoneError,
    PermanentDeliveryError,
    TemporaryDeliveryError,
)
from alerts.payload import webhook_body
from alerts.settings import WebhookSettings
from alerts.webhook import WebhookSender, parse_retry_after, webhook_client
from storage.records import OutboxMessage
from tests.alerts.webhook_factories import NEXT_SECRET, SECRET, webhook_message
from tests.servers.webhook_receiver import Answer, WebhookReceiver

USER_AGENT = "monitor-test/1.0 (+https://example.org/monitor)"


class Clock:
    """A settable clock: the reference verifier allows 5 minutes of skew from real time,
    so tests start from now and step forward a little."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now


def endpoint(url: str, **overrides: object) -> WebhookSettings:
    values: dict[str, object] = {
        "id": "urgent-hook", "url": url, "secrets": (SECRET,), "timeout": 5.0,
    }  # fmt: skip
    return WebhookSettings(**{**values, **overrides})  # type: ignore[arg-type]


def attempts(
    target: WebhookSettings,
    message: OutboxMessage,
    times: list[datetime] | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> list[DeliveryError | None]:
    """Send ``message`` once per time in ``times`` (one attempt at real now by default)
    on one client, as the dispatcher would; the outcome of each attempt."""
    clock = Clock()

    async def run() -> list[DeliveryError | None]:
        outcomes: list[DeliveryError | None] = []
        async with webhook_client(ssl_context) as client:
            sender = WebhookSender(client, clock=clock, user_agent=USER_AGENT)
            for moment in times or [clock.now]:
                clock.now = moment
                try:
                    await sender.send(target, message)
                except DeliveryError as e:
                    outcomes.append(e)
                else:
                    outcomes.append(None)
        return outcomes

    return asyncio.run(run())


def deliver(target: WebhookSettings, message: OutboxMessage | None = None) -> DeliveryError | None:
    return attempts(target, message or webhook_message())[0]


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


# -- delivery and signatures ------------------------------------------------------------


def test_delivers_the_body_signed_per_standard_webhooks(webhook_receiver: WebhookReceiver) -> None:
    message = webhook_message()
    assert deliver(endpoint(webhook_receiver.url("/hook")), message) is None
    [request] = webhook_receiver.requests("/hook")
    assert request.method == "POST"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"] == USER_AGENT
    assert request.headers["webhook-id"] == message.message_id
    assert request.body == webhook_body(message)
    assert Webhook(SECRET).verify(request.body, request.headers) == request.json()
    assert request.json()["data"]["item"]["title"] == "Masoud Jamei sentenced to death"


@pytest.mark.parametrize("receiver_secret", [SECRET, NEXT_SECRET])
def test_while_rotating_a_receiver_with_either_secret_verifies(
    webhook_receiver: WebhookReceiver, receiver_secret: str
) -> None:
    target = endpoint(webhook_receiver.url("/hook"), secrets=(SECRET, NEXT_SECRET))
    assert deliver(target) is None
    [request] = webhook_receiver.requests("/hook")
    Webhook(receiver_secret).verify(request.body, request.headers)


def test_each_attempt_is_signed_afresh_over_the_same_id_and_body(
    webhook_receiver: WebhookReceiver,
) -> None:
    webhook_receiver.script("/hook", [500, 503, 200])
    start = Clock().now
    times = [start, start + timedelta(seconds=61), start + timedelta(seconds=185)]
    message = webhook_message()
    outcomes = attempts(endpoint(webhook_receiver.url("/hook")), message, times)
    assert [type(o) for o in outcomes] == [
        TemporaryDeliveryError, TemporaryDeliveryError, type(None),
    ]  # fmt: skip
    requests = webhook_receiver.requests("/hook")
    assert [r.headers["webhook-timestamp"] for r in requests] == [
        str(int(t.timestamp())) for t in times
    ]
    assert {r.headers["webhook-id"] for r in requests} == {message.message_id}
    assert {r.body for r in requests} == {webhook_body(message)}
    assert len({r.headers["webhook-signature"] for r in requests}) == 3
    for request in requests:
        Webhook(SECRET).verify(request.body, request.headers)


# -- outcomes ---------------------------------------------------------------------------

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.mark.parametrize(
    ("answer", "error", "message", "retry_after"),
    [
        (Answer(200), None, None, None),
        (Answer(201, body=b'{"ok":true}'), None, None, None),
        (Answer(202), None, None, None),
        (Answer(204), None, None, None),
        (Answer(404, body=b"no such hook"), TemporaryDeliveryError, "HTTP 404", None),
        (Answer(400), TemporaryDeliveryError, "HTTP 400", None),
        (Answer(500), TemporaryDeliveryError, "HTTP 500", None),
        (Answer(502), TemporaryDeliveryError, "HTTP 502", None),
        (Answer(429, {"Retry-After": "120"}), TemporaryDeliveryError, "HTTP 429", 120.0),
        (Answer(503, {"Retry-After": format_datetime(NOW + timedelta(seconds=90), usegmt=True)}),
         TemporaryDeliveryError, "HTTP 503", 90.0),
        (Answer(429, {"Retry-After": "9999999"}), TemporaryDeliveryError, "HTTP 429", 86400.0),
        (Answer(429, {"Retry-After": "soon"}), TemporaryDeliveryError, "HTTP 429", None),
        (Answer(410), EndpointGoneError, "HTTP 410", None),
        (Answer(100 + 199), None, None, None),  # 299: any 2xx
        (Answer(304), TemporaryDeliveryError, "HTTP 304", None),
    ],
)  # fmt: skip
def test_outcome_of_each_answer(
    webhook_receiver: WebhookReceiver,
    answer: Answer,
    error: type[DeliveryError] | None,
    message: str | None,
    retry_after: float | None,
) -> None:
    webhook_receiver.script("/hook", [answer])
    [outcome] = attempts(endpoint(webhook_receiver.url("/hook")), webhook_message(), [NOW])
    if error is None:
        assert outcome is None
        return
    assert type(outcome) is error
    assert str(outcome).startswith(f"{message} from webhook urgent-hook")
    if isinstance(outcome, TemporaryDeliveryError):
        assert outcome.retry_after == retry_after


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirects_are_not_followed(webhook_receiver: WebhookReceiver, status: int) -> None:
    moved = Answer(status, {"Location": webhook_receiver.url("/elsewhere")})
    webhook_receiver.script("/hook", [moved])
    outcome = deliver(endpoint(webhook_receiver.url("/hook")))
    assert isinstance(outcome, TemporaryDeliveryError)
    assert str(outcome) == f"HTTP {status} from webhook urgent-hook"
    assert webhook_receiver.requests("/elsewhere") == []
    assert len(webhook_receiver.requests()) == 1


def test_a_receiver_slower_than_the_timeout(webhook_receiver: WebhookReceiver) -> None:
    webhook_receiver.script("/slow", [Answer(200, delay=5.0)])
    started = time.monotonic()
    outcome = deliver(endpoint(webhook_receiver.url("/slow"), timeout=0.5))
    assert time.monotonic() - started < 2.0
    assert isinstance(outcome, TemporaryDeliveryError)
    assert str(outcome).startswith("webhook urgent-hook did not answer within 0.5 s (http://")
    assert outcome.retry_after is None


@pytest.mark.parametrize(
    ("status", "error"), [(200, None), (500, TemporaryDeliveryError), (410, EndpointGoneError)]
)
def test_the_status_decides_even_when_the_body_trickles_past_the_deadline(
    webhook_receiver: WebhookReceiver, status: int, error: type[DeliveryError] | None
) -> None:
    # httpx's per-read timeouts never fire on a byte every 50 ms; the overall deadline
    # does. A 2xx stays a success: retrying it would deliver the alert twice.
    webhook_receiver.script("/trickle", [Answer(status, endless=True, trickle=0.05)])
    started = time.monotonic()
    outcome = deliver(endpoint(webhook_receiver.url("/trickle"), timeout=0.5))
    assert 0.4 < time.monotonic() - started < 2.0
    assert (None if outcome is None else type(outcome)) is error


def test_a_huge_answer_is_neither_held_nor_waited_for(webhook_receiver: WebhookReceiver) -> None:
    webhook_receiver.script("/huge", [Answer(200, endless=True)])
    tracemalloc.start()
    try:
        started = time.monotonic()
        outcome = deliver(endpoint(webhook_receiver.url("/huge"), timeout=5.0))
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert outcome is None
    assert elapsed < 2.0  # it stopped reading; the body never ends
    assert peak < 8 * 1024 * 1024


def test_an_unreachable_port() -> None:
    port = unused_port()
    outcome = deliver(endpoint(f"http://127.0.0.1:{port}/hook"))
    assert isinstance(outcome, TemporaryDeliveryError)
    assert str(outcome).startswith(
        f"connection failure talking to webhook urgent-hook (http://127.0.0.1:{port}): "
    )
    assert "Traceback" not in str(outcome)


def test_messages_show_no_token_from_the_url() -> None:
    port = unused_port()
    url = f"http://alice:pa55word@127.0.0.1:{port}/services/T0/B0/s3cr3tpath?token=t0k3n"
    outcome = deliver(endpoint(url))
    assert isinstance(outcome, TemporaryDeliveryError)
    text = str(outcome)
    assert f"(http://127.0.0.1:{port})" in text
    for secret in ("alice", "pa55word", "s3cr3tpath", "t0k3n", "services"):
        assert secret not in text


@pytest.mark.parametrize("url", ["", "ftp://127.0.0.1/hook", "127.0.0.1/hook", "http://[::1/hook"])
def test_a_url_that_cannot_be_requested_fails_for_good(url: str) -> None:
    outcome = deliver(endpoint(url))
    assert isinstance(outcome, PermanentDeliveryError)
    assert str(outcome).startswith("webhook urgent-hook has a URL that cannot be requested")


def test_a_malformed_secret_fails_for_good_without_a_request(
    webhook_receiver: WebhookReceiver,
) -> None:
    target = endpoint(webhook_receiver.url("/hook"), secrets=(SECRET, "whsec_n0t-base64!"))
    outcome = deliver(target)
    assert isinstance(outcome, PermanentDeliveryError)
    assert "secret 2 of 2" in str(outcome)
    assert "n0t" not in str(outcome)
    assert webhook_receiver.requests() == []


# -- TLS ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate_authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_receiver(certificate_authority: trustme.CA) -> Iterator[WebhookReceiver]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate_authority.issue_cert("127.0.0.1").configure_cert(context)
    receiver = WebhookReceiver()
    receiver.start(ssl_context=context)
    try:
        yield receiver
    finally:
        receiver.stop()


def test_tls_to_a_trusted_certificate(
    tls_receiver: WebhookReceiver, certificate_authority: trustme.CA
) -> None:
    trusting = ssl.create_default_context()
    certificate_authority.configure_trust(trusting)
    message = webhook_message()
    target = endpoint(tls_receiver.url("/hook"))
    assert attempts(target, message, ssl_context=trusting) == [None]
    [request] = tls_receiver.requests("/hook")
    Webhook(SECRET).verify(request.body, request.headers)


def test_tls_to_an_untrusted_certificate(tls_receiver: WebhookReceiver) -> None:
    outcome = deliver(endpoint(tls_receiver.url("/hook")))
    assert isinstance(outcome, TemporaryDeliveryError)
    assert str(outcome).startswith("TLS failure talking to webhook urgent-hook (https://127.0.0.1:")
    assert "CERTIFICATE_VERIFY_FAILED" in str(outcome)
    assert tls_receiver.requests() == []


# -- Retry-After ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (None, None),
        ("", None),
        ("120", 120.0),
        (" 120 ", 120.0),
        ("0", 0.0),
        ("86401", 86400.0),  # capped at a day
        ("-5", None),
        ("1.5", None),
        ("١٢٠", None),  # not ASCII digits
        ("soon", None),
        ("Sat, 12 Jul 2025 09:31:30 GMT", 90.0),
        ("Saturday, 12-Jul-25 09:31:30 GMT", 90.0),  # RFC 850, obsolete but allowed
        ("Sat Jul 12 09:31:30 2025", 90.0),  # asctime
        ("Sat, 12 Jul 2025 09:00:00 GMT", 0.0),  # in the past: now
        ("Sat, 19 Jul 2025 09:30:00 GMT", 86400.0),
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, datetime(2025, 7, 12, 9, 30, tzinfo=UTC)) == seconds


# -- the receiver itself ----------------------------------------------------------------


def test_the_receiver_repeats_its_last_answer_and_can_be_waited_on(
    webhook_receiver: WebhookReceiver,
) -> None:
    webhook_receiver.script("/hook", [500, 200])
    message = webhook_message()
    start = Clock().now
    times = [start + timedelta(seconds=i) for i in range(4)]
    outcomes = attempts(endpoint(webhook_receiver.url("/hook?x=1")), message, times)
    assert [o is None for o in outcomes] == [False, True, True, True]
    assert len(webhook_receiver.wait_for(4, "/hook", timeout=1.0)) == 4
    assert webhook_receiver.requests("/other") == []
    with pytest.raises(AssertionError, match="4 requests to /hook, not 5"):
        webhook_receiver.wait_for(5, "/hook", timeout=0.1)
