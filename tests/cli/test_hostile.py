"""One `monitor poll` over hostile feeds beside a good one (hazards.md 1 and 4).

Runs the real command in a subprocess and samples the resident memory of its whole
process tree (the monitor and its parser workers), so the bound holds for what an
operator would see in `top`, not for one Python object.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import Cli
from tests.servers.feed_server import SAMPLE_FEEDS, FeedServer

PAGE = os.sysconf("SC_PAGE_SIZE")


def entity_blowup(uses: int = 20_000, value_len: int = 10_000) -> bytes:
    """feedparser's loose parser would expand this to 200,000,000 characters (hazard 1).

    The unclosed tag makes the strict parser refuse the document, which is what sends
    feedparser to the fallback parser that expands internal entities.
    """
    refs = b"&e;" * uses
    return (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        b'<!DOCTYPE rss [<!ENTITY e "' + b"A" * value_len + b'">]>\n'
        b'<rss version="2.0"><channel><title>t</title><item><title>x</title>'
        b"<description>" + refs + b"</description><broken></item></channel></rss>"
    )


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants (Linux /proc)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


def run_sampled(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[int, float, int, str]:
    """Runs ``cmd``; returns (exit code, seconds, peak tree RSS in bytes, stderr)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _out, err = proc.communicate(timeout=120)
    done.set()
    sampler.join()
    return proc.returncode, time.monotonic() - start, peak, err.decode()


@pytest.mark.slow
def test_hostile_feeds_fail_alone_within_limits(
    feed_server: FeedServer, make_cli: Callable[..., Cli]
) -> None:
    feed_server.add_feed(
        "/good.xml", (SAMPLE_FEEDS / "un_news_europe_rss_2022-04_feedverse.xml").read_bytes()
    )
    feed_server.add_feed("/entities.xml", entity_blowup())
    hostile = {
        "entities": "/entities.xml",
        "gzip-bomb": "/hostile/gzip-bomb",
        "brotli-bomb": "/hostile/brotli-bomb",
        "endless": "/hostile/endless",
        "trickle": "/hostile/trickle",
    }
    feeds = [{"id": "good", "url": feed_server.url("/good.xml"), "label": "un"}]
    feeds += [
        {"id": k, "url": feed_server.url(v), "label": "other", "timeout": "5s"}
        for k, v in hostile.items()
    ]
    cli = make_cli(feeds, max_body="10MB")

    code, seconds, peak, err = run_sampled(
        [sys.executable, "-m", "monitor", "poll", "--config", str(cli.config)],
        {**os.environ, **cli.env},
        cli.config.parent,
    )

    assert code == 0, err
    assert seconds < 60, f"poll took {seconds:.1f} s"  # deadlines hold: 5 s per hostile feed
    assert peak < 300 * 1024 * 1024, f"peak memory {peak / 2**20:.0f} MiB"
    status = {f["id"]: f for f in cli.status()["feeds"]}  # type: ignore[union-attr]
    assert status["good"]["ok"] and status["good"]["items"] == 30
    # The entity document is defused, not refused: it parses to one small item.
    assert status["entities"]["ok"] and status["entities"]["items"] == 1
    for feed_id in ("gzip-bomb", "brotli-bomb", "endless", "trickle"):
        assert not status[feed_id]["ok"], feed_id
        assert status[feed_id]["last_error"], feed_id
    [entity_item] = [i for i in cli.export() if i["feed"] == "entities"]
    assert len(str(entity_item["title"])) < 100
    print(f"hostile poll: {seconds:.1f} s, peak tree RSS {peak / 2**20:.0f} MiB")
