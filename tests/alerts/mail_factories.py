"""Builders of digest and notice outbox messages for the e-mail tests."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from alerts.settings import DigestSettings, SmtpSettings
from storage.records import DigestEntry, MatchRecord, OutboxMessage, StoredItem

# 07:00 in Tehran (UTC+03:30) on 22 Nov 2026: the period the digest is for.
PERIOD_END = datetime(2026, 11, 22, 3, 30, tzinfo=UTC)
PREVIOUS_END = PERIOD_END - timedelta(days=1)
NOW = PERIOD_END + timedelta(minutes=1)
SENDER = "Rights Monitor <monitor@example.org>"
SMTP = SmtpSettings(host="127.0.0.1", port=25, security="none", sender=SENDER)
DIGEST = DigestSettings(
    id="daily", to=("researcher@example.org",), at=time(7), timezone="Asia/Tehran"
)
TOPIC_NAMES = {
    "death_sentence": "Death sentences",
    "execution": "Executions",
    "arrest": "Arrests",
}


def topic(key: str, *evidence: str, severity: str = "digest") -> MatchRecord:
    return MatchRecord("topic", key, severity, evidence or (key.replace("_", " "),))


def person(name: str, *evidence: str, severity: str = "digest") -> MatchRecord:
    return MatchRecord("person", name, severity, evidence or (name,))


def item(**overrides: Any) -> StoredItem:
    values: dict[str, Any] = {
        "id": 1,
        "feed_id": "ihrngo-en",
        "feed_label": "ngo",
        "identity": "https://iranhr.net/en/articles/1/",
        "title": "Masoud Jamei sentenced to death",
        "url": "https://iranhr.net/en/articles/1/",
        "summary": "<p>Iran Human Rights has learnt that <b>Masoud Jamei</b> was sentenced.</p>",
        "content": "",
        "published": datetime(2026, 11, 21, 8, 15, tzinfo=UTC),
        "fetched_at": datetime(2026, 11, 21, 8, 20, tzinfo=UTC),
        "language": "en",
        "feed_name": "Iran Human Rights",
    }
    values.update(overrides)
    return StoredItem(**values)


def persian_item(**overrides: Any) -> StoredItem:
    values: dict[str, Any] = {
        "id": 2,
        "feed_id": "hrana-fa",
        "feed_label": "news",
        "identity": "https://www.hra-news.org/2026/hranews/a-1/",
        "title": "اعدام یک زندانی در زندان قزلحصار",
        "url": "https://www.hra-news.org/2026/hranews/a-1/",
        "summary": "<p>یک زندانی بامداد امروز در زندان قزلحصار <b>اعدام</b> شد.</p>",
        "published": datetime(2026, 11, 21, 20, 45, tzinfo=UTC),
        "fetched_at": datetime(2026, 11, 21, 21, 0, tzinfo=UTC),
        "language": "fa",
        "feed_name": "هرانا",
    }
    values.update(overrides)
    return item(**values)


def entry(stored: StoredItem, *matches: MatchRecord) -> DigestEntry:
    return DigestEntry(stored, matches)


def digest_message(*entries: DigestEntry, **overrides: Any) -> OutboxMessage:
    values: dict[str, Any] = {
        "id": 17,
        "kind": "digest",
        "target": "daily",
        "event": "digest",
        "message_id": "digest.daily.20261122T033000Z@monitor.example.org",
        "attempts": 0,
        "created_at": PERIOD_END,
        "period_end": PERIOD_END,
        "previous_period_end": PREVIOUS_END,
        "entries": entries,
    }
    values.update(overrides)
    return OutboxMessage(**values)


def notice_message(subject: str | None, body: str | None, **overrides: Any) -> OutboxMessage:
    values: dict[str, Any] = {
        "id": 18,
        "kind": "notice",
        "target": "operator",
        "event": "endpoint.disabled",
        "message_id": "notice.18@monitor.example.org",
        "attempts": 0,
        "created_at": NOW,
        "subject": subject,
        "body": body,
    }
    values.update(overrides)
    return OutboxMessage(**values)
