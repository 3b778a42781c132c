"""Sending one webhook alert: one signed POST, one answer, one outcome.

Owns the HTTP exchange with a webhook endpoint (the only place in ``alerts`` that uses
httpx) and the meaning of its answer:

    any 2xx                          delivered: return
    410 Gone                         EndpointGoneError: disable the endpoint
    anything else (3xx, 4xx, 5xx)    TemporaryDeliveryError, with Retry-After if sent
    timeout, refused, DNS, TLS       TemporaryDeliveryError
    a URL httpx cannot request       PermanentDeliveryError (retrying cannot help)
    a malformed secret               PermanentDeliveryError

One deadline (``endpoint.timeout``) bounds the whole exchange. The status decides: once
it has arrived, a slow, broken or huge body changes nothing (at most 64 KiB is read).

Each attempt is signed afresh (``webhook-timestamp`` of this attempt, hazard 11) over
the same body and ``webhook-id``. Redirects are never followed: the signature is for
the configured endpoint, and a 3xx usually means a moved endpoint the operator must fix.

Must not: retry or sleep (the dispatcher schedules retries), log, or put a secret in a
message. Error messages name the webhook by id and show only scheme://host[:port] of
its URL: a path or query string can hold a token (Slack, Discord, Matrix bridges).
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy
from urllib.parse import urlsplit

import httpx

from alerts.errors import EndpointGoneError, PermanentDeliveryError, TemporaryDeliveryError
from alerts.payload import webhook_body
from alerts.settings import WebhookSettings
from alerts.signing import sign
from storage.records import OutboxMessage

MAX_RESPONSE_BYTES = 64 * 1024  # read this much of an answer, then hang up: it is discarded
MAX_RETRY_AFTER = 24 * 60 * 60.0  # seconds: an endpoint cannot park our alerts for longer
_MAX_REASON = 200  # characters of a library's error text kept in our message


@asynccontextmanager
async def webhook_client(
    ssl_context: ssl.SSLContext | None = None,
) -> AsyncIterator[httpx.AsyncClient]:
    """The HTTP client for webhooks, closed on exit (built once by the composition root).

    ``ssl_context`` replaces the system's trust store (tests use a throw-away CA).
    """
    async with httpx.AsyncClient(
        follow_redirects=False,
        # Proxy variables in the environment must not silently reroute signed alerts.
        trust_env=False,
        # A backstop only: WebhookSender.send puts one deadline on the whole exchange.
        timeout=httpx.Timeout(60.0),
        # An endpoint's cookies have no business in our next request, to it or another.
        cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
        verify=ssl_context if ssl_context is not None else True,
    ) as client:
        yield client


class WebhookSender:
    """Posts outbox messages to webhook endpoints over a client owned by the caller."""

    def __init__(
        self, client: httpx.AsyncClient, *, clock: Callable[[], datetime], user_agent: str
    ) -> None:
        self._client = client
        self._clock = clock
        self._user_agent = user_agent

    async def send(self, endpoint: WebhookSettings, message: OutboxMessage) -> None:
        """Deliver ``message`` to ``endpoint`` once; raise a DeliveryError if not."""
        body = webhook_body(message)
        timestamp = int(self._clock().timestamp())
        try:
            signature = sign(endpoint.secrets, message.message_id, timestamp, body)
        except ValueError as e:
            raise PermanentDeliveryError(f"webhook {endpoint.id}: {e}") from e
        headers = {
            "content-type": "application/json",
            "user-agent": self._user_agent,
            "webhook-id": message.message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature,
        }
        where = public_origin(endpoint.url)
        # One deadline for the whole exchange: httpx's timeouts are per operation, so an
        # endpoint that trickled its answer a byte at a time would never time out.
        deadline = asyncio.get_running_loop().time() + endpoint.timeout
        try:
            async with asyncio.timeout_at(deadline):
                response = await self._request(endpoint, headers, body)
        except TimeoutError:
            raise TemporaryDeliveryError(
                f"webhook {endpoint.id} did not answer within {endpoint.timeout:g} s ({where})"
            ) from None  # the cause is CancelledError noise from asyncio.timeout
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as e:
            raise PermanentDeliveryError(
                f"webhook {endpoint.id} has a URL that cannot be requested ({where}):"
                f" {_reason(e, endpoint.url)}"
            ) from e
        except httpx.TimeoutException as e:  # one step alone took the whole deadline
            raise TemporaryDeliveryError(
                f"webhook {endpoint.id} did not answer within {endpoint.timeout:g} s"
                f" ({where}): {_reason(e, endpoint.url)}"
            ) from e
        except httpx.TransportError as e:
            what = "TLS failure" if _is_tls_error(e) else "connection failure"
            raise TemporaryDeliveryError(
                f"{what} talking to webhook {endpoint.id} ({where}): {_reason(e, endpoint.url)}"
            ) from e
        await _discard(response, deadline)
        status = response.status_code
        if 200 <= status < 300:
            return
        if status == 410:
            raise EndpointGoneError(
                f"HTTP 410 from webhook {endpoint.id}: it asks not to be called again"
            )
        raise TemporaryDeliveryError(
            f"HTTP {status} from webhook {endpoint.id}",
            retry_after=parse_retry_after(response.headers.get("retry-after"), self._clock()),
        )

    async def _request(
        self, endpoint: WebhookSettings, headers: Mapping[str, str], body: bytes
    ) -> httpx.Response:
        """The endpoint's status line and headers; the body is left to ``_discard``."""
        request = self._client.build_request(
            "POST", endpoint.url, headers=headers, content=body, timeout=endpoint.timeout
        )
        return await self._client.send(request, stream=True, follow_redirects=False)


async def _discard(response: httpx.Response, deadline: float) -> None:
    """Read a little of the answer's body, then close it.

    The status has decided the outcome by now: a body that is slow, broken or huge
    must not turn a 2xx into a retry, which would deliver the alert twice. Reading a
    small body leaves the connection reusable; the cap means a huge (or endless) one is
    neither held nor waited for. Raw bytes: a compressed answer is never inflated.
    """
    try:
        async with asyncio.timeout_at(deadline):
            received = 0
            async for chunk in response.aiter_raw():
                received += len(chunk)
                if received >= MAX_RESPONSE_BYTES:
                    break
    except (TimeoutError, httpx.HTTPError):
        pass
    finally:
        await response.aclose()


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (RFC 9110 section 10.2.3), capped at
    24 h; None when absent or unusable. Delta-seconds or an HTTP-date; a past date is 0."""
    if value is None or not (value := value.strip()):
        return None
    if value.isascii() and value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000" or no zone: HTTP dates are UTC
        when = when.replace(tzinfo=UTC)
    return min(max((when - now).total_seconds(), 0.0), MAX_RETRY_AFTER)


def public_origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url``: no user, password, path or query string."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "(unparsable URL)"
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")


def _reason(error: Exception, url: str) -> str:
    """A library's error text, short, with any quoted part of the URL beyond its origin
    (user, path, query string: where tokens live) replaced by "…"."""
    text = " ".join(str(error).split()) or type(error).__name__
    text = text.replace(url, public_origin(url) + "/…")
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is not None:
        secretive = (
            parts.path + ("?" + parts.query if parts.query else ""),
            parts.query,
            parts.username or "",
            parts.password or "",
        )
        for fragment in secretive:
            if len(fragment) > 1:  # a bare "/" is no secret, and is everywhere
                text = text.replace(fragment, "…")
    if len(text) > _MAX_REASON:
        text = text[: _MAX_REASON - 1] + "…"
    return text


def _is_tls_error(error: BaseException) -> bool:
    # httpx wraps httpcore's error, which wraps the ssl module's: walk the chain.
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
