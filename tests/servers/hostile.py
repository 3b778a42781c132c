"""Hostile answers of the loopback feed server: decompression bombs, endless and
trickling bodies, stalled headers (hazards.md 4). Each ends when the client leaves or
the server stops, so a test never leaves a thread writing forever."""

from __future__ import annotations

import functools
import select
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler

import brotli

from tests.servers.responses import send

BOMB_SIZE = 1 << 30  # decompressed size of every bomb: 1 GiB
_ZEROS_MIB = bytes(1 << 20)
_SEND_PIECE = 64 * 1024


# -- hostile routes -------------------------------------------------------------------


@functools.cache
def _deflate_zeros_blocks() -> tuple[bytes, bytes]:
    """Raw deflate of 1 GiB of zeros, built from one repeated full-flushed block.

    After Z_FULL_FLUSH the compressor keeps no history, so every 1 MiB block of zeros
    compresses to the same bytes: compress one and repeat it (0.3 s instead of 3 s).
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = compressor.compress(_ZEROS_MIB) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.flush(zlib.Z_FINISH)
    return block * (BOMB_SIZE // len(_ZEROS_MIB)), end


@functools.cache
def gzip_bomb() -> bytes:
    """1 GiB of zeros as one gzip member (about 1 MB); built once per process."""
    blocks, end = _deflate_zeros_blocks()
    crc = 0
    for _ in range(BOMB_SIZE // len(_ZEROS_MIB)):
        crc = zlib.crc32(_ZEROS_MIB, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = crc.to_bytes(4, "little") + (BOMB_SIZE % (1 << 32)).to_bytes(4, "little")
    return header + blocks + end + trailer


@functools.cache
def deflate_bomb() -> bytes:
    """1 GiB of zeros as zlib-wrapped deflate; built once per process."""
    blocks, end = _deflate_zeros_blocks()
    adler = 1
    for _ in range(BOMB_SIZE // len(_ZEROS_MIB)):
        adler = zlib.adler32(_ZEROS_MIB, adler)
    return b"\x78\xda" + blocks + end + adler.to_bytes(4, "big")


@functools.cache
def brotli_bomb() -> bytes:
    """1 GiB of zeros as brotli (quality 1, about 190 KB); built once per process."""
    compressor = brotli.Compressor(quality=1)
    parts = [compressor.process(_ZEROS_MIB) for _ in range(BOMB_SIZE // len(_ZEROS_MIB))]
    parts.append(compressor.finish())
    return b"".join(parts)


def _write_all(handler: BaseHTTPRequestHandler, data: bytes, stopping: threading.Event) -> None:
    view = memoryview(data)
    for start in range(0, len(view), _SEND_PIECE):
        if stopping.is_set():
            return
        handler.wfile.write(view[start : start + _SEND_PIECE])


def _bomb(build: Callable[[], bytes], encoding: str) -> Callable[..., None]:
    def answer(
        handler: BaseHTTPRequestHandler, query: dict[str, list[str]], stopping: threading.Event
    ) -> None:
        data = build()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Encoding", encoding)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        _write_all(handler, data, stopping)

    return answer


_ENDLESS_HEAD = b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>\n'
_ENDLESS_ITEM = (
    b"<item><title>Endless</title><link>http://127.0.0.1/endless</link>"
    b"<description>This feed never ends.</description></item>\n"
)


def _endless(
    handler: BaseHTTPRequestHandler, query: dict[str, list[str]], stopping: threading.Event
) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    piece = _ENDLESS_ITEM * (_SEND_PIECE // len(_ENDLESS_ITEM))
    pieces: Iterator[bytes] = iter([_ENDLESS_HEAD])
    while not stopping.is_set():
        data = next(pieces, piece)
        handler.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))


def _pause(handler: BaseHTTPRequestHandler, stopping: threading.Event, seconds: float) -> bool:
    """Sleep ``seconds``; True (stop now) as soon as the server stops or the client leaves."""
    end = time.monotonic() + seconds
    while (remaining := end - time.monotonic()) > 0:
        if stopping.wait(min(0.1, remaining)) or _client_gone(handler.connection):
            return True
    return False


def _client_gone(connection: socket.socket) -> bool:
    try:
        readable, _, _ = select.select([connection], [], [], 0)
        return bool(readable) and connection.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


def _trickle(
    handler: BaseHTTPRequestHandler, query: dict[str, list[str]], stopping: threading.Event
) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.send_header("Content-Length", "1000000")
    handler.end_headers()
    handler.wfile.flush()
    text = _ENDLESS_HEAD + _ENDLESS_ITEM * 10_000
    for byte in text:
        if _pause(handler, stopping, 1.0):
            return
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()


def _slow_headers(
    handler: BaseHTTPRequestHandler, query: dict[str, list[str]], stopping: threading.Event
) -> None:
    seconds = float(query.get("seconds", ["30"])[0])
    if _pause(handler, stopping, seconds):
        return
    body = _ENDLESS_HEAD + b"</channel></rss>\n"
    send(handler, 200, body, {"Content-Type": "application/rss+xml"})


HOSTILE: dict[str, Callable[..., None]] = {
    "gzip-bomb": _bomb(gzip_bomb, "gzip"),
    "deflate-bomb": _bomb(deflate_bomb, "deflate"),
    "brotli-bomb": _bomb(brotli_bomb, "br"),
    "endless": _endless,
    "trickle": _trickle,
    "slow-headers": _slow_headers,
}
