"""compose_notice: a plain-text message to the operator, with the digests' headers."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

import pytest

from alerts.digest import compose_notice
from tests.alerts.mail_factories import NOW, SMTP, notice_message

OPERATOR = "operator@example.org"
BODY = (
    "The webhook endpoint 'ops-chat' answered 410 Gone and was disabled.\n"
    "Re-enable it with: monitor deliveries enable ops-chat\n"
    "پیام‌های در انتظار: ۳"
)


def wire(msg: EmailMessage) -> EmailMessage:
    parsed = email.message_from_bytes(bytes(msg), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_a_notice_is_plain_text_with_our_headers() -> None:
    message = notice_message("Webhook ops-chat disabled", BODY)
    got = wire(compose_notice(message, OPERATOR, SMTP, now=NOW))
    assert got.get_content_type() == "text/plain"
    assert got.get_content_charset() == "utf-8"
    assert got["From"] == "Rights Monitor <monitor@example.org>"
    assert got["To"] == OPERATOR
    assert got["Subject"] == "Webhook ops-chat disabled"
    assert got["Message-ID"] == "<notice.18@monitor.example.org>"
    assert got["Date"] == "Sun, 22 Nov 2026 03:31:00 +0000"
    assert got["Auto-Submitted"] == "auto-generated"
    text = got.get_content().replace("\r\n", "\n")
    assert text.startswith(BODY + "\n")
    assert 'notice "endpoint.disabled"' in text


@pytest.mark.parametrize(
    ("subject", "body", "expected_subject"),
    [
        (None, None, "Rights monitor: endpoint.disabled"),
        ("", "", "Rights monitor: endpoint.disabled"),
        ("  Delivery\tfailed  ", "x", "Delivery failed"),  # runs of whitespace fold to one
        ("پیام تحویل نشد", "x", "پیام تحویل نشد"),  # non-ASCII: RFC 2047 on the wire
    ],
)
def test_subjects(subject: str | None, body: str | None, expected_subject: str) -> None:
    msg = compose_notice(notice_message(subject, body), OPERATOR, SMTP, now=NOW)
    assert bytes(msg).isascii()
    assert wire(msg)["Subject"] == expected_subject


def test_the_same_outbox_message_gives_the_same_message_id() -> None:
    message = notice_message("s", "b")
    first = compose_notice(message, OPERATOR, SMTP, now=NOW)
    later = compose_notice(message, OPERATOR, SMTP, now=NOW.replace(hour=9))
    assert first["Message-ID"] == later["Message-ID"]
    assert first["Date"] != later["Date"]
