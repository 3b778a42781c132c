"""Sending one e-mail to the configured SMTP server; the only home of ``smtplib``.

Owns the connection (plain, STARTTLS or implicit TLS), login, and the translation of
what the server answered into ``alerts.errors``: 4xx replies and connection, timeout
or TLS failures are temporary; 5xx replies are permanent; a message that some
recipients refused is delivered to the others and only logged. Certificates are
always verified (hazard 6: ``starttls()`` without a context accepts any certificate),
and a server that does not offer STARTTLS when it should is refused, never used in
plain text.

Must not: build messages (``digest.py``), decide when to retry (the dispatcher), or
put the password in an error or a log line.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from email.message import EmailMessage

from alerts.errors import DeliveryError, PermanentDeliveryError, TemporaryDeliveryError
from alerts.settings import SmtpSettings

__all__ = ["SmtpSender"]

log = logging.getLogger("monitor.alerts")

SECURITY = ("none", "starttls", "tls")


class SmtpSender:
    """Sends messages with ``SmtpSettings``; one connection per message (a digest
    period sends a handful of messages, so a pool would only hold idle sockets)."""

    def __init__(self, settings: SmtpSettings, *, ssl_context: ssl.SSLContext | None = None):
        if settings.security not in SECURITY:
            raise ValueError(f"unknown SMTP security {settings.security!r}")
        self.settings = settings
        # The default context verifies the certificate and the host name; tests pass
        # one that trusts their own CA, never one that verifies nothing.
        self._context = ssl_context if ssl_context is not None else ssl.create_default_context()

    async def send(self, msg: EmailMessage) -> None:
        """Deliver ``msg`` to its To/Cc recipients, or raise a ``DeliveryError``."""
        # smtplib blocks; a thread keeps the event loop (polls, webhooks) running.
        await asyncio.to_thread(self._send, msg)

    def _send(self, msg: EmailMessage) -> None:
        s = self.settings
        where = f"{s.host}:{s.port}"
        try:
            refused = self._deliver(msg)
        except DeliveryError:
            raise
        except smtplib.SMTPRecipientsRefused as e:
            raise _refused_all(e.recipients, where) from e
        except smtplib.SMTPResponseException as e:
            raise _answer(e.smtp_code, e.smtp_error, where) from e
        except smtplib.SMTPNotSupportedError as e:
            # e.g. username set but the server offers no AUTH: a configuration error.
            raise PermanentDeliveryError(f"SMTP server {where}: {e}") from e
        except ssl.SSLCertVerificationError as e:
            raise TemporaryDeliveryError(
                f"TLS with SMTP server {where} failed: certificate verification failed"
                f" ({e.verify_message})"
            ) from e
        except (OSError, smtplib.SMTPException) as e:
            # Connection refused or reset, DNS, timeout, TLS handshake, disconnects.
            reason = str(e) or type(e).__name__
            raise TemporaryDeliveryError(f"SMTP server {where}: {reason}") from e
        if refused:
            # The others have the message: retrying would send it to them twice.
            log.warning(
                "SMTP server %s refused some recipients of %s: %s",
                where,
                msg["Message-ID"],
                _describe(refused),
            )

    def _deliver(self, msg: EmailMessage) -> dict[str, tuple[int, bytes]]:
        s = self.settings
        client: smtplib.SMTP
        if s.security == "tls":
            client = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._context)
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        with client:
            client.ehlo()
            if s.security == "starttls":
                if not client.has_extn("starttls"):
                    raise TemporaryDeliveryError(
                        f"SMTP server {s.host}:{s.port} does not offer STARTTLS;"
                        " refusing to send in plain text"
                    )
                client.starttls(context=self._context)
                client.ehlo()  # RFC 3207: forget what was learnt before TLS
            if s.username and s.password:
                client.login(s.username, s.password)
            return client.send_message(msg)


def _answer(code: int, text: bytes | str, where: str) -> DeliveryError:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    detail = f"SMTP server {where} answered {code} {' '.join(text.split())}"
    if 400 <= code < 500:
        return TemporaryDeliveryError(detail)
    if 500 <= code < 600:
        return PermanentDeliveryError(detail)
    # smtplib uses -1 for a reply it could not read: treat as a broken connection.
    return TemporaryDeliveryError(detail)


def _refused_all(recipients: dict[str, tuple[int, bytes]], where: str) -> DeliveryError:
    detail = f"SMTP server {where} refused every recipient: {_describe(recipients)}"
    # One 4xx among them means a later attempt may reach someone.
    if any(400 <= code < 500 for code, _ in recipients.values()):
        return TemporaryDeliveryError(detail)
    return PermanentDeliveryError(detail)


def _describe(refused: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"{address} ({code} {' '.join(text.decode('utf-8', 'replace').split())})"
        for address, (code, text) in refused.items()
    )
