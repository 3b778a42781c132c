"""A real HTTP webhook receiver on 127.0.0.1 for integration tests (alerts, CLI).

``WebhookReceiver`` runs ``ThreadingHTTPServer`` (HTTP/1.1 keep-alive, one daemon
thread per connection) on a random port in a background thread, like ``FeedServer``.
It records every request (when it arrived, method, path, headers, body bytes) and
answers from a per-path script:

    receiver.script("/hook", [500, 500, 200])          # then 200 for ever after
    receiver.script("/hook", [Answer(429, {"Retry-After": "120"})])
    receiver.script("/slow", [Answer(200, delay=2.0)])  # for timeout tests
    receiver.script("/huge", [Answer(200, endless=True)])

The last answer of a script repeats; a path without a script answers 200. It never
verifies signatures: tests do that with the ``standardwebhooks`` reference library, so
our signing code is never its own judge. Use the ``webhook_receiver`` fixture, or
``with WebhookReceiver() as receiver:`` elsewhere.
"""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.servers.loopback import LoopbackHTTPServer
from tests.servers.responses import send

__all__ = ["Answer", "ReceivedRequest", "WebhookReceiver", "webhook_receiver"]


@dataclass(frozen=True)
class Answer:
    """One scripted answer. ``delay``: seconds before the first byte of the answer.
    ``endless``: a chunked body that never ends (until the client leaves), in 64 KiB
    chunks, or one byte every ``trickle`` seconds when that is set."""

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0
    endless: bool = False
    trickle: float = 0.0


@dataclass(frozen=True)
class ReceivedRequest:
    received_at: datetime  # UTC, when the request's body had been read
    method: str
    path: str  # with the query string, as sent
    headers: dict[str, str]  # names lower-case
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class WebhookReceiver:
    def __init__(self) -> None:
        self.base_url = ""
        self._requests: list[ReceivedRequest] = []
        self._scripts: dict[str, list[Answer]] = {}
        self._answered: dict[str, int] = {}
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- setup and inspection --------------------------------------------------------

    def url(self, path: str) -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def script(self, path: str, answers: Sequence[int | Answer]) -> None:
        """Answer requests to ``path`` with these, in order; the last one repeats."""
        if not answers:
            raise ValueError("a script needs at least one answer")
        scripted = [a if isinstance(a, Answer) else Answer(a) for a in answers]
        with self._changed:
            self._scripts[path] = scripted
            self._answered[path] = 0

    def requests(self, path: str | None = None) -> list[ReceivedRequest]:
        """Requests received so far (to ``path``, with or without a query string)."""
        with self._changed:
            return [r for r in self._requests if path is None or _path(r.path) == path]

    def wait_for(
        self, count: int, path: str | None = None, timeout: float = 10.0
    ) -> list[ReceivedRequest]:
        """Wait until ``count`` requests (to ``path``) have arrived; for tests where the
        sender runs in another thread or process."""
        with self._changed:
            self._changed.wait_for(lambda: len(self.requests(path)) >= count, timeout)
        found = self.requests(path)
        if len(found) < count:
            raise AssertionError(f"{len(found)} requests to {path or 'any path'}, not {count}")
        return found

    # -- lifecycle -------------------------------------------------------------------

    def start(self, ssl_context: ssl.SSLContext | None = None) -> None:
        """Listen on a random port; with ``ssl_context``, speak HTTPS."""
        self._stopping.clear()
        self._httpd = _HTTPServer(("127.0.0.1", 0), _Handler, self)
        if ssl_context is not None:
            self._httpd.socket = ssl_context.wrap_socket(self._httpd.socket, server_side=True)
        port = self._httpd.server_address[1]
        self.base_url = f"{'https' if ssl_context else 'http'}://127.0.0.1:{port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"webhook-receiver-{port}",
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

    def __enter__(self) -> WebhookReceiver:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- called on handler threads ---------------------------------------------------

    def _receive(self, handler: BaseHTTPRequestHandler) -> Answer:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        request = ReceivedRequest(
            received_at=datetime.now(UTC),
            method=handler.command,
            path=handler.path,
            headers={name.lower(): value for name, value in handler.headers.items()},
            body=body,
        )
        path = _path(handler.path)
        with self._changed:
            self._requests.append(request)
            script = self._scripts.get(path)
            if script is None:
                answer = Answer()
            else:
                answer = script[min(self._answered[path], len(script) - 1)]
                self._answered[path] += 1
            self._changed.notify_all()
        return answer

    def _answer(self, handler: BaseHTTPRequestHandler, answer: Answer) -> None:
        # Waiting on the stop event, not sleeping, so that stopping is never held up.
        if answer.delay and self._stopping.wait(answer.delay):
            handler.close_connection = True
            return
        if not answer.endless:
            send(handler, answer.status, answer.body, dict(answer.headers))
            return
        handler.close_connection = True
        handler.send_response(answer.status)
        for name, value in answer.headers.items():
            handler.send_header(name, value)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        chunk = b"x" if answer.trickle else b"x" * 65536
        framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        while not self._stopping.is_set():
            handler.wfile.write(framed)
            handler.wfile.flush()
            if answer.trickle and self._stopping.wait(answer.trickle):
                break


def _path(target: str) -> str:
    return urlsplit(target).path


class _HTTPServer(LoopbackHTTPServer):
    owner: WebhookReceiver


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes (see FeedServer)
    server: _HTTPServer

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        self._handle()

    def do_GET(self) -> None:  # noqa: N802
        self._handle()

    def _handle(self) -> None:
        try:
            answer = self.server.owner._receive(self)
            self.server.owner._answer(self, answer)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    """A fresh webhook receiver on 127.0.0.1 for one test."""
    receiver = WebhookReceiver()
    receiver.start()
    try:
        yield receiver
    finally:
        receiver.stop()
