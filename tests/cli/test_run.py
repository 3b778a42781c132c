"""`monitor run` as a real process: polls on schedule, survives dead feeds, stops on signals."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable

import pytest

from tests.cli.conftest import Cli, wait_for
from tests.servers.feed_server import SAMPLE_FEEDS, FeedServer


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_run_polls_reports_dead_feeds_and_stops_cleanly(
    feed_server: FeedServer, make_cli: Callable[..., Cli], sig: signal.Signals
) -> None:
    feed_server.add_feed("/urdu.xml", (SAMPLE_FEEDS / "bbc_urdu_rss_miniflux.xml").read_bytes())
    cli = make_cli(
        [
            {"id": "good", "url": feed_server.url("/urdu.xml"), "label": "news", "interval": "30s"},
            {"id": "dead", "url": f"http://127.0.0.1:{closed_port()}/feed", "label": "ngo"},
        ]
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "run", "--config", str(cli.config)],
        env={**os.environ, **cli.env},
        cwd=cli.config.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:

        def both_polled() -> bool:
            feeds = {f["id"]: f for f in cli.status()["feeds"]}  # type: ignore[union-attr]
            return bool(feeds["good"]["ok"] and feeds["dead"]["last_error"])

        wait_for(both_polled)
        assert proc.poll() is None, "the service stopped on a dead feed"
        proc.send_signal(sig)
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "poll feed=dead status=error" in err
    assert "poll feed=good status=ok" in err
    assert "stopped" in err
    assert len(feed_server.requests_for("/urdu.xml")) == 1  # not due again within 30 s
