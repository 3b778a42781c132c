"""The loopback feed server fixture itself: other suites and bench/ rely on it."""

from __future__ import annotations

import http.client
import socket
import threading
import time

import pytest

from monitor.model import FetchResult, HttpSettings
from tests.fetch.helpers import fetch_many
from tests.servers.feed_server import (
    FIXED_LAST_MODIFIED,
    FeedServer,
    RecordedRequest,
    load_sample_feeds,
)

FEED = b"<rss version='2.0'><channel><title>t</title></channel></rss>"


def get(
    server: FeedServer, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    host, port = server.base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_feed_answers_with_validators(feed_server: FeedServer) -> None:
    feed_server.add_feed("/a.xml", FEED)
    status, headers, body = get(feed_server, "/a.xml")
    assert (status, body) == (200, FEED)
    assert headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert headers["etag"].startswith('"') and headers["last-modified"] == FIXED_LAST_MODIFIED


@pytest.mark.parametrize(("request_headers", "status"), [
    ({"If-None-Match": "ETAG"}, 304),
    ({"If-None-Match": "W/ETAG"}, 304),  # weak comparison, RFC 9110 13.1.2
    ({"If-None-Match": '"other", ETAG'}, 304),
    ({"If-None-Match": "*"}, 304),
    ({"If-None-Match": '"other"'}, 200),
    ({"If-None-Match": '"other"', "If-Modified-Since": FIXED_LAST_MODIFIED}, 200),
    ({"If-Modified-Since": FIXED_LAST_MODIFIED}, 304),
    ({"If-Modified-Since": "Tue, 02 Jan 2024 00:00:00 GMT"}, 304),
    ({"If-Modified-Since": "Sun, 31 Dec 2023 00:00:00 GMT"}, 200),
    ({"If-Modified-Since": "garbage"}, 200),
])
def test_conditional_answers(
    feed_server: FeedServer, request_headers: dict[str, str], status: int
) -> None:
    feed_server.add_feed("/a.xml", FEED)
    etag = get(feed_server, "/a.xml")[1]["etag"]
    sent = {k: v.replace("ETAG", etag) for k, v in request_headers.items()}
    answer, headers, body = get(feed_server, "/a.xml", sent)
    assert answer == status
    if status == 304:
        assert body == b"" and headers["etag"] == etag


def test_replacing_a_body_changes_its_etag(feed_server: FeedServer) -> None:
    feed_server.add_feed("/a.xml", FEED)
    first = get(feed_server, "/a.xml")[1]["etag"]
    feed_server.add_feed("/a.xml", FEED + b" ")
    assert get(feed_server, "/a.xml")[1]["etag"] != first


def test_no_validators_when_asked(feed_server: FeedServer) -> None:
    feed_server.add_feed("/a.xml", FEED, etag=None, last_modified=None)
    status, headers, _ = get(feed_server, "/a.xml", {"If-None-Match": "*"})
    assert status == 200 and "etag" not in headers and "last-modified" not in headers


def test_requests_are_recorded(feed_server: FeedServer) -> None:
    feed_server.add_feed("/a.xml", FEED)
    get(feed_server, "/a.xml?x=1", {"X-Test": "yes"})
    get(feed_server, "/missing")
    assert [r.path for r in feed_server.requests] == ["/a.xml?x=1", "/missing"]
    (recorded,) = feed_server.requests_for("/a.xml")
    assert isinstance(recorded, RecordedRequest)
    assert recorded.method == "GET" and recorded.headers["x-test"] == "yes"
    feed_server.reset()
    assert feed_server.requests == []
    assert get(feed_server, "/a.xml")[0] == 404


@pytest.mark.parametrize(("path", "status", "header", "value"), [
    ("/status/410", 410, None, None),
    ("/retry-after/120", 429, "retry-after", "120"),
    ("/retry-after/5?status=503", 503, "retry-after", "5"),
    ("/redirect/3/a.xml", 302, "location", "/redirect/2/a.xml"),
    ("/redirect/1/a.xml", 302, "location", "/a.xml"),
    ("/redirect-permanent/a.xml", 301, "location", "/a.xml"),
    ("/redirect-permanent/a.xml?status=308", 308, "location", "/a.xml"),
    ("/redirect-private", 302, "location", "http://169.254.169.254/latest/"),
])
def test_builtin_routes(
    feed_server: FeedServer, path: str, status: int, header: str | None, value: str | None
) -> None:
    answer, headers, _ = get(feed_server, path)
    assert answer == status
    if header:
        assert headers[header] == value


def test_sample_feeds(feed_server: FeedServer) -> None:
    paths = load_sample_feeds(feed_server)
    assert "/feeds/heise_developer_atom_rss-parser.xml" in paths
    types = {p: get(feed_server, p)[1]["content-type"] for p in paths}
    assert types["/feeds/heise_developer_atom_rss-parser.xml"] == "application/atom+xml"
    assert types["/feeds/heise_online_rdf_rss090_miniflux.xml"] == "application/rdf+xml"
    assert types["/feeds/uol_noticias_iso8859-1_rss-parser.xml"] == "application/rss+xml"


def handler_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if "process_request_thread" in t.name]


def test_stop_ends_hostile_handlers() -> None:
    before = len(handler_threads())
    with FeedServer() as server:
        host, port = server.base_url.removeprefix("http://").split(":")
        clients = []
        for path in ("/hostile/trickle", "/hostile/slow-headers", "/hostile/endless"):
            client = socket.create_connection((host, int(port)))
            client.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            clients.append(client)
        time.sleep(0.3)
        assert len(handler_threads()) >= before + 3
    deadline = time.monotonic() + 5
    while len(handler_threads()) > before and time.monotonic() < deadline:
        time.sleep(0.05)
    for client in clients:
        client.close()
    assert len(handler_threads()) == before


@pytest.mark.parametrize("path", ["/hostile/trickle", "/hostile/slow-headers"])
def test_hostile_handlers_end_when_the_client_leaves(feed_server: FeedServer, path: str) -> None:
    before = len(handler_threads())
    host, port = feed_server.base_url.removeprefix("http://").split(":")
    client = socket.create_connection((host, int(port)))
    client.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    time.sleep(0.3)
    assert len(handler_threads()) == before + 1
    client.close()
    deadline = time.monotonic() + 3
    while len(handler_threads()) > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(handler_threads()) == before


def test_many_conditional_requests(feed_server: FeedServer) -> None:
    for i in range(100):
        feed_server.add_feed(f"/f/{i}.xml", FEED + str(i).encode())
    urls = [feed_server.url(f"/f/{i % 100}.xml") for i in range(500)]
    # 20 in flight: httpcore's pool does O(connections) work per request, so far higher
    # concurrency costs more CPU than it saves (performance.md, the httpx line).
    settings = HttpSettings(concurrency=20, per_host=20, allow_private_networks=True)
    results = fetch_many(urls, settings=settings)
    assert all(isinstance(r, FetchResult) and r.status == 200 for r in results)
    assert len(feed_server.requests) == 500
