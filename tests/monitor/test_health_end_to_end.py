"""Source health end to end, on both databases: real polls of a loopback feed server that
starts failing, check_health after each poll as the service calls it, and the outbox
delivered to a real SMTP server and webhook receiver. A feed that fails N times gives one
operator notice and one verified ``source.failing`` webhook (only to the endpoint that
asked for ``source.*``), not one per poll; its recovery one more of each."""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, datetime, timedelta
from pathlib import Path

from standardwebhooks.webhooks import Webhook

from monitor.alerting import Alerting
from monitor.config import Config, load_config
from monitor.health import Transition, check_health
from monitor.report import status_json, status_text
from monitor.rules import build_matcher
from monitor.service import poll_once
from storage import FeedDefinition, Store
from tests.servers.feed_server import FeedServer, send
from tests.servers.smtp_server import SmtpServer
from tests.servers.webhook_receiver import WebhookReceiver

SECRET = "whsec_" + base64.b64encode(b"a-test-secret-of-32-bytes-length").decode()
FAILURES = 3


def rss(count: int) -> bytes:
    items = "".join(
        f"<item><title>Report {i}</title><link>https://ngo.example/{i}</link>"
        f"<guid>report-{i}</guid></item>"
        for i in range(count)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>NGO</title>{items}' \
        "</channel></rss>".encode()  # fmt: skip


def write_config(
    tmp_path: Path, feeds: FeedServer, receiver: WebhookReceiver, smtp: SmtpServer
) -> Config:
    path = tmp_path / "feeds.yaml"
    path.write_text(
        f"""version: 1
http:
  allow_private_networks: true
feeds:
  - id: ngo
    name: The NGO
    url: {feeds.url("/ngo.xml")}
    label: ngo
health:
  failures: {FAILURES}
alerts:
  operator: ops@example.org
  smtp:
    host: 127.0.0.1
    port: {smtp.port}
    security: none
    from: "Rights Monitor <monitor@example.org>"
  webhooks:
    - id: items
      url: {receiver.url("/items")}
      secret_env: HOOK_SECRET
      severity: all
    - id: ops
      url: {receiver.url("/ops")}
      secret_env: HOOK_SECRET
      events: [source.*]
""",
        encoding="utf-8",
    )
    return load_config(path, {"HOOK_SECRET": SECRET})


def now() -> datetime:
    return datetime.now(UTC)


class Service:
    """What `monitor poll` does, with check_health where the service will call it."""

    def __init__(self, config: Config, store: Store) -> None:
        self.config, self.store = config, store
        self.alerting = Alerting(config, {"HOOK_SECRET": SECRET})
        self.matcher = build_matcher(config)
        feeds = [FeedDefinition(f.id, f.url, f.name, f.label.value, f.language, f.country,
                                f.enabled) for f in config.feeds]  # fmt: skip
        store.sync_feeds(feeds, now())

    async def poll(self) -> list[Transition]:
        reports = await poll_once(self.config, self.store, self.matcher, self.config.feeds, now,
                                  self.alerting.router)  # fmt: skip
        assert len(reports) == 1
        changes = check_health(self.store, self.config.health, self.alerting.settings, now())
        async with self.alerting.dispatcher(self.store, now) as dispatcher:
            report = await dispatcher.dispatch_due(("webhook", "notice"))
        assert report.problems == []
        return changes


def failing(feeds: FeedServer) -> None:
    feeds.add_route("/ngo.xml", lambda handler: send(handler, 500, b"broken"))


def test_one_notice_after_n_failures_and_one_on_recovery(
    tmp_path: Path,
    database_url: str,
    feed_server: FeedServer,
    webhook_receiver: WebhookReceiver,
    smtp_server: SmtpServer,
) -> None:
    config = write_config(tmp_path, feed_server, webhook_receiver, smtp_server)
    feed_server.add_feed("/ngo.xml", rss(2))

    async def scenario(store: Store) -> None:
        service = Service(config, store)
        assert await service.poll() == []  # two new items, no alerts: nothing matched
        failing(feed_server)
        for poll in range(1, FAILURES + 4):
            changes = await service.poll()
            assert [c.state for c in changes] == (["failing"] if poll == FAILURES else [])
            expected = 0 if poll < FAILURES else 1
            assert len(smtp_server.received) == expected, f"after {poll} failed polls"
            assert len(webhook_receiver.requests("/ops")) == expected

        text = status_text(store.feed_statuses(), store.outbox_summary(), now())
        assert f"failing x{FAILURES + 3}" in text and "1 failing, 0 silent" in text
        (feed,) = status_json(store.feed_statuses(), {})["feeds"]
        assert (feed["health"], feed["ok"], feed["silent_since"]) == ("failing", False, None)

        feed_server.reset()
        feed_server.add_feed("/ngo.xml", rss(3))
        assert [c.state for c in await service.poll()] == ["ok"]
        assert [c.state for c in await service.poll()] == []

    with Store.open(database_url) as store:
        asyncio.run(scenario(store))

    subjects = [m.message["Subject"] for m in smtp_server.received]
    assert subjects == [
        f"Source failing: The NGO ({FAILURES} failed polls in a row)",
        "Source recovered: The NGO",
    ]
    assert all(m.rcpt_tos == ["ops@example.org"] for m in smtp_server.received)
    body = smtp_server.received[0].message.get_body(("plain",))
    assert body is not None and "Last error: HTTP 500" in body.get_content()

    hooks = webhook_receiver.requests("/ops")
    payloads = [Webhook(SECRET).verify(r.body, r.headers) for r in hooks]
    assert [p["type"] for p in payloads] == ["source.failing", "source.recovered"]
    failed = payloads[0]["data"]
    assert failed["feed"] == {"id": "ngo", "name": "The NGO", "label": "ngo",
                              "url": feed_server.url("/ngo.xml")}  # fmt: skip
    assert (failed["state"], failed["consecutive_failures"]) == ("failing", FAILURES)
    assert failed["last_error"].startswith("HTTP 500")
    assert payloads[1]["data"]["previous_state"] == "failing"
    assert payloads[1]["data"]["previous_since"] == failed["since"]
    assert len({r.headers["webhook-id"] for r in hooks}) == 2
    # The endpoint that did not ask for source events got none (and no items: none matched).
    assert webhook_receiver.requests("/items") == []


def test_silence_far_beyond_the_cadence_with_a_controlled_clock(
    tmp_path: Path,
    database_url: str,
    feed_server: FeedServer,
    webhook_receiver: WebhookReceiver,
    smtp_server: SmtpServer,
) -> None:
    config = write_config(tmp_path, feed_server, webhook_receiver, smtp_server)
    # New items every 12 hours, then nothing for 2 days and an hour (more than 4 gaps of
    # 12h and than min_silence): the last poll falls about now, so that the webhook's
    # timestamp passes the receiver's check.
    updates = 6
    start = now() - (updates - 1) * timedelta(hours=12) - timedelta(days=2, hours=1)
    moment = [start]

    def clock() -> datetime:
        return moment[0]

    async def poll(service: Service) -> list[Transition]:
        await poll_once(config, service.store, service.matcher, config.feeds, clock,
                        service.alerting.router)  # fmt: skip
        changes = check_health(service.store, config.health, service.alerting.settings, clock())
        async with service.alerting.dispatcher(service.store, clock) as dispatcher:
            await dispatcher.dispatch_due(("webhook", "notice"))
        return changes

    async def scenario(store: Store) -> None:
        service = Service(config, store)
        for update in range(updates):
            moment[0] = start + update * timedelta(hours=12)
            feed_server.add_feed("/ngo.xml", rss(update + 1))
            assert await poll(service) == []
        last_new = moment[0]
        moment[0] = last_new + timedelta(days=2) - timedelta(minutes=1)
        assert await poll(service) == []  # 4 gaps have passed, but not 2 days
        moment[0] = last_new + timedelta(days=2, hours=1)
        (change,) = await poll(service)
        assert (change.state, change.since) == ("silent", last_new)
        assert await poll(service) == []
        (feed,) = status_json(store.feed_statuses(), {})["feeds"]
        assert feed["usual_gap_seconds"] == 12 * 3600
        assert feed["health"] == "silent" and feed["silent_since"] is not None

    with Store.open(database_url) as store:
        asyncio.run(scenario(store))

    (mail,) = smtp_server.received
    assert mail.message["Subject"].startswith("Source silent: The NGO (nothing new since")
    (hook,) = webhook_receiver.requests("/ops")
    payload = Webhook(SECRET).verify(hook.body, hook.headers)
    assert payload["type"] == "source.silent"
    assert payload["data"]["usual_gap_seconds"] == 12 * 3600
    assert webhook_receiver.requests("/items") == []
