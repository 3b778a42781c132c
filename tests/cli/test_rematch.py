"""`monitor rematch`: rules added later find stored items; alerts only when asked, and
never twice for one item and endpoint."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest

from tests.cli.conftest import Cli, dedent
from tests.servers.feed_server import FeedServer
from tests.servers.webhook_receiver import WebhookReceiver

SECRET = "whsec_" + base64.b64encode(b"rematch-secret-of-32-bytes-long!").decode()
TITLES = [
    "Revolutionary court sentences activist to death",
    "Teacher Behrouz Ehsany transferred to solitary confinement",
    "Budget committee approves the execution of the contract",
]


def rss() -> bytes:
    items = "".join(
        f"<item><title>{t}</title><link>https://ngo.example/r/{i}</link><guid>r-{i}</guid>"
        f"<pubDate>Sat, 21 Nov 2026 09:{i:02d}:00 GMT</pubDate></item>"
        for i, t in enumerate(TITLES)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>N</title>{items}' \
        "</channel></rss>".encode()  # fmt: skip


def rules(receiver: WebhookReceiver, *, later: bool) -> str:
    topics = """
        topics:
          - id: solitary
            query: '"solitary confinement"'
        """
    if later:  # the operator adds a topic and a person after the items were stored
        topics += """
          - id: death_sentence
            severity: urgent
            query: '"sentenced to death" OR (sentences NEAR/4 death)'
        people:
          - name: Behrouz Ehsani
            severity: urgent
        """
    return dedent(topics) + dedent(f"""
        alerts:
          webhooks:
            - id: urgent
              url: {receiver.url("/hook")}
              secret_env: HOOK_SECRET
        """)


@pytest.fixture
def cli(
    feed_server: FeedServer, webhook_receiver: WebhookReceiver, make_cli: Callable[..., Cli]
) -> Cli:
    feed_server.add_feed("/n.xml", rss())
    cli = make_cli([{"id": "n", "url": feed_server.url("/n.xml"), "label": "ngo"}],
                   rules(webhook_receiver, later=False))  # fmt: skip
    cli.env["HOOK_SECRET"] = SECRET
    assert cli("poll") == 0
    text = cli.config.read_text(encoding="utf-8")
    cli.config.write_text(text.split("topics:")[0] + rules(webhook_receiver, later=True),
                          encoding="utf-8")  # fmt: skip
    return cli


def matched(cli: Cli) -> dict[str, tuple[list[object], list[object]]]:
    return {str(i["title"]): (i["topics"], i["people"]) for i in cli.export()}  # type: ignore[misc]


def test_rematch_stores_new_matches_without_alerting_unless_asked(
    cli: Cli, webhook_receiver: WebhookReceiver, capsys: pytest.CaptureFixture[str]
) -> None:
    assert matched(cli)[TITLES[0]] == ([], [])
    capsys.readouterr()
    assert cli("rematch") == 0
    assert "rematched 3 items: 2 newly matched" in capsys.readouterr().out
    after = matched(cli)
    assert after[TITLES[0]] == (["death_sentence"], [])
    assert after[TITLES[1]] == (["solitary"], ["Behrouz Ehsani"])  # kept, and the new person
    assert after[TITLES[2]] == ([], [])  # "execution of the contract" is not a topic here
    assert webhook_receiver.requests("/hook") == []

    assert cli("rematch", "--alert") == 0  # nothing new to match, so nothing to alert
    assert webhook_receiver.requests("/hook") == []


def test_rematch_alert_sends_each_newly_urgent_item_once(
    cli: Cli, webhook_receiver: WebhookReceiver
) -> None:
    assert cli("rematch", "--alert") == 0
    titles = sorted(r.json()["data"]["item"]["title"] for r in webhook_receiver.requests("/hook"))
    assert titles == sorted(TITLES[:2])
    assert cli("rematch", "--alert") == 0
    assert cli("poll") == 0
    assert len(webhook_receiver.requests("/hook")) == 2


def test_rematch_since_leaves_older_items(cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert cli("rematch", "--since", "2999-01-01") == 0
    assert "rematched 0 items" in capsys.readouterr().out
    assert matched(cli)[TITLES[0]] == ([], [])
