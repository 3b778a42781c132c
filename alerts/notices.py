"""What the operator is told when a delivery gives up or an endpoint is disabled: the
notice's key (one per episode, so a storm of failures is one e-mail), subject and text.

Pure: the dispatcher stores what this returns as an outbox notice.
Must not: send, or read the database or the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage import OutboxMessage


@dataclass(frozen=True)
class Notice:
    event: str
    key: str  # at most one notice per key, ever
    subject: str
    body: str


def name(message: OutboxMessage) -> str:
    """The message as a person reads it in logs and notices."""
    if message.kind == "webhook":
        return f"webhook {message.target} for item {message.item.id if message.item else '?'}"
    if message.kind == "digest" and message.period_end is not None:
        return f"digest {message.target} for {message.period_end:%Y-%m-%d %H:%M} UTC"
    return f"operator notice {message.subject or message.event!r}"


def delivery_failed(message: OutboxMessage, error: str, now: datetime) -> Notice:
    """A message failed for good; told once a target a day, however many fail."""
    return Notice(
        "delivery.failed",
        f"delivery.failed:{message.kind}:{message.target}:{now:%Y-%m-%d}",
        f"Delivery failed: {name(message)}",
        f"A message could not be delivered and will not be tried again.\n\n"
        f"Message: {name(message)} (outbox id {message.id})\n"
        f"Last error: {error}\n\n"
        f"`monitor deliveries list --state failed` shows every failed message;\n"
        f"`monitor deliveries retry {message.id}` sends this one again.\n"
        f"Further failures to {message.target} today are not told again.\n",
    )


def endpoint_disabled(message: OutboxMessage, error: str, count: int, now: datetime) -> Notice:
    """An endpoint answered 410 and was disabled with ``count`` pending messages."""
    return Notice(
        "endpoint.disabled",
        f"endpoint.disabled:{message.target}:{now.isoformat()}",
        f"Webhook {message.target} disabled: the endpoint answered 410 Gone",
        f"The webhook endpoint {message.target!r} answered 410 Gone, which asks never\n"
        f"to be called again. It is disabled: {count} pending alert(s) to it are kept\n"
        f"as disabled and new alerts to it are stored but not sent.\n\n"
        f"Last error: {error}\n\n"
        f"When the endpoint is fixed, `monitor deliveries retry {message.id}` enables\n"
        f"it again and resends that alert; `monitor deliveries list --state disabled`\n"
        f"lists the others.\n",
    )
