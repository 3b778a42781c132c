"""Hot reload: `monitor run` applies a valid change of feeds.yaml without a restart and
keeps running on the old one when a change is invalid (a real process)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import Cli, wait_for, write_config
from tests.servers.feed_server import FeedServer


def rss(guid: str, title: str) -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{guid}</title><item>'
            f"<title>{title}</title><guid>{guid}</guid><link>https://ngo.example/{guid}</link>"
            "</item></channel></rss>").encode()  # fmt: skip


@pytest.fixture
def running(
    feed_server: FeedServer, make_cli: Callable[..., Cli]
) -> Iterator[tuple[Cli, subprocess.Popen[str], Path]]:
    for name, title in [("a", "Court upholds a death sentence"),
                        ("b", "Lawyer arrested in Tehran"),
                        ("c", "Activist arrested and sentenced to death")]:  # fmt: skip
        feed_server.add_feed(f"/{name}.xml", rss(name, title))
    cli = make_cli(feeds(feed_server, "a"), topics("death_sentence"))
    log = cli.config.parent / "run.log"
    with log.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "monitor", "run", "--config", str(cli.config)],
            env={**os.environ, **cli.env}, cwd=cli.config.parent,
            stdout=subprocess.DEVNULL, stderr=err, text=True,
        )  # fmt: skip
        try:
            yield cli, proc, log
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=30)


def feeds(server: FeedServer, *names: str) -> list[dict[str, object]]:
    return [{"id": n, "url": server.url(f"/{n}.xml"), "label": "ngo"} for n in names]


def topics(*ids: str) -> str:
    queries = {"death_sentence": '"death sentence" OR "sentenced to death"',
               "arrests": "arrested"}  # fmt: skip
    return "topics:\n" + "".join(
        f"  - id: {t}\n    query: '{queries[t]}'\n" for t in ids
    )


def by_id(cli: Cli) -> dict[str, dict[str, object]]:
    return {str(f["id"]): f for f in cli.status()["feeds"]}  # type: ignore[union-attr]


def topics_of(cli: Cli, feed: str) -> list[object]:
    return [i["topics"] for i in cli.export() if i["feed"] == feed][0]  # type: ignore[return-value]


@pytest.mark.slow
def test_a_valid_change_applies_and_an_invalid_one_is_refused_while_running(
    running: tuple[Cli, subprocess.Popen[str], Path], feed_server: FeedServer
) -> None:
    cli, proc, log = running
    wait_for(lambda: bool(by_id(cli).get("a", {}).get("ok")))

    # Add feed b: it is polled without a restart.
    write_config(cli.config, feeds(feed_server, "a", "b"), topics("death_sentence"))
    wait_for(lambda: bool(by_id(cli).get("b", {}).get("ok")))
    assert "config reloaded feeds_added=b" in log.read_text()

    # A broken edit: logged with its place, and the service keeps the running config.
    cli.config.write_text(cli.config.read_text().replace("topics:", "topicz:"))
    wait_for(lambda: "config change rejected" in log.read_text())
    text = log.read_text()
    assert f"{cli.config}:" in text and 'unknown key \\"topicz\\"' in text
    assert proc.poll() is None

    # Remove a, add c and a topic: c's new item is matched by the new topic; a stops.
    write_config(cli.config, feeds(feed_server, "b", "c"), topics("death_sentence", "arrests"))
    wait_for(lambda: bool(by_id(cli).get("c", {}).get("ok")))
    assert set(by_id(cli)) == {"b", "c"}
    assert sorted(topics_of(cli, "c")) == ["arrests", "death_sentence"]  # type: ignore[type-var]
    assert topics_of(cli, "b") == []  # stored before the topic existed: a rematch's job
    assert proc.poll() is None
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
