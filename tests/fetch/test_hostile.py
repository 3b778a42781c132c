"""Hazard 4: hostile servers cannot make a fetch use unbounded memory or time.

Memory is measured in a child process as its peak RSS during the fetch (Linux VmHWM,
reset just before; ``ru_maxrss`` where /proc is missing), so the number includes the C
allocations inside zlib and brotli that tracemalloc would not see. The bound asserted
is generous (200 MB growth); the growth measured is printed (pytest -s) and is about
10-15 MB: the 10 MB body cap plus one piece. With a 200 MB cap it grows to about 200 MB,
so the measurement does see what the decoder keeps.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from monitor.model import HttpSettings
from tests.fetch.helpers import fetch, fetch_error
from tests.servers.feed_server import FeedServer, brotli_bomb, deflate_bomb, gzip_bomb

ROOT = Path(__file__).resolve().parents[2]
GROWTH_LIMIT_MB = 200

CHILD = """
import asyncio, json, resource, sys
from monitor.errors import FetchError
from monitor.fetch import Fetcher
from monitor.model import FetchRequest, HttpSettings

def status_mb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return None

def reset_peak():
    # Linux: writing 5 to clear_refs resets the peak RSS (VmHWM) to the current RSS.
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False

async def main(warmup, url):
    async with Fetcher(HttpSettings(allow_private_networks=True)) as fetcher:
        await fetcher.fetch(FetchRequest(url=warmup, timeout=10))  # imports, pool, buffers
        if reset_peak():
            before = status_mb("VmRSS")
            peak = lambda: status_mb("VmHWM")
        else:  # no /proc: the high-water mark since start, less precise but still bounded
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        try:
            await fetcher.fetch(FetchRequest(url=url, timeout=20))
            error = None
        except FetchError as e:
            error = str(e)
        print(json.dumps({"before": before, "after": peak(), "error": error}))

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def fetch_in_child(server: FeedServer, path: str) -> dict[str, object]:
    server.add_feed("/warmup.xml", b"<rss version='2.0'><channel/></rss>")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    completed = subprocess.run(
        [sys.executable, "-W", "error", "-c", CHILD, server.url("/warmup.xml"), server.url(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    result: dict[str, object] = json.loads(completed.stdout)
    return result


@pytest.mark.slow
@pytest.mark.parametrize(("path", "build"), [
    ("/hostile/gzip-bomb", gzip_bomb),
    ("/hostile/deflate-bomb", deflate_bomb),
    ("/hostile/brotli-bomb", brotli_bomb),
    ("/hostile/endless", None),
])
def test_bombs_hit_the_body_cap_with_bounded_memory(
    feed_server: FeedServer, path: str, build: object
) -> None:
    if callable(build):
        build()  # build the bomb here, before the child measures anything
    result = fetch_in_child(feed_server, path)
    error = str(result["error"])
    assert "is larger than 10 MB after decompression (http.max_body)" in error
    before, after = float(str(result["before"])), float(str(result["after"]))
    growth = after - before
    print(f"\n{path}: RSS {before:.0f} MB before, peak {after:.0f} MB during (+{growth:.1f} MB)")
    assert growth < GROWTH_LIMIT_MB


@pytest.mark.slow
def test_trickle_fails_at_the_deadline(feed_server: FeedServer) -> None:
    start = time.monotonic()
    error = fetch_error(feed_server.url("/hostile/trickle"), timeout=2.0)
    elapsed = time.monotonic() - start
    assert str(error).startswith("no complete answer within 2 s from ")
    assert isinstance(error.__cause__, TimeoutError)
    assert 1.9 <= elapsed < 5


def test_slow_headers_fail_at_the_deadline(feed_server: FeedServer) -> None:
    start = time.monotonic()
    error = fetch_error(feed_server.url("/hostile/slow-headers?seconds=30"), timeout=1.0)
    assert "no complete answer within 1 s" in str(error)
    assert time.monotonic() - start < 4


def test_endless_body_fails_at_the_deadline_when_the_cap_is_high(
    feed_server: FeedServer,
) -> None:
    """With a cap too high to reach in time, the deadline ends the endless body."""
    settings = HttpSettings(max_body=1 << 40, allow_private_networks=True)
    start = time.monotonic()
    error = fetch_error(feed_server.url("/hostile/endless"), settings=settings, timeout=0.3)
    assert "no complete answer within 0.3 s" in str(error)
    assert time.monotonic() - start < 3


def test_slow_headers_answer_in_time_is_fine(feed_server: FeedServer) -> None:
    result = fetch(feed_server.url("/hostile/slow-headers?seconds=0.2"), timeout=5)
    assert result.status == 200
