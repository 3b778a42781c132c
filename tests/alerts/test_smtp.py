"""SmtpSender against a real aiosmtpd server on 127.0.0.1: plain, STARTTLS and implicit
TLS verified against a throw-away CA, AUTH, and what each server answer becomes."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from dataclasses import replace
from email.message import EmailMessage
from typing import Any

import pytest

from alerts.digest import compose_digest
from alerts.errors import PermanentDeliveryError, TemporaryDeliveryError
from alerts.settings import SmtpSettings
from alerts.smtp import SmtpSender
from tests.alerts.mail_factories import (
    DIGEST,
    NOW,
    SMTP,
    TOPIC_NAMES,
    digest_message,
    entry,
    item,
    persian_item,
    person,
    topic,
)
from tests.servers.smtp_server import SmtpServer

Factory = Callable[..., SmtpServer]
TO = ("alice@example.org", "bob@example.org")


def message(to: tuple[str, ...] = TO) -> EmailMessage:
    msg = compose_digest(
        digest_message(
            entry(item(), topic("death_sentence", severity="urgent"), person("Masoud Jamei")),
            entry(persian_item(), topic("execution", "اعدام")),
        ),
        replace(DIGEST, to=to),
        SMTP,
        now=NOW,
        topic_names=TOPIC_NAMES,
    )
    assert msg is not None
    return msg


def send(
    server: SmtpServer, msg: EmailMessage | None = None, *, context: Any = "server", **settings: Any
) -> None:
    values: dict[str, Any] = {"security": server.security, "timeout": 5.0}
    values.update(settings)
    smtp = SmtpSettings(host=server.host, port=server.port, sender=SMTP.sender, **values)
    ssl_context = server.client_context if context == "server" else context
    asyncio.run(SmtpSender(smtp, ssl_context=ssl_context).send(msg or message()))


def test_delivers_a_multipart_alternative_digest_with_its_headers(smtp_server: SmtpServer) -> None:
    msg = message()
    send(smtp_server, msg)
    [received] = smtp_server.received
    assert received.mail_from == "monitor@example.org"
    assert received.rcpt_tos == list(TO)
    got = received.message
    assert got.get_content_type() == "multipart/alternative"
    assert got["Message-ID"] == "<digest.daily.20261122T033000Z@monitor.example.org>"
    assert got["Date"] == "Sun, 22 Nov 2026 03:31:00 +0000"
    assert got["Auto-Submitted"] == "auto-generated"
    assert got["Subject"] == "Rights monitor: 2 new reports (daily, 22 Nov 2026)"
    plain, html = (part for part in got.iter_parts())
    assert (plain.get_content_type(), plain.get_content_charset()) == ("text/plain", "utf-8")
    assert (html.get_content_type(), html.get_content_charset()) == ("text/html", "utf-8")
    assert "اعدام یک زندانی در زندان قزلحصار" in plain.get_content()
    assert 'dir="auto"' in html.get_content()
    # 7-bit transfer encodings only: no relay needs 8BITMIME.
    assert all(byte < 128 for byte in received.raw)


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_tls_is_verified_against_the_servers_ca(
    smtp_server_factory: Factory, security: str
) -> None:
    server = smtp_server_factory(security)
    send(server)
    assert len(server.received) == 1


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_an_untrusted_certificate_is_refused_by_the_default_context(
    smtp_server_factory: Factory, security: str
) -> None:
    server = smtp_server_factory(security)
    with pytest.raises(TemporaryDeliveryError, match="certificate verification failed"):
        send(server, context=None)  # ssl.create_default_context(): the system's CAs
    assert server.received == []


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_a_trusted_certificate_for_another_host_is_refused(
    smtp_server_factory: Factory, security: str
) -> None:
    server = smtp_server_factory(security, names=("mail.example.org",))
    with pytest.raises(TemporaryDeliveryError, match="certificate verification failed"):
        send(server)  # the context trusts the CA, but 127.0.0.1 is not mail.example.org
    assert server.received == []


def test_starttls_not_offered_is_refused_not_downgraded(smtp_server: SmtpServer) -> None:
    with pytest.raises(TemporaryDeliveryError, match="does not offer STARTTLS"):
        send(smtp_server, security="starttls")
    assert smtp_server.received == []


@pytest.mark.parametrize("security", ["none", "starttls", "tls"])
def test_logs_in_when_a_user_name_and_password_are_set(
    smtp_server_factory: Factory, security: str
) -> None:
    server = smtp_server_factory(security, username="monitor", password="s3cret pass")
    send(server, username="monitor", password="s3cret pass")
    assert server.logins == ["monitor"]
    assert len(server.received) == 1


def test_a_wrong_password_is_permanent_and_never_repeated(smtp_server_factory: Factory) -> None:
    server = smtp_server_factory("starttls", username="monitor", password="right")
    with pytest.raises(PermanentDeliveryError, match="535") as caught:
        send(server, username="monitor", password="wrong-secret")
    assert "wrong-secret" not in str(caught.value)
    assert server.received == []


@pytest.mark.parametrize(
    ("command", "reply", "error"),
    [
        ("DATA", "451 4.3.0 Mailbox temporarily unavailable", TemporaryDeliveryError),
        ("DATA", "452 4.3.1 Insufficient system storage", TemporaryDeliveryError),
        ("DATA", "550 5.7.1 Message rejected as spam", PermanentDeliveryError),
        ("DATA", "554 5.6.0 Message content rejected", PermanentDeliveryError),
    ],
)
def test_data_replies(smtp_server: SmtpServer, command: str, reply: str, error: type) -> None:
    smtp_server.script(command, reply)
    with pytest.raises(error) as caught:
        send(smtp_server)
    code, text = reply.split(" ", 1)
    assert f"answered {code} {text}" in str(caught.value)
    assert smtp_server.received == []


def test_a_451_then_a_250_delivers_on_the_second_attempt(smtp_server: SmtpServer) -> None:
    smtp_server.script("DATA", "451 4.3.0 Try again later", "250 OK")
    with pytest.raises(TemporaryDeliveryError):
        send(smtp_server)
    send(smtp_server)
    assert len(smtp_server.received) == 1


@pytest.mark.parametrize(
    ("replies", "error"),
    [
        (["550 5.1.1 No such user", "550 5.1.1 No such user"], PermanentDeliveryError),
        (["450 4.2.1 Mailbox busy", "450 4.2.1 Mailbox busy"], TemporaryDeliveryError),
        # Nobody got it, and one of them may take it later.
        (["550 5.1.1 No such user", "450 4.2.1 Mailbox busy"], TemporaryDeliveryError),
    ],
)
def test_every_recipient_refused(smtp_server: SmtpServer, replies: list[str], error: type) -> None:
    smtp_server.script("RCPT", *replies)
    with pytest.raises(error, match="refused every recipient") as caught:
        send(smtp_server)
    assert all(address in str(caught.value) for address in TO)
    assert smtp_server.received == []


def test_some_recipients_refused_delivers_to_the_others_and_warns(
    smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    smtp_server.refuse("bob@example.org")
    with caplog.at_level(logging.WARNING, logger="monitor.alerts"):
        send(smtp_server)
    [received] = smtp_server.received
    assert received.rcpt_tos == ["alice@example.org"]
    [record] = caplog.records
    assert "bob@example.org (550" in record.getMessage()
    assert "alice@example.org" not in record.getMessage()


def test_connection_refused_is_temporary() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nobody listens there
    smtp = SmtpSettings(host="127.0.0.1", port=port, security="none", sender=SMTP.sender)
    with pytest.raises(TemporaryDeliveryError, match=f"127.0.0.1:{port}"):
        asyncio.run(SmtpSender(smtp).send(message()))


def test_a_silent_server_times_out_as_temporary() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()  # accepts, never greets
        port = listener.getsockname()[1]
        smtp = SmtpSettings(
            host="127.0.0.1", port=port, security="none", sender=SMTP.sender, timeout=0.3
        )
        with pytest.raises(TemporaryDeliveryError, match="timed out"):
            asyncio.run(SmtpSender(smtp).send(message()))


def test_unknown_security_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="security"):
        SmtpSender(replace(SMTP, security="ssl"))
