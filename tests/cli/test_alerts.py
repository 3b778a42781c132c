"""Alerts end to end: `monitor poll` and `monitor digest` against a real feed server,
webhook receiver and SMTP server on loopback, on both databases; crash tests kill a
real `monitor` process with SIGKILL at each delivery step and run it again."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from tests.cli.conftest import Cli, after_next_digest, dedent
from tests.servers.feed_server import FeedServer
from tests.servers.smtp_server import SmtpServer
from tests.servers.webhook_receiver import WebhookReceiver

SECRET = "whsec_" + base64.b64encode(b"a-test-secret-of-32-bytes-length").decode()

URGENT_1 = "Revolutionary court sentences Kurdish activist to death"
URGENT_2 = "Prisoner executed at dawn in Ghezel Hesar"
DIGEST_ONLY = "Political prisoner denied medical care in Evin"


def rss(*titles: str) -> bytes:
    items = "".join(
        f"<item><title>{t}</title><link>https://ngo.example/report/{i}</link>"
        f"<guid>report-{i}</guid><pubDate>Sat, 21 Nov 2026 09:{i:02d}:00 GMT</pubDate>"
        f"<description>{t}. More details follow.</description></item>"
        for i, t in enumerate(titles)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>NGO</title>{items}' \
        "</channel></rss>".encode()  # fmt: skip


def alerts_yaml(receiver: WebhookReceiver, smtp: SmtpServer) -> str:
    return dedent(f"""
        topics:
          - id: death_sentence
            name: Death sentences
            severity: urgent
            query: '"sentenced to death" OR (sentences NEAR/5 death) OR "death sentence"'
          - id: execution
            name: Executions
            severity: urgent
            query: executed OR execution
          - id: prisoners
            name: Political prisoners
            query: '"political prisoner"'
        alerts:
          operator: ops@example.org
          smtp:
            host: 127.0.0.1
            port: {smtp.port}
            security: none
            from: "Rights Monitor <monitor@example.org>"
          digests:
            - id: daily
              to: [desk@example.org]
              at: "07:00"
              timezone: Europe/Paris
          webhooks:
            - id: urgent
              url: {receiver.url("/hook")}
              secret_env: HOOK_SECRET
        """)


@pytest.fixture
def alerting_cli(
    feed_server: FeedServer,
    webhook_receiver: WebhookReceiver,
    smtp_server: SmtpServer,
    make_cli: Callable[..., Cli],
) -> Cli:
    feed_server.add_feed("/ngo.xml", rss(URGENT_1, URGENT_2, DIGEST_ONLY))
    feed = {"id": "ngo", "url": feed_server.url("/ngo.xml"), "label": "ngo", "country": "IR"}
    cli = make_cli([feed], alerts_yaml(webhook_receiver, smtp_server))
    cli.env["HOOK_SECRET"] = SECRET
    return cli


def verified(requests: list) -> list[dict]:  # type: ignore[type-arg]
    """Each request's payload, after the reference library verified its signature."""
    return [Webhook(SECRET).verify(r.body, r.headers) for r in requests]


def test_two_urgent_webhooks_then_one_digest_holding_all_three(
    alerting_cli: Cli, webhook_receiver: WebhookReceiver, smtp_server: SmtpServer
) -> None:
    assert alerting_cli("poll") == 0

    hooks = webhook_receiver.requests("/hook")
    payloads = verified(hooks)
    assert sorted(p["data"]["item"]["title"] for p in payloads) == sorted([URGENT_1, URGENT_2])
    assert len({r.headers["webhook-id"] for r in hooks}) == 2
    for p in payloads:
        assert p["type"] == "match.created" and p["data"]["severity"] == "urgent"
        assert p["data"]["item"]["feed"] == {"id": "ngo", "name": "ngo", "label": "ngo",
                                             "country": "IR"}  # fmt: skip
    assert smtp_server.received == []  # the digest waits for its time

    now = after_next_digest("07:00", "Europe/Paris")
    assert alerting_cli("digest", "--now", now) == 0
    (mail,) = smtp_server.received
    assert mail.rcpt_tos == ["desk@example.org"]
    message = mail.message
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Message-ID"] and message["Date"]
    assert message["Auto-Submitted"] == "auto-generated"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    for title in (URGENT_1, URGENT_2, DIGEST_ONLY):
        assert title in text

    assert alerting_cli("digest", "--now", now) == 0  # the same period again: nothing
    later = (datetime.fromisoformat(now) + timedelta(hours=5)).isoformat()
    assert alerting_cli("digest", "--now", later) == 0
    assert len(smtp_server.received) == 1
    assert alerting_cli("poll") == 0  # nothing new: no webhook again
    assert len(webhook_receiver.requests("/hook")) == 2
    deliveries = alerting_cli.status()["deliveries"]
    assert deliveries == {"pending": 0, "sent": 3, "failed": 0, "disabled": 0}


def test_digest_preview_sends_and_records_nothing(
    alerting_cli: Cli, smtp_server: SmtpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert alerting_cli("poll") == 0
    capsys.readouterr()
    now = after_next_digest("07:00", "Europe/Paris")
    assert alerting_cli("digest", "--now", now, "--preview") == 0
    out = capsys.readouterr().out
    assert "multipart/alternative" in out and "Subject:" in out
    assert smtp_server.received == []
    assert alerting_cli("digest", "--now", now) == 0
    assert len(smtp_server.received) == 1


def test_a_gone_endpoint_is_disabled_and_the_operator_told(
    alerting_cli: Cli, webhook_receiver: WebhookReceiver, smtp_server: SmtpServer,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    webhook_receiver.script("/hook", [410])
    assert alerting_cli("poll") == 0
    assert len(webhook_receiver.requests("/hook")) == 1
    (notice,) = smtp_server.received
    assert notice.rcpt_tos == ["ops@example.org"]
    assert "410" in notice.message["Subject"]
    assert alerting_cli.status()["deliveries"]["disabled"] == 2
    capsys.readouterr()
    assert alerting_cli("deliveries", "list", "--state", "disabled") == 0
    listing = capsys.readouterr().out
    assert listing.count("disabled") >= 2 and "410" in listing


# --- crash tests: a real process, killed with SIGKILL, then run again -----------------

# The crashed process's claim holds for its lease; a short one keeps the tests quick.
LEASE = {"MONITOR_OUTBOX_LEASE": "1"}


def killed(result: object) -> bool:
    return getattr(result, "returncode", None) == -signal.SIGKILL


def crash(cli: Cli, point: str, *args: str) -> None:
    """Runs ``monitor ARGS`` until it kills itself at ``point``, then lets its lease end."""
    result = cli.subprocess(*args, env={**LEASE, "MONITOR_FAULT_INJECTION": point})
    assert killed(result), result.stderr
    time.sleep(1.1)


def test_killed_after_storing_before_sending_then_sent_once(
    alerting_cli: Cli, webhook_receiver: WebhookReceiver
) -> None:
    crash(alerting_cli, "before_send", "poll")
    assert webhook_receiver.requests("/hook") == []
    assert len(alerting_cli.export()) == 3  # the items and their matches were stored

    again = alerting_cli.subprocess("poll", env=LEASE)
    assert again.returncode == 0, again.stderr
    hooks = webhook_receiver.requests("/hook")
    assert len(verified(hooks)) == 2
    assert len({r.headers["webhook-id"] for r in hooks}) == 2


def test_killed_after_the_receivers_2xx_resends_at_most_once_with_the_same_id(
    alerting_cli: Cli, webhook_receiver: WebhookReceiver
) -> None:
    crash(alerting_cli, "after_send", "poll")
    first = {r.headers["webhook-id"] for r in webhook_receiver.requests("/hook")}
    assert first  # the receiver said 2xx to at least one before the kill

    again = alerting_cli.subprocess("poll", env=LEASE)
    assert again.returncode == 0, again.stderr
    assert alerting_cli.subprocess("poll").returncode == 0  # and never again after that
    hooks = webhook_receiver.requests("/hook")
    verified(hooks)
    per_id = Counter(r.headers["webhook-id"] for r in hooks)
    assert len(per_id) == 2  # both alerts arrived
    assert all(count <= 2 for count in per_id.values())  # each at most once more
    assert all(per_id[i] == 2 for i in first)  # the unrecorded one came again, same id
    bodies = {}
    for r in hooks:
        assert bodies.setdefault(r.headers["webhook-id"], r.body) == r.body


@pytest.mark.parametrize("point", ["before_send", "after_send"])
def test_digest_killed_mid_send_is_sent_again_with_the_same_message_id(
    alerting_cli: Cli, smtp_server: SmtpServer, point: str
) -> None:
    assert alerting_cli.subprocess("poll").returncode == 0
    now = after_next_digest("07:00", "Europe/Paris")
    crash(alerting_cli, point, "digest", "--now", now)
    assert len(smtp_server.received) == (1 if point == "after_send" else 0)

    # --now stands for the clock, so the restart comes a minute later by that clock too.
    restart = (datetime.fromisoformat(now) + timedelta(minutes=1)).isoformat()
    again = alerting_cli.subprocess("digest", "--now", restart, env=LEASE)
    assert again.returncode == 0, again.stderr
    assert alerting_cli.subprocess("digest", "--now", restart).returncode == 0
    ids = [m.message["Message-ID"] for m in smtp_server.received]
    assert len(ids) == (2 if point == "after_send" else 1)
    assert len(set(ids)) == 1


@pytest.mark.slow
def test_run_sends_urgent_webhooks_within_seconds_of_the_poll(
    alerting_cli: Cli, webhook_receiver: WebhookReceiver
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "run", "--config", str(alerting_cli.config)],
        env={**os.environ, **alerting_cli.env},
        cwd=alerting_cli.config.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        hooks = webhook_receiver.wait_for(2, "/hook", timeout=30)
        polled = datetime.fromisoformat(  # when the poll stored them, by its own record
            str(alerting_cli.status()["feeds"][0]["last_success"]).replace("Z", "+00:00")  # type: ignore[index]
        )
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert len(verified(hooks)) == 2
    assert max(r.received_at for r in hooks) - polled < timedelta(seconds=5)


def test_a_digest_the_server_defers_exits_1_and_stays_pending_until_sent(
    alerting_cli: Cli, smtp_server: SmtpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert alerting_cli("poll") == 0
    smtp_server.script("DATA", "451 4.3.0 Mailbox busy")
    now = after_next_digest("07:00", "Europe/Paris")
    assert alerting_cli("digest", "--now", now) == 1
    assert "451" in capsys.readouterr().err
    assert alerting_cli.status()["deliveries"]["pending"] == 1
    assert smtp_server.received == []

    # The operator does not wait for the backoff: retry by hand, then send.
    assert alerting_cli("deliveries", "list", "--state", "pending", "--json") == 0
    (pending,) = json.loads(capsys.readouterr().out)
    assert (pending["kind"], pending["attempts"]) == ("digest", 1)
    assert "451" in pending["last_error"]
    assert alerting_cli("deliveries", "retry", str(pending["id"])) == 0
    assert alerting_cli("digest", "--now", now) == 0
    assert len(smtp_server.received) == 1
    assert alerting_cli("deliveries", "retry", str(pending["id"])) == 1  # already sent
    assert "already sent" in capsys.readouterr().err
    assert alerting_cli("deliveries", "retry", "999") == 2
