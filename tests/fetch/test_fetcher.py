"""The Fetcher against the real loopback feed server: conditional GET, statuses,
redirects, headers, encodings and the error boundary (limits: test_concurrency.py)."""

from __future__ import annotations

import asyncio
import gzip
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from urllib.parse import quote

import httpx
import pytest

from monitor.fetch import Fetcher
from monitor.fetch.fetcher import ACCEPT_ENCODING
from monitor.fetch.statuses import MAX_RETRY_AFTER
from monitor.model import FetchRequest, FetchResult, HttpSettings
from tests.fetch.helpers import LOOPBACK, fetch, fetch_error, fetch_many
from tests.servers.feed_server import (
    FIXED_LAST_MODIFIED,
    SAMPLE_FEEDS,
    FeedServer,
    load_sample_feeds,
    send,
)

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


# -- conditional GET --------------------------------------------------------------------


def test_200_then_304(feed_server: FeedServer) -> None:
    feed_server.add_feed("/feed.xml", FEED)
    first = fetch(feed_server.url("/feed.xml"))
    assert first.status == 200
    assert first.body == FEED
    assert first.etag and first.last_modified == FIXED_LAST_MODIFIED
    assert first.content_type == "application/rss+xml; charset=utf-8"
    assert not first.not_modified

    second = fetch(
        feed_server.url("/feed.xml"), etag=first.etag, last_modified=first.last_modified
    )
    assert second.status == 304
    assert second.body is None and second.not_modified
    assert second.etag == first.etag
    assert second.last_modified == first.last_modified

    conditional = feed_server.requests_for("/feed.xml")[1].headers
    assert conditional["if-none-match"] == first.etag
    assert conditional["if-modified-since"] == first.last_modified


def test_changed_feed_is_fetched_again(feed_server: FeedServer) -> None:
    feed_server.add_feed("/feed.xml", FEED)
    first = fetch(feed_server.url("/feed.xml"))
    feed_server.add_feed("/feed.xml", FEED.replace(b"<title>t", b"<title>new"))
    second = fetch(feed_server.url("/feed.xml"), etag=first.etag)
    assert second.status == 200
    assert second.body is not None and b"new" in second.body
    assert second.etag != first.etag


def test_if_modified_since_alone(feed_server: FeedServer) -> None:
    feed_server.add_feed("/feed.xml", FEED, etag=None)
    result = fetch(feed_server.url("/feed.xml"), last_modified=FIXED_LAST_MODIFIED)
    assert result.status == 304
    assert result.etag is None
    assert result.last_modified == FIXED_LAST_MODIFIED


def test_304_without_validators_keeps_the_ones_sent(feed_server: FeedServer) -> None:
    feed_server.add_route("/bare-304", lambda handler: send(handler, 304))
    result = fetch(feed_server.url("/bare-304"), etag='"v1"', last_modified=FIXED_LAST_MODIFIED)
    assert result.not_modified
    assert result.etag == '"v1"'
    assert result.last_modified == FIXED_LAST_MODIFIED


def test_304_with_new_validators_keeps_the_new_ones(feed_server: FeedServer) -> None:
    new_date = "Tue, 02 Jan 2024 00:00:00 GMT"
    feed_server.add_route(
        "/new-304",
        lambda handler: send(handler, 304, headers={"ETag": '"v2"', "Last-Modified": new_date}),
    )
    result = fetch(feed_server.url("/new-304"), etag='"v1"', last_modified=FIXED_LAST_MODIFIED)
    assert (result.etag, result.last_modified) == ('"v2"', new_date)


@pytest.mark.parametrize("etag", ['"caf\u00e9"', '"\u062e\u0628\u0631"'])
def test_non_ascii_validators_are_sent_back(feed_server: FeedServer, etag: str) -> None:
    raw = etag.encode("utf-8")

    def answer_with_raw_etag(handler: BaseHTTPRequestHandler) -> None:
        if handler.headers.get("If-None-Match") is not None:
            send(handler, 304)
            return
        # send_header would encode the value as Latin-1; write the raw UTF-8 bytes.
        handler.wfile.write(
            b"HTTP/1.1 200 OK\r\nETag: " + raw + b"\r\nContent-Length: %d\r\n\r\n" % len(FEED)
            + FEED
        )

    feed_server.add_route("/etag", answer_with_raw_etag)
    first = fetch(feed_server.url("/etag"))
    assert first.etag
    second = fetch(feed_server.url("/etag"), etag=first.etag)
    assert second.not_modified
    sent = feed_server.requests_for("/etag")[1].headers["if-none-match"]
    assert sent.encode("latin-1") == raw


def test_sample_feeds_arrive_intact(feed_server: FeedServer) -> None:
    paths = load_sample_feeds(feed_server)
    assert len(paths) >= 6
    results = fetch_many([feed_server.url(p) for p in paths])
    for path, result in zip(paths, results, strict=True):
        assert isinstance(result, FetchResult), (path, result)
        name = path.removeprefix("/feeds/")
        expected = (SAMPLE_FEEDS / name).read_bytes()
        assert result.body == expected


# -- request headers --------------------------------------------------------------------


def test_headers_sent(feed_server: FeedServer) -> None:
    feed_server.add_feed("/feed.xml", FEED)
    settings = HttpSettings(user_agent="rights-monitor-test/9.9", allow_private_networks=True)
    fetch(feed_server.url("/feed.xml"), settings=settings)
    headers = feed_server.requests_for("/feed.xml")[0].headers
    assert headers["user-agent"] == "rights-monitor-test/9.9"
    assert headers["accept-encoding"] == ACCEPT_ENCODING == "gzip, deflate, br"
    assert "application/rss+xml" in headers["accept"]
    assert "application/atom+xml" in headers["accept"]
    assert "if-none-match" not in headers and "if-modified-since" not in headers


def test_cookies_are_not_kept_between_requests(feed_server: FeedServer) -> None:
    feed_server.add_route(
        "/cookie", lambda handler: send(handler, 200, FEED, {"Set-Cookie": "track=1; Path=/"})
    )

    async def twice() -> None:
        async with Fetcher(LOOPBACK) as fetcher:
            for _ in range(2):
                await fetcher.fetch(FetchRequest(url=feed_server.url("/cookie"), timeout=5))

    asyncio.run(twice())
    assert all("cookie" not in r.headers for r in feed_server.requests_for("/cookie"))


# -- Content-Encoding over the wire -----------------------------------------------------


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "deflate-raw", "br", "gzip,br", "br,gzip"])
def test_encoded_bodies_are_decoded(feed_server: FeedServer, encoding: str) -> None:
    load_sample_feeds(feed_server)
    name = "bbc_urdu_rss_miniflux.xml"
    result = fetch(feed_server.url(f"/encoded/{encoding}/feeds/{name}"))
    assert result.body == (SAMPLE_FEEDS / name).read_bytes()


def test_unknown_encoding_is_an_error(feed_server: FeedServer) -> None:
    feed_server.add_feed("/feed.xml", FEED)
    error = fetch_error(feed_server.url("/encoded/zstd/feed.xml"))
    assert "unsupported Content-Encoding 'zstd'" in str(error)


def test_truncated_gzip_is_an_error(feed_server: FeedServer) -> None:
    broken = gzip.compress(FEED * 100)[:-30]
    feed_server.add_route(
        "/truncated",
        lambda handler: send(handler, 200, broken, {"Content-Encoding": "gzip"}),
    )
    error = fetch_error(feed_server.url("/truncated"))
    assert "truncated" in str(error)


def test_declared_length_over_the_cap_is_refused_early(feed_server: FeedServer) -> None:
    feed_server.add_feed("/big.xml", b"x" * 5000)
    settings = HttpSettings(max_body=4096, allow_private_networks=True)
    error = fetch_error(feed_server.url("/big.xml"), settings=settings)
    assert "larger than 4 KB after decompression (http.max_body)" in str(error)
    exact = HttpSettings(max_body=5000, allow_private_networks=True)
    assert fetch(feed_server.url("/big.xml"), settings=exact).body == b"x" * 5000


# -- statuses ---------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "phrase"), [
    (403, "Forbidden"), (404, "Not Found"), (410, "Gone"), (500, "Internal Server Error"),
    (502, "Bad Gateway"),
])
def test_error_statuses(feed_server: FeedServer, code: int, phrase: str) -> None:
    url = feed_server.url(f"/status/{code}")
    error = fetch_error(url)
    assert str(error).startswith(f"HTTP {code} {phrase} from {url}")
    assert error.http_status == code
    assert error.retry_after is None


@pytest.mark.parametrize(("value", "expected"), [
    ("120", 120.0),
    ("0", 0.0),
    ("999999", MAX_RETRY_AFTER),
])
def test_retry_after_seconds(feed_server: FeedServer, value: str, expected: float) -> None:
    error = fetch_error(feed_server.url(f"/retry-after/{value}"))
    assert error.http_status == 429
    assert error.retry_after == expected


def test_retry_after_on_503(feed_server: FeedServer) -> None:
    error = fetch_error(feed_server.url("/retry-after/60?status=503"))
    assert (error.http_status, error.retry_after) == (503, 60.0)


def test_retry_after_http_date(feed_server: FeedServer) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=600), usegmt=True)
    error = fetch_error(feed_server.url("/retry-after/" + quote(when)))
    assert error.http_status == 429
    assert error.retry_after is not None and 590 <= error.retry_after <= 600


def test_retry_after_http_date_is_capped(feed_server: FeedServer) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(days=30), usegmt=True)
    error = fetch_error(feed_server.url("/retry-after/" + quote(when)))
    assert error.retry_after == MAX_RETRY_AFTER == 24 * 3600


# -- redirects --------------------------------------------------------------------------


def test_five_redirects_are_followed(feed_server: FeedServer) -> None:
    feed_server.add_feed("/feed.xml", FEED)
    result = fetch(feed_server.url("/redirect/5/feed.xml"))
    assert result.body == FEED
    assert result.url == feed_server.url("/feed.xml")
    assert result.permanent_url is None  # 302s
    assert len(feed_server.requests) == 6


def test_six_redirects_fail(feed_server: FeedServer) -> None:
    feed_server.add_feed("/feed.xml", FEED)
    error = fetch_error(feed_server.url("/redirect/6/feed.xml"))
    assert "more than 5 redirects" in str(error)
    assert not feed_server.requests_for("/feed.xml")


def test_redirect_limit_comes_from_settings(feed_server: FeedServer) -> None:
    feed_server.add_feed("/feed.xml", FEED)
    settings = HttpSettings(max_redirects=1, allow_private_networks=True)
    assert fetch(feed_server.url("/redirect/1/feed.xml"), settings=settings).body == FEED
    assert "more than 1 redirects" in str(
        fetch_error(feed_server.url("/redirect/2/feed.xml"), settings=settings)
    )


@pytest.mark.parametrize("status", [301, 308])
def test_permanent_redirect_is_recorded(feed_server: FeedServer, status: int) -> None:
    feed_server.add_feed("/moved.xml", FEED)
    result = fetch(feed_server.url(f"/redirect-permanent/moved.xml?status={status}"))
    assert result.body == FEED
    assert result.permanent_url == feed_server.url("/moved.xml") == result.url


def test_permanent_then_temporary_is_not_permanent(feed_server: FeedServer) -> None:
    feed_server.add_feed("/feed.xml", FEED)
    result = fetch(feed_server.url("/redirect-permanent/redirect/1/feed.xml"))
    assert result.body == FEED
    assert result.permanent_url is None


def test_304_after_permanent_redirect_reports_the_move(feed_server: FeedServer) -> None:
    feed_server.add_feed("/moved.xml", FEED)
    first = fetch(feed_server.url("/moved.xml"))
    result = fetch(feed_server.url("/redirect-permanent/moved.xml"), etag=first.etag)
    assert result.not_modified
    assert result.permanent_url == feed_server.url("/moved.xml")


def test_redirect_to_another_scheme_is_refused(feed_server: FeedServer) -> None:
    feed_server.add_route(
        "/to-file", lambda handler: send(handler, 302, headers={"Location": "file:///etc/passwd"})
    )
    assert "refused redirect" in str(fetch_error(feed_server.url("/to-file")))


# -- the error boundary -----------------------------------------------------------------


def test_connection_refused(feed_server: FeedServer) -> None:
    url = feed_server.url("/feed.xml")
    feed_server.stop()
    error = fetch_error(url)
    assert str(error).startswith("could not connect to 127.0.0.1")
    assert isinstance(error.__cause__, httpx.ConnectError)


def test_unresolvable_host() -> None:
    error = fetch_error("http://no-such-host.invalid/feed.xml")
    assert "could not resolve host no-such-host.invalid" in str(error)
    assert isinstance(error.__cause__, httpx.ConnectError)


def test_server_closing_mid_body(feed_server: FeedServer) -> None:
    def half(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        handler.wfile.write(b"<rss>")
        handler.close_connection = True

    feed_server.add_route("/half", half)
    error = fetch_error(feed_server.url("/half"))
    assert "broke the HTTP protocol" in str(error)
    assert isinstance(error.__cause__, httpx.RemoteProtocolError)


@pytest.mark.parametrize("url", ["ftp://example.org/feed", "/relative/feed", "http://[::1/"])
def test_bad_urls(url: str) -> None:
    error = fetch_error(url)
    assert url in str(error)


# -- connection reuse ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "headers"),
    [
        (304, b"", {"ETag": '"x"'}),
        (404, b"<html>not here</html>", {}),
        (302, b"moved", {"Location": "/feeds/same"}),
    ],
)
def test_answers_without_a_feed_keep_the_connection(
    feed_server: FeedServer, status: int, body: bytes, headers: dict[str, str]
) -> None:
    """Unread bodies make httpx drop the connection; 1,000 feeds answering 304 would then
    open 1,000 connections (and TLS handshakes) per cycle."""
    ports: list[int] = []

    def answer(handler: BaseHTTPRequestHandler) -> None:
        ports.append(handler.client_address[1])
        send(handler, status, body, headers)

    feed_server.add_route("/feeds/same", answer)

    async def five_polls() -> None:
        async with Fetcher(HttpSettings(allow_private_networks=True)) as fetcher:
            for _ in range(5):
                request = FetchRequest(url=feed_server.url("/feeds/same"), timeout=5, etag='"x"')
                try:
                    await fetcher.fetch(request)
                except Exception:  # noqa: BLE001 - 404 and the redirect loop fail; fine here
                    pass

    asyncio.run(five_polls())
    assert len(ports) >= 5
    assert len(set(ports)) == 1, f"{len(set(ports))} connections for {len(ports)} requests"
