"""Content-Encoding decoding with bounded output, and the body size cap (hazard 4).

Owns turning the raw bytes of a response into the body, never holding more than the
cap (``http.max_body``, counted after decompression) plus one small chunk. httpx's own
decoders return whatever one network read expands to: a 1.6 KB brotli read became a
single 1 GiB chunk. Here every decoder yields pieces of at most ``CHUNK`` bytes and the
caller stops at the cap, so a bomb costs a few MB of memory, not gigabytes.

Supported: identity, gzip (and x-gzip, multi-member), deflate (zlib-wrapped as RFC 9110
says, or raw as some servers send), br, and stacked encodings ("gzip, br" is decoded br
first). Anything else is refused. This module does no I/O and knows nothing of HTTP
clients; errors are ``DecodeError`` and ``BodyTooLarge``, which the fetcher turns into
``FetchError`` with the URL.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from typing import Protocol

import brotli

CHUNK = 64 * 1024  # most bytes a decoder produces in one step
MAX_ENCODINGS = 4  # stacked Content-Encodings accepted; real servers use one

_GZIP_MAGIC = b"\x1f\x8b"


class DecodeError(Exception):
    """The body is not valid for its Content-Encoding, or the encoding is unknown."""


class BodyTooLarge(Exception):
    """The decoded body would exceed the cap."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"body larger than {limit} bytes")
        self.limit = limit


class Decoder(Protocol):
    """One Content-Encoding: fed compressed pieces, yields decoded pieces <= CHUNK."""

    def feed(self, data: bytes) -> Iterator[bytes]: ...

    def finish(self) -> Iterator[bytes]: ...


class _Zlib:
    """Shared bounded-output loop for the zlib family (gzip and both deflates)."""

    def __init__(self, wbits: int) -> None:
        self._wbits = wbits
        self._z = zlib.decompressobj(wbits)

    def _inflate(self, data: bytes) -> Iterator[bytes]:
        while True:
            try:
                out = self._z.decompress(data, CHUNK)
            except zlib.error as e:
                raise DecodeError(str(e)) from e
            if out:
                yield out
            if self._z.eof:
                return  # what follows the stream is in unused_data (unconsumed_tail is stale)
            data = self._z.unconsumed_tail
            # A full piece may leave output pending inside zlib even with no input left.
            if not data and len(out) < CHUNK:
                return


class GzipDecoder(_Zlib):
    def __init__(self) -> None:
        super().__init__(16 + zlib.MAX_WBITS)
        self._started = False
        self._after_member = b""  # bytes after a finished member, before we know more
        self._ignoring = False  # trailing garbage after the last member

    def feed(self, data: bytes) -> Iterator[bytes]:
        # A loop, not recursion: one read may hold thousands of tiny members.
        while data and not self._ignoring:
            self._started = True
            if self._z.eof:
                data = self._after_member + data
                if len(data) < len(_GZIP_MAGIC):
                    self._after_member = data
                    return
                if not data.startswith(_GZIP_MAGIC):
                    # Like gzip(1): trailing garbage after a complete member is ignored.
                    self._ignoring = True
                    return
                self._z = zlib.decompressobj(self._wbits)
                self._after_member = b""
            yield from self._inflate(data)
            data = self._z.unused_data if self._z.eof else b""

    def finish(self) -> Iterator[bytes]:
        if self._started and not self._z.eof and not self._ignoring:
            raise DecodeError("gzip stream ends early (truncated body)")
        return iter(())


class DeflateDecoder(_Zlib):
    """RFC 9110 says zlib-wrapped; some servers send raw deflate. We look at the header."""

    def __init__(self) -> None:
        super().__init__(zlib.MAX_WBITS)
        self._head = b""
        self._decided = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not self._decided:
            self._head += data
            if len(self._head) < 2:
                return
            data, self._head = self._head, b""
            if not _is_zlib_header(data[0], data[1]):
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
            self._decided = True
        if self._z.eof:
            return  # trailing bytes after the end of the stream are ignored
        yield from self._inflate(data)

    def finish(self) -> Iterator[bytes]:
        if self._head:
            raise DecodeError("deflate stream ends early (truncated body)")
        if self._decided and not self._z.eof:
            raise DecodeError("deflate stream ends early (truncated body)")
        return iter(())


def _is_zlib_header(cmf: int, flg: int) -> bool:
    # RFC 1950: method 8 (deflate), window <= 32K, and the 16-bit header divisible by 31.
    return cmf & 0x0F == 8 and cmf >> 4 <= 7 and ((cmf << 8) | flg) % 31 == 0


class BrotliDecoder:
    """Uses brotli>=1.2's ``output_buffer_limit``: the one bounded API the binding has."""

    def __init__(self) -> None:
        self._d = brotli.Decompressor()
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not data:
            return
        self._started = True
        if self._d.is_finished():
            raise DecodeError("data after the end of the brotli stream")
        try:
            out = self._d.process(data, output_buffer_limit=CHUNK)
            if out:
                yield out
            # Once the limit is hit, the decoder must be drained with empty input.
            while not self._d.can_accept_more_data():
                out = self._d.process(b"", output_buffer_limit=CHUNK)
                if out:
                    yield out
        except brotli.error as e:
            raise DecodeError(f"invalid brotli data ({e})") from e

    def finish(self) -> Iterator[bytes]:
        if self._started and not self._d.is_finished():
            raise DecodeError("brotli stream ends early (truncated body)")
        return iter(())


_DECODERS: dict[str, type[GzipDecoder] | type[DeflateDecoder] | type[BrotliDecoder]] = {
    "gzip": GzipDecoder,
    "x-gzip": GzipDecoder,
    "deflate": DeflateDecoder,
    "br": BrotliDecoder,
}


def decoders_for(content_encoding: str | None) -> list[Decoder]:
    """Decoders in the order to apply them (the reverse of the header's order).

    Raises DecodeError naming an encoding we do not support.
    """
    names = [
        name.strip().lower()
        for name in (content_encoding or "").split(",")
        if name.strip() and name.strip().lower() != "identity"
    ]
    if len(names) > MAX_ENCODINGS:
        raise DecodeError(f"more than {MAX_ENCODINGS} stacked Content-Encodings")
    decoders: list[Decoder] = []
    for name in reversed(names):
        factory = _DECODERS.get(name)
        if factory is None:
            raise DecodeError(f"unsupported Content-Encoding {name!r}")
        decoders.append(factory())
    return decoders


class BoundedBody:
    """Collects a response body through its decoders, refusing to grow past ``limit``.

    ``raw_limit`` caps the bytes received as well, so that a stream which decodes to
    nothing (an endless run of empty deflate blocks) cannot keep us reading.
    """

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        self._decoders: Sequence[Decoder] = decoders_for(content_encoding)
        self._limit = limit
        self._raw_limit = limit + limit // 16 + CHUNK
        self._raw = 0
        self._size = 0
        self._parts: list[bytes] = []

    @property
    def size(self) -> int:
        return self._size

    def feed(self, raw: bytes) -> None:
        self._raw += len(raw)
        if self._raw > self._raw_limit:
            raise BodyTooLarge(self._limit)
        self._keep(_pipe(self._decoders, 0, raw))

    def finish(self) -> bytes:
        self._keep(_drain(self._decoders, 0))
        return b"".join(self._parts)

    def _keep(self, pieces: Iterator[bytes]) -> None:
        for piece in pieces:
            self._size += len(piece)
            if self._size > self._limit:
                raise BodyTooLarge(self._limit)
            self._parts.append(piece)


def _pipe(decoders: Sequence[Decoder], i: int, data: bytes) -> Iterator[bytes]:
    """``data`` through decoders i.., lazily, so each stage holds at most one piece."""
    if i == len(decoders):
        if data:
            yield data
        return
    for piece in decoders[i].feed(data):
        yield from _pipe(decoders, i + 1, piece)


def _drain(decoders: Sequence[Decoder], i: int) -> Iterator[bytes]:
    """End of input: finish decoder i, pass what it gives on, then finish the next."""
    if i == len(decoders):
        return
    for piece in decoders[i].finish():
        yield from _pipe(decoders, i + 1, piece)
    yield from _drain(decoders, i + 1)


def decode_all(content_encoding: str | None, data: bytes, limit: int) -> bytes:
    """Decode a whole body at once (for tests and small inputs), with the same limits."""
    body = BoundedBody(content_encoding, limit)
    for start in range(0, len(data), CHUNK):
        body.feed(data[start : start + CHUNK])
    return body.finish()
