"""Bounded Content-Encoding decoding and the body cap (hazard 4), on small inputs."""

import gzip
import zlib

import brotli
import pytest

from monitor.fetch.decoding import (
    CHUNK,
    BodyTooLarge,
    BoundedBody,
    DecodeError,
    decode_all,
    decoders_for,
)

TEXT = ("<rss><channel><title>خبر و گزارش</title>" + "<item>x</item>" * 5000).encode()


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def br(data: bytes) -> bytes:
    return bytes(brotli.compress(data))


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


ENCODED = [
    (None, TEXT),
    ("", TEXT),
    ("identity", TEXT),
    ("gzip", gz(TEXT)),
    ("x-gzip", gz(TEXT)),
    ("GZip", gz(TEXT)),
    ("deflate", zlib.compress(TEXT)),  # zlib-wrapped, as RFC 9110 says
    ("deflate", raw_deflate(TEXT)),  # raw, as some servers send
    ("br", br(TEXT)),
    ("gzip, br", br(gz(TEXT))),  # applied in order: decoded br first
    ("br,gzip", gz(br(TEXT))),
    ("deflate, gzip, identity", gz(zlib.compress(TEXT))),
    ("gzip", gz(TEXT[:1000]) + gz(TEXT[1000:])),  # two gzip members
    ("gzip", gz(TEXT) + b"\x00\x00 trailing garbage"),  # ignored, like gzip(1)
]

ENCODED_IDS = [f"{i}:{encoding}" for i, (encoding, _) in enumerate(ENCODED)]


@pytest.mark.parametrize(("encoding", "data"), ENCODED, ids=ENCODED_IDS)
def test_decodes(encoding: str | None, data: bytes) -> None:
    assert decode_all(encoding, data, limit=10 * len(TEXT)) == TEXT


@pytest.mark.parametrize(("encoding", "data"), ENCODED, ids=ENCODED_IDS)
def test_decodes_when_fed_byte_by_byte(encoding: str | None, data: bytes) -> None:
    body = BoundedBody(encoding, limit=10 * len(TEXT))
    for i in range(len(data)):
        body.feed(data[i : i + 1])
    assert body.finish() == TEXT


@pytest.mark.parametrize(("encoding", "data"), ENCODED, ids=ENCODED_IDS)
def test_cap_is_after_decompression(encoding: str | None, data: bytes) -> None:
    assert decode_all(encoding, data, limit=len(TEXT)) == TEXT
    with pytest.raises(BodyTooLarge):
        decode_all(encoding, data, limit=len(TEXT) - 1)


@pytest.mark.parametrize(("encoding", "message"), [
    ("zstd", "unsupported Content-Encoding 'zstd'"),
    ("gzip, compress", "unsupported Content-Encoding 'compress'"),
    ("bogus", "unsupported"),
    ("gzip, " * 10 + "gzip", "more than 4 stacked"),
])
def test_unknown_encodings_are_refused(encoding: str, message: str) -> None:
    with pytest.raises(DecodeError, match=message):
        decoders_for(encoding)


CORRUPT = [
    ("gzip", b"this is not gzip", "header"),
    ("gzip", gz(TEXT)[:-20], "truncated"),
    ("deflate", zlib.compress(TEXT)[:-20], "truncated"),
    ("deflate", b"\xff", "truncated"),
    ("br", br(TEXT)[:-5], "truncated"),
    ("br", b"\xff\xff\xff\xff not brotli", "brotli"),
    ("br", br(TEXT) + b"extra", "after the end|brotli"),
]
CORRUPT_IDS = [f"{i}:{encoding}:{message}" for i, (encoding, _, message) in enumerate(CORRUPT)]


@pytest.mark.parametrize(("encoding", "data", "message"), CORRUPT, ids=CORRUPT_IDS)
def test_corrupt_bodies_fail(encoding: str, data: bytes, message: str) -> None:
    with pytest.raises(DecodeError, match=message):
        decode_all(encoding, data, limit=10 * len(TEXT))


def test_empty_bodies_are_empty() -> None:
    for encoding in ("gzip", "deflate", "br", None):
        assert decode_all(encoding, b"", limit=10) == b""


ZEROS = bytes(32 * 1024 * 1024)
SMALL_BOMBS = [
    ("gzip", gz(ZEROS)),
    ("deflate", zlib.compress(ZEROS, 9)),
    ("deflate", raw_deflate(ZEROS)),
    ("br", br(ZEROS)),
    ("gzip, br", br(gz(ZEROS))),
]
BOMB_IDS = [f"{i}:{encoding}" for i, (encoding, _) in enumerate(SMALL_BOMBS)]


@pytest.mark.parametrize(("encoding", "data"), SMALL_BOMBS, ids=BOMB_IDS)
def test_bomb_pieces_stay_small(encoding: str, data: bytes) -> None:
    """One compressed read never expands into one huge piece (httpx's decoders do)."""
    decoders = decoders_for(encoding)
    largest = 0
    total = 0
    for decoder in decoders[:1]:
        for piece in decoder.feed(data):
            largest = max(largest, len(piece))
            total += len(piece)
            if total > 4 * 1024 * 1024:
                break
    assert 0 < largest <= 2 * CHUNK


@pytest.mark.parametrize(("encoding", "data"), SMALL_BOMBS, ids=BOMB_IDS)
def test_bombs_hit_the_cap(encoding: str, data: bytes) -> None:
    body = BoundedBody(encoding, limit=1024 * 1024)
    with pytest.raises(BodyTooLarge):
        body.feed(data)
    assert body.size <= 1024 * 1024 + 2 * CHUNK


def test_raw_bytes_are_capped_too() -> None:
    """Empty deflate blocks decode to nothing; endless ones must still stop."""
    empty_blocks = b"\x00\x00\x00\xff\xff" * 100_000  # stored blocks of length 0
    body = BoundedBody("deflate", limit=100_000)
    with pytest.raises(BodyTooLarge):
        body.feed(b"\x78\x9c" + empty_blocks)


def test_thousands_of_tiny_gzip_members() -> None:
    member = gz(b"")
    data = gz(b"start") + member * 20_000 + gz(b"end")
    assert decode_all("gzip", data, limit=1_000_000) == b"startend"
