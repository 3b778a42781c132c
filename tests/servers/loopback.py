"""The HTTP server class behind the loopback test servers (feeds, webhooks).

A ``ThreadingHTTPServer`` on 127.0.0.1 that knows its own name (no reverse DNS
lookup), keeps the sockets of open connections so ``close_connections`` can wake
every handler thread at shutdown, and stays quiet when a client leaves mid-answer,
which these tests do on purpose (timeouts, capped reads, hostile routes, bad TLS).
"""

from __future__ import annotations

import socket
import threading
from http.server import ThreadingHTTPServer
from socketserver import TCPServer
from typing import Any


class LoopbackHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # handler threads end on their own (see close_connections)
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type, owner: Any) -> None:
        self.owner = owner  # the test server object the handlers read their routes from
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls getfqdn(), a reverse DNS lookup that can take
        # seconds on a machine without DNS; we know our name.
        TCPServer.server_bind(self)
        self.server_name = "127.0.0.1"
        self.server_port = self.server_address[1]

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake every handler thread blocked on a socket so that it ends."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that goes away mid-answer is normal here.
        pass
