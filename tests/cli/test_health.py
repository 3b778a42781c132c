"""Source health through `monitor poll`: one notice after N failures, one on recovery,
not one per poll (loopback feed server and SMTP server, both databases)."""

from __future__ import annotations

from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

from tests.cli.conftest import Cli, dedent
from tests.servers.feed_server import SAMPLE_FEEDS, FeedServer
from tests.servers.smtp_server import SmtpServer


def test_a_failing_feed_is_told_once_after_n_polls_and_once_on_recovery(
    feed_server: FeedServer, smtp_server: SmtpServer, make_cli: Callable[..., Cli]
) -> None:
    body = (SAMPLE_FEEDS / "bbc_urdu_rss_miniflux.xml").read_bytes()
    down = False

    def flaky(handler: BaseHTTPRequestHandler) -> None:
        if down:
            handler.send_error(503)
            return
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    feed_server.add_route("/flaky.xml", flaky)
    cli = make_cli(
        [{"id": "flaky", "url": feed_server.url("/flaky.xml"), "label": "news"}],
        dedent(f"""
            health:
              failures: 2
            alerts:
              operator: ops@example.org
              smtp:
                host: 127.0.0.1
                port: {smtp_server.port}
                security: none
                from: "Rights Monitor <monitor@example.org>"
            """),
    )
    assert cli("poll") == 0
    down = True
    subjects = []
    for _ in range(4):
        assert cli("poll") == 1  # the only feed failed
        subjects = [m.message["Subject"] for m in smtp_server.received]
    assert len(subjects) == 1 and "flaky" in subjects[0]
    assert cli.status()["feeds"][0]["health"] == "failing"  # type: ignore[index]

    down = False
    assert cli("poll") == 0
    assert cli("poll") == 0
    subjects = [m.message["Subject"] for m in smtp_server.received]
    assert len(subjects) == 2 and "recover" in subjects[1].lower()
