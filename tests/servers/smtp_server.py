"""A real SMTP server (aiosmtpd) on 127.0.0.1 for the e-mail sender's tests.

``SmtpServer`` runs aiosmtpd's threaded ``Controller`` on a random free port. It keeps
every message it accepts (envelope sender and recipients, raw bytes, the parsed
``EmailMessage``), and can be scripted to answer the next RCPT or DATA commands with
given replies (``script("DATA", "451 4.3.0 Try later", "250 OK")``) or to refuse one
address (``refuse("b@example.org")``). ``security`` is "none" (plain SMTP, no STARTTLS
offered), "starttls" (STARTTLS offered and required before MAIL) or "tls" (implicit
TLS); the certificate, for ``names`` ("localhost" and 127.0.0.1 unless told otherwise),
comes from a throw-away trustme CA, and ``client_context`` is an ``SSLContext`` that
trusts it. With ``username`` and
``password`` the server offers AUTH (PLAIN, LOGIN); with "starttls" only after
STARTTLS, otherwise at once (aiosmtpd's ``auth_require_tls`` is switched off there,
since it would also refuse AUTH over implicit TLS, which it does not count as TLS).

Fixtures: ``smtp_server`` (plain, no AUTH) and ``smtp_server_factory(security=...,
username=..., password=...)`` for the others; every server stops at teardown.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import ssl
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

__all__ = ["Received", "SmtpServer", "smtp_server", "smtp_server_factory"]

HOST = "127.0.0.1"


@dataclass
class Received:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    message: EmailMessage


class _Controller(Controller):
    """aiosmtpd's controller bound to port 0: it learns the port the system chose before
    its first (readiness) connection, so two test runs never race for one port."""

    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]


class SmtpServer:
    def __init__(
        self,
        security: str = "none",
        *,
        username: str | None = None,
        password: str | None = None,
        ca: trustme.CA | None = None,
        names: tuple[str, ...] = ("localhost", HOST),
    ) -> None:
        if security not in ("none", "starttls", "tls"):
            raise ValueError(security)
        self.security = security
        self.username = username
        self.password = password
        self.received: list[Received] = []
        self.logins: list[str] = []  # user names that logged in
        self._scripts: dict[str, deque[str]] = {"RCPT": deque(), "DATA": deque()}
        self._refused: dict[str, str] = {}
        self._lock = threading.Lock()  # the handler runs in the server's thread
        self.ca = ca or trustme.CA()
        self.client_context = ssl.create_default_context()
        self.ca.configure_trust(self.client_context)
        server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert(*names).configure_cert(server_context)
        kwargs: dict[str, Any] = {}
        if security == "starttls":
            kwargs.update(tls_context=server_context, require_starttls=True)
        elif security == "tls":
            kwargs.update(ssl_context=server_context)
        if username is not None:
            kwargs.update(authenticator=self._authenticate)
            # aiosmtpd counts only STARTTLS as TLS for auth_require_tls, not implicit TLS.
            if security != "starttls":
                kwargs.update(auth_require_tls=False)
        self._controller = _Controller(_Handler(self), hostname=HOST, port=0, **kwargs)

    @property
    def host(self) -> str:
        return HOST

    @property
    def port(self) -> int:
        return int(self._controller.port)

    def start(self) -> SmtpServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def script(self, command: str, *replies: str) -> None:
        """Answer the next ``command`` ("RCPT" or "DATA") commands with ``replies``, in
        order; a reply starting with 250 lets the command succeed normally."""
        with self._lock:
            self._scripts[command.upper()].extend(replies)

    def refuse(self, address: str, reply: str = "550 5.1.1 No such user here") -> None:
        """Answer every RCPT TO for ``address`` with ``reply``."""
        with self._lock:
            self._refused[address.lower()] = reply

    def _reply(self, command: str, address: str | None = None) -> str | None:
        with self._lock:
            if address is not None and address.lower() in self._refused:
                return self._refused[address.lower()]
            queue = self._scripts[command]
            reply = queue.popleft() if queue else None
        return None if reply is None or reply.startswith("250") else reply

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user, password = data.login.decode(), data.password.decode()
        if (user, password) != (self.username, self.password):
            return AuthResult(success=False, handled=False)  # aiosmtpd answers 535
        with self._lock:
            self.logins.append(user)
        return AuthResult(success=True, auth_data=data)


class _Handler:
    """aiosmtpd's hooks: scripted replies first, then accept and record."""

    def __init__(self, server: SmtpServer) -> None:
        self._server = server

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook names
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        reply = self._server._reply("RCPT", address)
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        reply = self._server._reply("DATA")
        if reply is not None:
            return reply
        raw = envelope.original_content or b""
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        received = Received(str(envelope.mail_from), list(envelope.rcpt_tos), raw, message)
        with self._server._lock:
            self._server.received.append(received)
        return "250 Message accepted for delivery"


@pytest.fixture(scope="session")
def smtp_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def smtp_server(smtp_ca: trustme.CA) -> Iterator[SmtpServer]:
    with SmtpServer(ca=smtp_ca) as server:
        yield server


@pytest.fixture
def smtp_server_factory(smtp_ca: trustme.CA) -> Iterator[Callable[..., SmtpServer]]:
    servers: list[SmtpServer] = []

    def start(security: str = "none", **kwargs: Any) -> SmtpServer:
        server = SmtpServer(security, ca=smtp_ca, **kwargs).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
