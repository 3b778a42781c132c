"""Hostile feed and configuration text in digests and notices (hazards 7-9): header
injection, template syntax, and markup in summaries, each judged on the message as it
goes on the wire and is parsed back."""

from __future__ import annotations

import email
import email.policy
import html
from dataclasses import replace
from email.message import EmailMessage
from typing import Any

import pytest

from alerts.digest import compose_digest, compose_notice
from tests.alerts.mail_factories import (
    DIGEST,
    NOW,
    SMTP,
    TOPIC_NAMES,
    digest_message,
    entry,
    item,
    notice_message,
    person,
    topic,
)

EVIL = "attacker@evil.example"
BREAKS = [
    f"Title\r\nBcc: {EVIL}",
    f"Title\nBcc: {EVIL}",
    f"Title\rBcc: {EVIL}",
    f"Title\0\r\nBcc: {EVIL}",
    f"Title\r\n\r\n<html>a new body</html>\r\nBcc: {EVIL}",
]
DIGEST_HEADERS = {
    "From", "To", "Subject", "Date", "Message-ID", "Auto-Submitted", "MIME-Version",
    "Content-Type",
}  # fmt: skip


def on_the_wire(msg: EmailMessage) -> tuple[bytes, EmailMessage]:
    raw = bytes(msg)
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return raw, parsed


def digest_with(
    *, title: str = "Title", feed_name: str = "Feed", summary: str = "", **settings: Any
) -> EmailMessage:
    stored = item(title=title, feed_name=feed_name, summary=summary)
    message = digest_message(entry(stored, topic("execution"), person("Masoud Jamei")))
    message = replace(message, message_id=settings.pop("message_id", message.message_id))
    smtp = replace(SMTP, sender=settings.pop("sender", SMTP.sender))
    msg = compose_digest(message, replace(DIGEST, **settings), smtp, now=NOW,
                         topic_names=TOPIC_NAMES)  # fmt: skip
    assert msg is not None
    return msg


def body(msg: EmailMessage, kind: str) -> str:
    part = msg.get_body((kind,))
    assert part is not None
    return str(part.get_content())


def assert_no_injected_header(raw: bytes, parsed: EmailMessage, expected: set[str]) -> None:
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert b"\0" not in raw
    assert b"\r\nBcc:" not in head and b"\nBcc:" not in head
    assert set(parsed.keys()) == expected
    assert EVIL not in str(parsed["To"])


@pytest.mark.parametrize("value", BREAKS)
@pytest.mark.parametrize("where", ["title", "feed_name"])
def test_line_breaks_in_feed_text_stay_on_one_line(where: str, value: str) -> None:
    raw, parsed = on_the_wire(digest_with(**{where: value}))
    assert_no_injected_header(raw, parsed, DIGEST_HEADERS)
    text = body(parsed, "plain")
    assert not any(line.startswith("Bcc:") for line in text.splitlines())
    assert f"Bcc: {EVIL}" in text  # kept as text, on the title's or the source's line
    assert "<html>a new body</html>" not in body(parsed, "html")


@pytest.mark.parametrize("value", BREAKS)
@pytest.mark.parametrize("where", ["id", "sender", "to", "message_id"])
def test_line_breaks_in_configuration_never_make_a_header(where: str, value: str) -> None:
    if where == "sender":
        value = value.replace("Title", "Monitor <monitor@example.org>")
    if where == "to":
        value = value.replace("Title", "researcher@example.org")
    raw, parsed = on_the_wire(digest_with(**{where: (value,) if where == "to" else value}))
    assert_no_injected_header(raw, parsed, DIGEST_HEADERS)


@pytest.mark.parametrize("value", BREAKS)
def test_line_breaks_in_a_notice_subject_never_make_a_header(value: str) -> None:
    msg = compose_notice(notice_message(value, "body"), "operator@example.org", SMTP, now=NOW)
    raw, parsed = on_the_wire(msg)
    expected = {*DIGEST_HEADERS, "Content-Transfer-Encoding"}
    assert_no_injected_header(raw, parsed, expected)
    assert parsed["Subject"].startswith("Title ")


TEMPLATE_SYNTAX = [
    "{{ 7*7 }}",
    "{% for x in range(3) %}loop{% endfor %}",
    "{# hidden #}",
    "{{ ''.__class__.__mro__ }}",
    "{% raw %}",
    "{{ config }} {{ self }}",
]


@pytest.mark.parametrize("value", TEMPLATE_SYNTAX)
@pytest.mark.parametrize("where", ["title", "feed_name", "summary", "topic_name", "nothing_new"])
def test_template_syntax_in_data_comes_out_literally(where: str, value: str) -> None:
    if where == "topic_name":
        msg = compose_digest(
            digest_message(entry(item(), topic("execution"))), DIGEST, SMTP, now=NOW,
            topic_names={"execution": value},
        )  # fmt: skip
    elif where == "nothing_new":
        msg = compose_digest(digest_message(), replace(DIGEST, nothing_new=value), SMTP,
                             now=NOW, topic_names=TOPIC_NAMES)  # fmt: skip
    else:
        msg = digest_with(**{where: value})
    assert msg is not None
    _, parsed = on_the_wire(msg)
    assert value in body(parsed, "plain")
    assert html.escape(value, quote=False) in body(parsed, "html").replace("&#39;", "'")
    assert "49" not in body(parsed, "plain") + body(parsed, "html")
    assert "loop" not in body(parsed, "plain").replace(value, "")


@pytest.mark.parametrize("value", TEMPLATE_SYNTAX)
def test_template_syntax_in_a_notice_comes_out_literally(value: str) -> None:
    msg = compose_notice(notice_message(value, value), "operator@example.org", SMTP, now=NOW)
    _, parsed = on_the_wire(msg)
    assert body(parsed, "plain").startswith(value + "\r\n")


@pytest.mark.parametrize(
    ("summary", "absent"),
    [
        ("<script>alert(1)</script>kept", ["<script", "alert(1)"]),
        ('<img src="https://tracker.example/p.gif" onerror="alert(1)">kept',
         ["<img", "onerror", "tracker.example"]),
        ('<a href="javascript:alert(1)">kept</a>', ["javascript:", "alert(1)"]),
        ('<p onclick="alert(1)">kept</p>', ["onclick", "alert(1)"]),
        ('<iframe src="https://evil.example/"></iframe>kept', ["<iframe", "evil.example"]),
        ("<svg onload=alert(1)><circle/></svg>kept", ["<svg", "onload", "alert(1)"]),
        ("<style>body{display:none}</style>kept", ["<style", "display:none"]),
        ('<a href="/relative">kept</a>', ['href="/relative"']),
        ('<form action="https://evil.example/"><input name=x></form>kept',
         ["<form", "<input", "evil.example"]),
    ],
)  # fmt: skip
def test_markup_in_summaries_is_sanitised(summary: str, absent: list[str]) -> None:
    _, parsed = on_the_wire(digest_with(summary=summary))
    text, page = body(parsed, "plain"), body(parsed, "html")
    assert "kept" in text and "kept" in page
    for bad in absent:
        assert bad not in page, bad
        assert bad not in text, bad
    assert "<" not in text.split("Matched:")[1]  # the text part has no tags


def test_links_in_summaries_get_noopener_noreferrer() -> None:
    _, parsed = on_the_wire(digest_with(summary='<a href="https://ok.example/r">report</a>'))
    page = body(parsed, "html")
    assert '<a href="https://ok.example/r" rel="noopener noreferrer">report</a>' in page


def test_markup_in_titles_is_text() -> None:
    title = '<b>Bold</b> & <script>alert("x")</script>'
    _, parsed = on_the_wire(digest_with(title=title))
    assert title in body(parsed, "plain")
    page = body(parsed, "html")
    assert "&lt;script&gt;" in page and "<script" not in page and "<b>Bold" not in page
