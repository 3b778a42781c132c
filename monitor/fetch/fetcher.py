"""Stage 1: one conditional GET of a feed, within limits -> new bytes or "not modified".

Owns the ``Fetcher``: the one reused ``httpx.AsyncClient``, the request headers, the
concurrency slots, the single deadline per request, the redirect loop, reading the body
through the bounded decoders, and the boundary where every failure becomes a
``FetchError`` with its cause chained. It must not parse feeds, store anything or
decide when to poll; it reports ``retry_after`` and leaves backoff to the caller.

    fetch(request)
      slot for the host, then a global slot            limits.py
      deadline starts: request.timeout for everything  (asyncio.timeout, one per request)
        GET with If-None-Match / If-Modified-Since
          connect: resolve, check every address        guard.py + addresses.py
        3xx -> next hop (host slot re-taken per hop)   redirects.py
        304 -> FetchResult(body=None)
        other non-2xx -> FetchError (+ Retry-After)    statuses.py
        2xx -> raw body through bounded decoders       decoding.py
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncGenerator
from contextlib import aclosing
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import TypeVar, cast

import httpx

from monitor.errors import FetchError
from monitor.fetch.addresses import AddressPolicy
from monitor.fetch.decoding import BodyTooLarge, BoundedBody, DecodeError
from monitor.fetch.guard import AddressRefused
from monitor.fetch.limits import RequestLimits
from monitor.fetch.redirects import REDIRECT_STATUSES, RedirectChain, parse_feed_url
from monitor.fetch.statuses import status_error
from monitor.fetch.transport import GuardedTransport
from monitor.model import FetchRequest, FetchResult, HttpSettings

# Feed types first; a little HTML is tolerated because some sites mislabel their feeds.
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1"
)
ACCEPT_ENCODING = "gzip, deflate, br"

_E = TypeVar("_E", bound=BaseException)


class Fetcher:
    """Fetches feeds over one shared HTTP client; use ``async with Fetcher(s) as f``.

    ``address_policy`` replaces the policy derived from ``settings`` (tests use it to
    exempt the loopback test server); ``ssl_context`` replaces the default verifying
    context (tests use it to trust a test CA). Production code passes neither.
    """

    def __init__(
        self,
        settings: HttpSettings,
        *,
        address_policy: AddressPolicy | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._settings = settings
        self._limits = RequestLimits(settings.concurrency, settings.per_host)
        policy = address_policy or AddressPolicy(allow_private=settings.allow_private_networks)
        transport = GuardedTransport(
            policy, max_connections=settings.concurrency, ssl_context=ssl_context
        )
        self._client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            trust_env=False,
            # Cookies would leak between feeds and grow forever; feed readers keep none.
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
            headers={
                "User-Agent": settings.user_agent,
                "Accept": ACCEPT,
                "Accept-Encoding": ACCEPT_ENCODING,
            },
        )

    async def __aenter__(self) -> Fetcher:
        await self._client.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    async def fetch(self, request: FetchRequest) -> FetchResult:
        """GET ``request.url`` conditionally; FetchError for every network/HTTP/limit failure."""
        chain = RedirectChain(parse_feed_url(request.url), self._settings.max_redirects)
        loop = asyncio.get_running_loop()
        try:
            # The deadline is armed once the first slot is ours: time spent queued
            # behind other feeds is not the server's fault.
            async with asyncio.timeout(None) as deadline:
                while True:
                    async with self._limits.slot(chain.current.host):
                        if deadline.when() is None:
                            deadline.reschedule(loop.time() + request.timeout)
                        result = await self._hop(request, chain)
                    if result is not None:
                        return result
        except TimeoutError as e:
            raise _timed_out(request, chain) from e
        except httpx.TimeoutException as e:
            raise _timed_out(request, chain) from e
        except AddressRefused as e:
            raise FetchError(
                f"refused to connect to private address {e.address} ({e.reason}) "
                f"for {chain.where()}; "
                "set http.allow_private_networks: true to allow"
            ) from e
        except BodyTooLarge as e:
            raise FetchError(
                f"body of {chain.where()} is larger than {_size(e.limit)} after "
                "decompression (http.max_body)"
            ) from e
        except DecodeError as e:
            raise FetchError(f"could not decode the body of {chain.where()}: {e}") from e
        except (httpx.HTTPError, httpx.InvalidURL) as e:
            raise FetchError(_describe(e, chain)) from e

    async def _hop(self, request: FetchRequest, chain: RedirectChain) -> FetchResult | None:
        """One request to ``chain.current``: a result, or None after moving to the next hop."""
        headers: dict[bytes, bytes] = {}
        if request.etag:
            headers[b"If-None-Match"] = _header_bytes(request.etag)
        if request.last_modified:
            headers[b"If-Modified-Since"] = _header_bytes(request.last_modified)
        http_request = self._client.build_request(
            "GET", chain.current, headers=headers, timeout=request.timeout
        )
        response = await self._client.send(http_request, stream=True)
        try:
            status = response.status_code
            if not 200 <= status < 300:
                await _drain(response)
            if status in REDIRECT_STATUSES:
                chain.follow(status, response.headers.get("location"))
                return None
            if status == 304:
                return FetchResult(
                    url=str(chain.current),
                    status=304,
                    body=None,
                    etag=_validator(response, b"etag") or request.etag,
                    last_modified=_validator(response, b"last-modified") or request.last_modified,
                    content_type=response.headers.get("content-type"),
                    permanent_url=chain.permanent_url,
                )
            if not 200 <= status < 300:
                raise status_error(status, chain.where(), response.headers)
            body = await self._read_body(response)
            return FetchResult(
                url=str(chain.current),
                status=status,
                body=body,
                etag=_validator(response, b"etag"),
                last_modified=_validator(response, b"last-modified"),
                content_type=response.headers.get("content-type"),
                permanent_url=chain.permanent_url,
            )
        finally:
            await response.aclose()

    async def _read_body(self, response: httpx.Response) -> bytes:
        limit = self._settings.max_body
        encoding = response.headers.get("content-encoding")
        body = BoundedBody(encoding, limit)
        declared = response.headers.get("content-length", "")
        if not encoding and declared.isdigit() and int(declared) > limit:
            raise BodyTooLarge(limit)  # no need to download what we would refuse
        # aiter_raw is an async generator; close it at once when we stop early.
        raw_pieces = cast(AsyncGenerator[bytes, None], response.aiter_raw())
        async with aclosing(raw_pieces) as raw:
            async for piece in raw:
                body.feed(piece)
        return body.finish()


DRAIN_LIMIT = 64 * 1024


async def _drain(response: httpx.Response) -> None:
    """Reads the small body of a 304, redirect or error so the connection goes back to
    the pool: closing a response with its body unread makes httpx drop the connection,
    and then every 304 pays a new TCP (and TLS) handshake. A body over ``DRAIN_LIMIT``
    is abandoned and its connection closed instead."""
    seen = 0
    raw_pieces = cast(AsyncGenerator[bytes, None], response.aiter_raw())
    async with aclosing(raw_pieces) as raw:
        async for piece in raw:
            seen += len(piece)
            if seen > DRAIN_LIMIT:
                return


def _validator(response: httpx.Response, name: bytes) -> str | None:
    """ETag or Last-Modified as opaque text: Latin-1 maps every byte to one character,
    so ``_header_bytes`` sends back exactly the bytes received (RFC 9110 allows any
    byte above 0x7F in an entity tag; httpx would decode UTF-8 and then refuse to send
    non-ASCII, breaking every later poll of that feed)."""
    for key, value in response.headers.raw:
        if key.lower() == name:
            return value.decode("latin-1") or None
    return None


def _header_bytes(value: str) -> bytes:
    """A validator as bytes on the wire; see ``_validator``."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


def _timed_out(request: FetchRequest, chain: RedirectChain) -> FetchError:
    return FetchError(f"no complete answer within {request.timeout:g} s from {chain.where()}")


def _describe(error: Exception, chain: RedirectChain) -> str:
    """A message for an httpx failure that tells the operator what happened where."""
    where = chain.where()
    host = chain.current.host
    certificate = _find_cause(error, ssl.SSLCertVerificationError)
    if certificate is not None:
        detail = getattr(certificate, "verify_message", "") or str(certificate)
        return f"TLS certificate of {host} could not be verified ({detail}) for {where}"
    tls = _find_cause(error, ssl.SSLError)
    if tls is not None:
        return f"TLS handshake with {host} failed ({tls}) for {where}"
    detail = str(error) or type(error).__name__
    if isinstance(error, httpx.ConnectError):
        return f"could not connect to {host}: {detail} for {where}"
    if isinstance(error, httpx.RemoteProtocolError):
        return f"the server broke the HTTP protocol ({detail}) for {where}"
    if isinstance(error, httpx.NetworkError):
        return f"connection to {host} failed ({detail}) for {where}"
    if isinstance(error, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
        return f"invalid URL {where}: {detail}"
    return f"HTTP request to {where} failed: {detail}"


def _find_cause(error: BaseException, kind: type[_E]) -> _E | None:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _size(limit: int) -> str:
    if limit % (1024 * 1024) == 0:
        return f"{limit // (1024 * 1024)} MB"
    if limit % 1024 == 0:
        return f"{limit // 1024} KB"
    return f"{limit} bytes"
