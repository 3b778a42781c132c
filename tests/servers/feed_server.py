"""A real HTTP feed server on 127.0.0.1 for integration tests and benchmarks (hostile
answers live in ``hostile.py``).

``FeedServer`` runs ``ThreadingHTTPServer`` (HTTP/1.1 keep-alive, one daemon thread per
connection) on a random port in a background thread. It serves feeds added with
``add_feed`` (200 with ETag/Last-Modified, or 304 to a matching conditional request),
custom handlers added with ``add_route``, and built-in routes:

    /status/<code>                 answers that status (e.g. 403, 410, 500)
    /retry-after/<value>           429 with Retry-After: <value> (?status=503 for 503)
    /redirect/<n>/<path>           n 302 hops, then to /<path>
    /redirect-permanent/<path>     301 to /<path> (?status=308 for 308)
    /redirect-private              302 to http://169.254.169.254/latest/
    /encoded/<encoding>/<path>     the feed at /<path>, sent with that Content-Encoding
                                   (gzip, deflate, deflate-raw, br, "gzip,br", or any
                                   other name, sent as is with the gzip body)
    /hostile/gzip-bomb             1 GiB of zeros, gzip (about 1 MB on the wire)
    /hostile/deflate-bomb          the same, zlib-wrapped deflate
    /hostile/brotli-bomb           the same, brotli
    /hostile/endless               valid-looking RSS that never ends (chunked)
    /hostile/trickle               headers, then one byte a second until the client leaves
    /hostile/slow-headers          waits ?seconds= (default 30) before answering

Hostile routes end when the client disconnects or the server stops. Every request is
recorded in ``requests``. Use the ``feed_server`` fixture in tests, or
``with FeedServer() as server:`` elsewhere (bench/).
"""

from __future__ import annotations

import email.utils
import gzip as gzip_module
import hashlib
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import brotli
import pytest

from tests.servers.hostile import HOSTILE, brotli_bomb, deflate_bomb, gzip_bomb
from tests.servers.loopback import LoopbackHTTPServer
from tests.servers.responses import send

__all__ = [
    "SAMPLE_FEEDS",
    "FeedServer",
    "RecordedRequest",
    "brotli_bomb",
    "deflate_bomb",
    "feed_server",
    "gzip_bomb",
    "load_sample_feeds",
    "send",
]

SAMPLE_FEEDS = Path(__file__).resolve().parent.parent / "data" / "feeds"
FIXED_LAST_MODIFIED = "Mon, 01 Jan 2024 00:00:00 GMT"

Handler = Callable[[BaseHTTPRequestHandler], None]


class _Default:
    """Marks "derive it" for add_feed's etag and last_modified."""


DEFAULT = _Default()


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # header names lower-case


@dataclass(frozen=True)
class _Feed:
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None


class FeedServer:
    def __init__(self) -> None:
        self.base_url = ""
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._feeds: dict[str, _Feed] = {}
        self._routes: dict[str, Handler] = {}
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- setup -----------------------------------------------------------------------

    def url(self, path: str) -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def add_feed(
        self,
        path: str,
        body: bytes,
        *,
        content_type: str = "application/rss+xml; charset=utf-8",
        etag: str | None | _Default = DEFAULT,
        last_modified: str | None | _Default = DEFAULT,
    ) -> None:
        """Serve ``body`` at ``path``; by default the ETag is derived from the body's hash
        and Last-Modified is a fixed date. Pass None to send no such header."""
        if isinstance(etag, _Default):
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        if isinstance(last_modified, _Default):
            last_modified = FIXED_LAST_MODIFIED
        with self._lock:
            self._feeds[path] = _Feed(body, content_type, etag, last_modified)

    def add_route(self, path: str, handler: Handler) -> None:
        with self._lock:
            self._routes[path] = handler

    def requests_for(self, path: str) -> list[RecordedRequest]:
        """Requests whose path is ``path``, with or without a query string."""
        with self._lock:
            return [r for r in self.requests if r.path == path or r.path.split("?")[0] == path]

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self._feeds.clear()
            self._routes.clear()

    @property
    def stopping(self) -> threading.Event:
        """Set when the server stops; long-running handlers should wait on it."""
        return self._stopping

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> None:
        self._stopping.clear()
        self._httpd = _HTTPServer(("127.0.0.1", 0), _RequestHandler, self)
        port = self._httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"feed-server-{port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd.close_connections()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FeedServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- dispatch (called on handler threads) ----------------------------------------

    def _record(self, handler: BaseHTTPRequestHandler) -> None:
        headers = {name.lower(): value for name, value in handler.headers.items()}
        with self._lock:
            self.requests.append(RecordedRequest(handler.command, handler.path, headers))

    def _dispatch(self, handler: _RequestHandler) -> None:
        self._record(handler)
        path = urlsplit(handler.path).path
        with self._lock:
            route = self._routes.get(path)
            feed = self._feeds.get(path)
        if route is not None:
            route(handler)
        elif feed is not None:
            _serve_feed(handler, feed)
        else:
            _builtin(handler, path, self)


class _HTTPServer(LoopbackHTTPServer):
    owner: FeedServer
    request_queue_size = 1024  # benchmarks open hundreds of connections at once


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the second waits for the
    # client's delayed ACK (40 ms a request on Linux).
    disable_nagle_algorithm = True
    server: _HTTPServer

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._handle()

    def do_HEAD(self) -> None:  # noqa: N802
        self._handle()

    def do_POST(self) -> None:  # noqa: N802
        self._handle()

    def _handle(self) -> None:
        try:
            self.server.owner._dispatch(self)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


# -- answers --------------------------------------------------------------------------


def _serve_feed(handler: BaseHTTPRequestHandler, feed: _Feed) -> None:
    validators = {}
    if feed.etag is not None:
        validators["ETag"] = feed.etag
    if feed.last_modified is not None:
        validators["Last-Modified"] = feed.last_modified
    if _not_modified(handler, feed):
        send(handler, 304, headers=validators)
        return
    send(handler, 200, feed.body, {"Content-Type": feed.content_type, **validators})


def _not_modified(handler: BaseHTTPRequestHandler, feed: _Feed) -> bool:
    # RFC 9110 section 13.2.2: If-None-Match wins; If-Modified-Since only without it.
    if_none_match = handler.headers.get("If-None-Match")
    if if_none_match is not None:
        if feed.etag is None:
            return False
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or feed.etag.removeprefix("W/") in tags
    if_modified_since = handler.headers.get("If-Modified-Since")
    if if_modified_since is None or feed.last_modified is None:
        return False
    try:
        since = email.utils.parsedate_to_datetime(if_modified_since)
        modified = email.utils.parsedate_to_datetime(feed.last_modified)
    except (TypeError, ValueError):
        return False
    return modified <= since


def _builtin(handler: _RequestHandler, path: str, server: FeedServer) -> None:
    query = parse_qs(urlsplit(handler.path).query)
    first, _, rest = path.lstrip("/").partition("/")
    if first == "status" and rest.isdigit():
        code = int(rest)
        send(handler, code, f"status {code}\n".encode(), {"Content-Type": "text/plain"})
    elif first == "retry-after" and rest:
        status = int(query.get("status", ["429"])[0])
        send(handler, status, b"slow down\n", {"Retry-After": unquote(rest)})
    elif first == "redirect":
        count, _, target = rest.partition("/")
        if not count.isdigit():
            send(handler, 404, b"bad redirect count\n")
        elif int(count) <= 1:
            send(handler, 302, headers={"Location": "/" + target})
        else:
            send(handler, 302, headers={"Location": f"/redirect/{int(count) - 1}/{target}"})
    elif first == "redirect-permanent":
        status = int(query.get("status", ["301"])[0])
        send(handler, status, headers={"Location": "/" + rest})
    elif first == "redirect-private":
        send(handler, 302, headers={"Location": "http://169.254.169.254/latest/"})
    elif first == "encoded":
        _serve_encoded(handler, rest, server)
    elif first == "hostile" and rest in HOSTILE:
        handler.close_connection = True
        HOSTILE[rest](handler, query, server.stopping)
    else:
        send(handler, 404, b"not found\n", {"Content-Type": "text/plain"})


def _serve_encoded(handler: BaseHTTPRequestHandler, rest: str, server: FeedServer) -> None:
    encoding, _, target = rest.partition("/")
    with server._lock:
        feed = server._feeds.get("/" + target)
    if feed is None:
        send(handler, 404, b"no such feed\n")
        return
    body = feed.body
    names = [n.strip() for n in encoding.split(",")]
    for name in names:  # applied in header order
        body = _ENCODERS.get(name, _ENCODERS["gzip"])(body)
    header = ", ".join("deflate" if n == "deflate-raw" else n for n in names)
    send(handler, 200, body, {"Content-Type": feed.content_type, "Content-Encoding": header})


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


_ENCODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": lambda data: gzip_module.compress(data, mtime=0),
    "deflate": zlib.compress,
    "deflate-raw": _raw_deflate,
    "br": lambda data: bytes(brotli.compress(data)),
}


# -- sample feeds and fixture ----------------------------------------------------------


def _sample_content_type(body: bytes) -> str:
    # No charset parameter: it would override the XML declaration (one sample is
    # ISO-8859-1), which is what real servers that get it right do.
    head = body[:500]
    if b"<feed" in head:
        return "application/atom+xml"
    if b"<rdf:RDF" in head:
        return "application/rdf+xml"
    return "application/rss+xml"


def load_sample_feeds(server: FeedServer) -> list[str]:
    """Add every file of tests/data/feeds at /feeds/<filename>; returns the paths."""
    paths = []
    for file in sorted(SAMPLE_FEEDS.iterdir()):
        if file.is_file():
            body = file.read_bytes()
            path = "/feeds/" + quote(file.name)
            server.add_feed(path, body, content_type=_sample_content_type(body))
            paths.append(path)
    return paths


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A fresh feed server on 127.0.0.1 for one test (starting one takes about 1 ms)."""
    server = FeedServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
