"""Complete HTTP answers for handlers of the loopback servers (Content-Length set)."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler


def send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> None:
    """Answer with a complete body (Content-Length set); for handlers given to add_route."""
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    no_body = status in (204, 304) or 100 <= status < 200
    if not no_body:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if body and not no_body and handler.command != "HEAD":
        handler.wfile.write(body)
