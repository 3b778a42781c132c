"""Stories end to end, on both databases: three feeds on loopback report one execution (an
NGO, an opposition site reposting it word for word with a tracking link, a wire service
in other words), and `monitor poll` and `monitor digest` alert it once: one story, one
urgent webhook (verified with the reference library), one digest entry listing the
three sources with their labels; unrelated items of the same day stay apart. Then
`monitor export`, `monitor stories` and `monitor person` show it."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook

from tests.cli.conftest import Cli, after_next_digest, dedent
from tests.servers.feed_server import FeedServer
from tests.servers.smtp_server import SmtpServer
from tests.servers.webhook_receiver import WebhookReceiver

SECRET = "whsec_" + base64.b64encode(b"a-test-secret-of-32-bytes-length").decode()

NGO_TITLE = "Masoud Jamei executed in Sheiban prison in Ahvaz"
NGO_BODY = (
    "Iran Human Rights has learnt that Masoud Jamei, an Arab political prisoner from"
    " Ahvaz, was executed at dawn on Saturday in Sheiban prison. He had been sentenced"
    " to death by the Ahvaz Revolutionary Court after a trial that lasted less than an"
    " hour, without access to a lawyer of his choice, on charges of armed rebellion."
)
WIRE_TITLE = "Iran hangs Arab activist after one-hour trial, rights groups say"
WIRE_BODY = (
    "Iranian authorities put to death Masoud Jamei, a member of the Arab minority, in"
    " the southwestern city of Ahvaz, according to human rights organisations. Officials"
    " did not confirm the hanging, which follows a surge in executions this year."
)
OTHER_TITLE = "Reza Rasaei executed in Qezelhesar after Kurdish protest case"
OTHER_BODY = (
    "Reza Rasaei, arrested during the 2022 protests in Sahneh, was executed in Qezelhesar"
    " prison in Karaj early on Saturday, his family said, despite appeals by the UN."
)
CARE_TITLE = "Political prisoner denied medical care in Evin"


def rss(*items: tuple[str, str, str, str]) -> bytes:
    """An RSS document of (title, link, body, pubDate) items."""
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>{date}</pubDate><description>{text}</description></item>"
        for title, link, text, date in items
    )
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{body}'
            "</channel></rss>").encode()  # fmt: skip


NGO_LINK = "https://iranhr.example/en/news/2026/jamei/"
NGO_FEED = rss(
    (NGO_TITLE, NGO_LINK, NGO_BODY, "Sat, 21 Nov 2026 08:00:00 GMT"),
    (OTHER_TITLE, "https://iranhr.example/en/news/2026/rasaei/", OTHER_BODY,
     "Sat, 21 Nov 2026 09:00:00 GMT"),
)  # fmt: skip
REPOST_FEED = rss(
    (NGO_TITLE, "https://opposition.example/jamei?utm_source=rss&amp;utm_medium=feed",
     NGO_BODY, "Sat, 21 Nov 2026 10:00:00 GMT"),
    (CARE_TITLE, "https://opposition.example/evin", "A political prisoner was denied care.",
     "Sat, 21 Nov 2026 10:30:00 GMT"),
)  # fmt: skip
WIRE_FEED = rss((WIRE_TITLE, "https://wire.example/world/iran-1", WIRE_BODY,
                 "Sat, 21 Nov 2026 14:00:00 GMT"))  # fmt: skip


def config_yaml(receiver: WebhookReceiver, smtp: SmtpServer) -> str:
    return dedent(f"""
        topics:
          - id: execution
            name: Executions
            severity: urgent
            query: executed OR execution OR hangs OR hanging OR "put to death"
          - id: prisoners
            name: Political prisoners
            query: '"political prisoner"'
        people:
          - name: Masoud Jamei
            aliases: [مسعود جامعی]
          - name: Reza Rasaei
          - name: Iman Afshari
            role: official
        alerts:
          smtp:
            host: 127.0.0.1
            port: {smtp.port}
            security: none
            from: "Rights Monitor <monitor@example.org>"
          digests:
            - id: daily
              to: [desk@example.org]
              at: "07:00"
              timezone: UTC
          webhooks:
            - id: urgent
              url: {receiver.url("/hook")}
              secret_env: HOOK_SECRET
            - id: updates
              url: {receiver.url("/updates")}
              secret_env: HOOK_SECRET
              events: [match.created, story.updated]
        """)


@pytest.fixture
def cli(
    feed_server: FeedServer,
    webhook_receiver: WebhookReceiver,
    smtp_server: SmtpServer,
    make_cli: Callable[..., Cli],
) -> Cli:
    feed_server.add_feed("/ngo.xml", NGO_FEED)
    feed_server.add_feed("/repost.xml", REPOST_FEED)
    feed_server.add_feed("/wire.xml", WIRE_FEED)
    feeds = [
        {"id": "ihr", "name": "Iran Human Rights", "url": feed_server.url("/ngo.xml"),
         "label": "ngo"},
        {"id": "opp", "name": "Opposition Daily", "url": feed_server.url("/repost.xml"),
         "label": "opposition"},
        {"id": "wire", "name": "Wire Service", "url": feed_server.url("/wire.xml"),
         "label": "news"},
    ]  # fmt: skip
    made = make_cli(feeds, config_yaml(webhook_receiver, smtp_server))
    made.env["HOOK_SECRET"] = SECRET
    return made


def verified(receiver: WebhookReceiver, path: str) -> list[dict[str, Any]]:
    return [Webhook(SECRET).verify(r.body, r.headers) for r in receiver.requests(path)]


def by_title(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(r["title"]) + "|" + str(r["feed"]): r for r in records}


def test_three_reports_of_one_execution_are_one_story_one_webhook_one_digest_entry(
    cli: Cli, webhook_receiver: WebhookReceiver, smtp_server: SmtpServer
) -> None:
    assert cli("poll") == 0  # the three feeds at once, in whatever order they arrive

    # One story: the NGO report, its repost and the wire story; the rest apart.
    items = by_title(cli.export())
    story = {items[f"{NGO_TITLE}|ihr"]["story"], items[f"{NGO_TITLE}|opp"]["story"],
             items[f"{WIRE_TITLE}|wire"]["story"]}  # fmt: skip
    assert len(story) == 1 and None not in story
    others = {items[f"{OTHER_TITLE}|ihr"]["story"], items[f"{CARE_TITLE}|opp"]["story"]}
    assert len(others) == 2 and not others & story

    # One urgent webhook for the story (and one for the unrelated execution), carrying
    # the story's other two reports.
    hooks = verified(webhook_receiver, "/hook")
    titles = sorted(h["data"]["item"]["title"] for h in hooks)
    assert len(hooks) == 2 and OTHER_TITLE in titles
    (alert,) = [h for h in hooks if h["data"]["item"]["title"] != OTHER_TITLE]
    assert alert["type"] == "match.created" and alert["data"]["story"] in story
    reported = alert["data"]["also_reported_by"]
    assert len(reported) == 2
    assert {r["label"] for r in reported} | {alert["data"]["item"]["feed"]["label"]} == {
        "ngo", "opposition", "news"}  # fmt: skip
    assert all(r["url"] and r["feed"] for r in reported)
    # The endpoint that asks for updates hears of the other two reports as updates.
    updates = verified(webhook_receiver, "/updates")
    events = sorted(u["type"] for u in updates)
    assert events == ["match.created", "match.created", "story.updated", "story.updated"]

    # One digest entry for the story, earliest report first, three labelled sources.
    assert cli("digest", "--now", after_next_digest("07:00", "UTC")) == 0
    (mail,) = smtp_server.received
    text = mail.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    # The story is one entry in each section it belongs to (Executions, Political
    # prisoners, Masoud Jamei), shown by its earliest report; the others are sources.
    sections = text.split("\n== ")[1:]
    assert [s.split(" (")[0] for s in sections if NGO_TITLE in s] == [
        "Executions", "Political prisoners", "Masoud Jamei"]  # fmt: skip
    assert all(s.count(NGO_TITLE) <= 1 for s in sections) and WIRE_TITLE not in text
    sources = "Iran Human Rights (NGO), Opposition Daily (opposition), Wire Service (news)"
    assert text.count(f"21 Nov 2026 08:00 | {sources}") == 3
    assert OTHER_TITLE in text and CARE_TITLE in text
    assert mail.message["Subject"].startswith("Rights monitor: 3 new reports")

    # Nothing new: no webhook again.
    assert cli("poll") == 0
    assert len(webhook_receiver.requests("/hook")) == 2


def test_reports_polled_one_after_another_join_with_their_reasons(
    cli: Cli, webhook_receiver: WebhookReceiver, capsys: pytest.CaptureFixture[str]
) -> None:
    for feed in ("ihr", "opp", "wire"):
        assert cli("poll", "--feed", feed) == 0
    # The first report alerted; the later two only as updates, to the endpoint asking.
    hooks = verified(webhook_receiver, "/hook")
    assert sorted(h["data"]["item"]["title"] for h in hooks) == sorted([NGO_TITLE, OTHER_TITLE])
    (first,) = [h for h in hooks if h["data"]["item"]["title"] == NGO_TITLE]
    assert first["data"]["also_reported_by"] == []  # nothing else known when it went
    updates = [u for u in verified(webhook_receiver, "/updates") if u["type"] == "story.updated"]
    assert [(u["data"]["item"]["feed"]["id"], u["data"]["first_report"]["feed"]["id"])
            for u in updates] == [("opp", "ihr"), ("wire", "ihr")]  # fmt: skip
    assert [r["feed"] for r in updates[1]["data"]["also_reported_by"]] == ["ihr", "opp"]

    capsys.readouterr()
    assert cli("stories", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    (story,) = [s for s in listed if len(s["items"]) > 1]
    assert [(i["feed"], i["label"], i["reason"]) for i in story["items"]] == [
        ("ihr", "ngo", "new"), ("opp", "opposition", "near_duplicate"),
        ("wire", "news", "same_event"),
    ]  # fmt: skip
    assert story["topics"] == ["execution", "prisoners"] and story["people"] == ["Masoud Jamei"]
    assert story["items"][2]["why"].startswith("people Masoud Jamei; topics execution")
    assert len(listed) == 3  # the unrelated execution and the medical-care item apart

    assert cli("stories") == 0
    out = capsys.readouterr().out
    assert f"{story['id']}  2026-11-21 08:00  {NGO_TITLE}" in out
    assert "wire (news)  same_event (people Masoud Jamei" in out

    # The case file, found by the Persian alias: one story, its sources and topics.
    assert cli("person", "مسعود جامعی", "--json") == 0
    case = json.loads(capsys.readouterr().out)
    assert case["person"] == "Masoud Jamei"
    assert [s["id"] for s in case["stories"]] == [story["id"]]
    assert cli("person", "masoud jamei") == 0
    out = capsys.readouterr().out
    assert out.startswith("Masoud Jamei: 1 story, oldest first")
    assert "ihr (ngo)" in out and "opp (opposition)" in out and "wire (news)" in out
    assert cli("person", "Nobody Known") == 2


def test_export_csv_names_the_story_of_every_item(
    cli: Cli, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("poll") == 0
    capsys.readouterr()
    assert cli("export", "--format", "csv") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith(",story")
    stories = [line.rsplit(",", 1)[1] for line in lines[1:]]
    assert len(stories) == 5 and all(s.startswith("s") for s in stories)
    assert len(set(stories)) == 3
