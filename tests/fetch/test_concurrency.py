"""Concurrency limits against the real server: per host, in total, and the deadline
starting only once a request has its slots."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler

from monitor.model import FetchResult, HttpSettings
from tests.fetch.helpers import fetch_many
from tests.servers.feed_server import FeedServer, send

FEED = b"<rss version='2.0'><channel><title>t</title></channel></rss>"


class ConcurrencyProbe:
    """A handler that counts how many requests it serves at the same time."""

    def __init__(self, hold: float = 0.2) -> None:
        self.hold = hold
        self.current = 0
        self.peak = 0
        self._lock = threading.Lock()

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.current += 1
            self.peak = max(self.peak, self.current)
        time.sleep(self.hold)
        with self._lock:
            self.current -= 1
        send(handler, 200, FEED)


def test_at_most_two_requests_per_host(feed_server: FeedServer) -> None:
    probe = ConcurrencyProbe()
    paths = [f"/slow/{i}" for i in range(8)]
    for path in paths:
        feed_server.add_route(path, probe)
    results = fetch_many([feed_server.url(p) for p in paths])
    assert all(isinstance(r, FetchResult) for r in results)
    assert probe.peak == 2


def test_global_limit(feed_server: FeedServer) -> None:
    probe = ConcurrencyProbe()
    paths = [f"/slow/{i}" for i in range(9)]
    for path in paths:
        feed_server.add_route(path, probe)
    settings = HttpSettings(concurrency=3, per_host=10, allow_private_networks=True)
    results = fetch_many([feed_server.url(p) for p in paths], settings=settings)
    assert all(isinstance(r, FetchResult) for r in results)
    assert probe.peak == 3


def test_time_queued_for_a_slot_is_not_part_of_the_deadline(feed_server: FeedServer) -> None:
    """Three 0.6 s answers in a row on one host slot, each with a 1 s deadline."""
    probe = ConcurrencyProbe(hold=0.6)
    paths = [f"/slow/{i}" for i in range(3)]
    for path in paths:
        feed_server.add_route(path, probe)
    settings = HttpSettings(per_host=1, allow_private_networks=True)
    results = fetch_many([feed_server.url(p) for p in paths], settings=settings, timeout=1.0)
    assert all(isinstance(r, FetchResult) for r in results), results
    assert probe.peak == 1
