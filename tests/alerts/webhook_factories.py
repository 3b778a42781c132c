"""Builders of webhook outbox messages for the webhook tests, with sensible defaults."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from storage.records import MatchRecord, OutboxMessage, StoredItem

T0 = datetime(2025, 7, 12, 9, 30, tzinfo=UTC)
# A Standard Webhooks secret ("whsec_" + base64 of 32 bytes), and the next one.
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
NEXT_SECRET = "whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24tdGVzdHM="


def topic(key: str, severity: str = "urgent", *evidence: str) -> MatchRecord:
    return MatchRecord("topic", key, severity, evidence or (key.replace("_", " "),))


def person(name: str, severity: str = "urgent", *evidence: str) -> MatchRecord:
    return MatchRecord("person", name, severity, evidence or (name,))


def stored_item(**overrides: Any) -> StoredItem:
    values: dict[str, Any] = {
        "id": 4711,
        "feed_id": "ihrngo-en",
        "feed_label": "ngo",
        "identity": "https://iranhr.net/en/articles/1/",
        "title": "Masoud Jamei sentenced to death",
        "url": "https://iranhr.net/en/articles/1/",
        "summary": "<p>Iran Human Rights has learnt that Masoud Jamei was sentenced.</p>",
        "content": "",
        "published": datetime(2025, 7, 12, 8, 15, 42, 123456, tzinfo=UTC),
        "fetched_at": datetime(2025, 7, 12, 9, 29, tzinfo=UTC),
        "language": "en",
        "topics": ("death_sentence",),
        "people": ("Masoud Jamei",),
        "feed_name": "Iran Human Rights",
        "feed_country": "IR",
    }
    return StoredItem(**{**values, **overrides})


def webhook_message(
    item: StoredItem | None = None,
    matches: tuple[MatchRecord, ...] = (topic("death_sentence"), person("Masoud Jamei")),
    **overrides: Any,
) -> OutboxMessage:
    values: dict[str, Any] = {
        "id": 17,
        "kind": "webhook",
        "target": "urgent-hook",
        "event": "match.created",
        "message_id": "msg_2zWZ5Qk8a7Yd4Y0b",
        "attempts": 0,
        "created_at": T0,
        "item": item if item is not None else stored_item(),
        "matches": matches,
    }
    return OutboxMessage(**{**values, **overrides})
