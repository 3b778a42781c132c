"""`monitor poll`, `export` and `status` end to end: real loopback server, real database."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import Cli
from tests.servers.feed_server import SAMPLE_FEEDS, FeedServer, load_sample_feeds

LABELS = ["un", "news", "ngo", "state_media", "government", "opposition"]


def entry_count(path: Path) -> int:
    """Entries in a sample feed, counted on the raw bytes, independently of our parser."""
    return len(re.findall(rb"<(?:item|entry)[\s>]", path.read_bytes()))


def sample_config(server: FeedServer) -> list[dict[str, object]]:
    paths = load_sample_feeds(server)
    return [
        {"id": f"feed-{i}", "url": server.url(p), "label": LABELS[i % len(LABELS)]}
        for i, p in enumerate(paths)
    ]


def test_poll_stores_every_entry_once_then_polls_conditionally(
    feed_server: FeedServer, make_cli: Callable[..., Cli], capsys: pytest.CaptureFixture[str]
) -> None:
    feeds = sample_config(feed_server)
    cli = make_cli(feeds)

    assert cli("poll") == 0
    items = cli.export()

    expected = {f["id"]: entry_count(SAMPLE_FEEDS / str(f["url"]).rsplit("/", 1)[1]) for f in feeds}
    assert Counter(i["feed"] for i in items) == expected
    assert sum(expected.values()) == 201
    labels = {f["id"]: f["label"] for f in feeds}
    assert all(i["label"] == labels[str(i["feed"])] for i in items)
    assert len({(i["feed"], i["url"], i["title"]) for i in items}) == len(items)
    assert all(str(i["published"]).endswith("Z") for i in items)

    feed_server.requests.clear()
    assert cli("poll") == 0
    assert cli.export() == items  # nothing new, nothing changed
    second = [r for r in feed_server.requests if r.path.startswith("/feeds/")]
    assert len(second) == len(feeds)
    assert all("if-none-match" in r.headers and "if-modified-since" in r.headers for r in second)
    out = capsys.readouterr().out
    assert "0 new items, 0 failed" in out


def test_a_changed_feed_adds_only_its_new_entries(
    feed_server: FeedServer, make_cli: Callable[..., Cli]
) -> None:
    body = (SAMPLE_FEEDS / "un_news_europe_rss_2022-04_feedverse.xml").read_bytes()
    feed_server.add_feed("/un.xml", body)
    cli = make_cli([{"id": "un", "url": feed_server.url("/un.xml"), "label": "un"}])
    assert cli("poll") == 0
    before = cli.export()

    extra = (
        b"<item><title>UN experts: Iran must halt execution of Behrouz Ehsani</title>"
        b"<link>https://news.un.org/feed/view/en/story/2025/07/1160000?utm_source=rss</link>"
        b"<guid isPermaLink='false'>un-1160000</guid>"
        b"<pubDate>Sat, 26 Jul 2025 09:30:00 GMT</pubDate>"
        b"<description>Experts call for a stay.</description></item>"
    )
    feed_server.add_feed("/un.xml", body.replace(b"<item>", extra + b"<item>", 1))
    assert cli("poll") == 0
    after = cli.export()
    assert after[: len(before)] == before
    [new] = after[len(before) :]
    assert new["title"] == "UN experts: Iran must halt execution of Behrouz Ehsani"
    assert new["url"] == "https://news.un.org/feed/view/en/story/2025/07/1160000"
    assert new["published"] == "2025-07-26T09:30:00Z"


def test_failing_feeds_are_recorded_and_others_still_stored(
    feed_server: FeedServer, make_cli: Callable[..., Cli]
) -> None:
    body = (SAMPLE_FEEDS / "bbc_urdu_rss_miniflux.xml").read_bytes()
    feed_server.add_feed("/urdu.xml", body)
    cli = make_cli(
        [
            {"id": "good", "url": feed_server.url("/urdu.xml"), "label": "news"},
            {"id": "gone", "url": feed_server.url("/status/404"), "label": "ngo"},
            {"id": "limited", "url": feed_server.url("/retry-after/7200"), "label": "ngo"},
            {"id": "html", "url": feed_server.url("/status/200"), "label": "ngo"},
        ]
    )
    assert cli("poll") == 0
    status = {f["id"]: f for f in cli.status()["feeds"]}  # type: ignore[union-attr]
    assert status["good"]["ok"] and status["good"]["items"] == entry_count(
        SAMPLE_FEEDS / "bbc_urdu_rss_miniflux.xml"
    )
    for feed_id in ("gone", "limited", "html"):
        assert not status[feed_id]["ok"]
        assert status[feed_id]["items"] == 0
    assert "404" in status["gone"]["last_error"]
    assert "429" in status["limited"]["last_error"]


def test_poll_exits_1_when_every_feed_failed(
    feed_server: FeedServer, make_cli: Callable[..., Cli]
) -> None:
    cli = make_cli([{"id": "down", "url": feed_server.url("/status/503"), "label": "ngo"}])
    assert cli("poll") == 1


def test_poll_of_an_unknown_feed_is_a_usage_error(
    feed_server: FeedServer, make_cli: Callable[..., Cli], capsys: pytest.CaptureFixture[str]
) -> None:
    cli = make_cli([{"id": "a", "url": feed_server.url("/a.xml")}])
    assert cli("poll", "--feed", "nope") == 2
    assert "'nope'" in capsys.readouterr().err


def test_poll_refuses_an_invalid_config_with_located_errors(
    make_cli: Callable[..., Cli], capsys: pytest.CaptureFixture[str]
) -> None:
    cli = make_cli([{"id": "a", "url": "file:///etc/passwd", "label": "ngo"}])
    assert cli("poll") == 2
    err = capsys.readouterr().err
    assert re.search(rf"{re.escape(str(cli.config))}:\d+:\d+: .*file", err)
    assert cli("check") == 2
