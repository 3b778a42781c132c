"""The JSON body of a webhook alert (CONTRACT.md, "Webhook alerts"), built from an
outbox message.

Owns the body's shape and its bytes: compact JSON, UTF-8 (not ASCII-escaped, so Persian
and Arabic stay readable on the wire), keys in the contract's order. The body is a pure
function of the claimed message (hazard 11: receivers deduplicate on ``webhook-id``).
``also_reported_by`` lists the other reports of the item's story known when the
message was claimed, so a retry may list more sources than the first attempt did.

Two item events: ``match.created``, a story's alert, and ``story.updated``, a later
report of a story the endpoint was alerted of, whose body also carries the story's
first report (``first_report``), so a receiver can find the alert it updates.

The stored summary is sanitised HTML; the body carries plain text, cut on a word
boundary, because receivers are chat bridges and scripts, not browsers.

Must not: sign, send, read the clock, or import ``monitor``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

from storage.records import MatchRecord, OutboxMessage, StoredItem

UPDATE_EVENT = "story.updated"

SUMMARY_LIMIT = 1000  # characters of plain text, before the ellipsis
ELLIPSIS = "…"

# Tags after which text is a new block: without a space there, "<p>end.</p><p>Next"
# would read "end.Next".
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl",
        "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "ol", "p", "pre", "section", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
# Stored HTML is sanitised and has none of these, but if one slips through its
# content is code, not text.
_DROP_CONTENT_TAGS = frozenset({"script", "style", "template", "noscript"})


def webhook_body(message: OutboxMessage) -> bytes:
    """The body of the webhook ``message``: a ``match.created`` alert (or a
    ``story.updated``) built from its item and its story's other reports, or, for a
    message without an item (a source's health changed), the body stored when the
    message was created (``alerts.sources``)."""
    if message.item is None:
        if message.body is None:
            raise ValueError(f"outbox message {message.id} has neither an item nor a body")
        return message.body.encode("utf-8")
    matches = _ordered(message.matches)
    severity = "urgent" if any(m.severity == "urgent" for m in matches) else "digest"
    body: dict[str, Any] = {
        "type": message.event,
        "timestamp": utc_z(message.created_at),
        "data": {
            "severity": severity,
            "topics": sorted({m.key for m in matches if m.kind == "topic"}),
            "people": sorted({m.key for m in matches if m.kind == "person"}),
            "matched": [
                {
                    "kind": m.kind,
                    "key": m.key,
                    "severity": m.severity,
                    "evidence": list(m.evidence),
                }
                for m in matches
            ],
            "item": _item(message.item),
            # The story's other reports (CONTRACT.md), first stored first.
            "also_reported_by": [_source(r) for r in message.reports],
            "story": _story(message.item),
        },
    }
    if message.event == UPDATE_EVENT:
        first = min((message.item, *message.reports), key=lambda i: i.id)
        body["data"]["first_report"] = _item(first)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def utc_z(moment: datetime) -> str:
    """``2025-07-12T09:30:00Z``: UTC, whole seconds, the form the contract shows."""
    if moment.tzinfo is None:
        # Storage hands out aware datetimes only; a naive one here is a bug, and
        # guessing its zone would put a wrong time on the wire.
        raise ValueError("naive datetime: storage returns timezone-aware UTC")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def summary_text(summary_html: str, limit: int = SUMMARY_LIMIT) -> str:
    """Sanitised HTML -> plain text with collapsed whitespace, cut to about ``limit``
    characters on a word boundary with an ellipsis."""
    parser = _TextExtractor()
    parser.feed(summary_html)
    parser.close()
    text = " ".join("".join(parser.parts).split())
    return _cut(text, limit)


def _ordered(matches: tuple[MatchRecord, ...]) -> list[MatchRecord]:
    # Topics before people, as in the contract, then by key: the order cannot depend on
    # the order a query returned rows in, or two attempts could differ in bytes.
    return sorted(matches, key=lambda m: (m.kind != "topic", m.kind, m.key))


def _item(item: StoredItem) -> dict[str, Any]:
    return {
        "id": str(item.id),
        "title": item.title,
        "url": item.url,
        "summary": summary_text(item.summary),
        "published": utc_z(item.published),
        "language": item.language,
        "feed": {
            "id": item.feed_id,
            "name": item.feed_name,
            "label": item.feed_label,
            "country": item.feed_country,
        },
    }


def _source(item: StoredItem) -> dict[str, Any]:
    return {"feed": item.feed_id, "label": item.feed_label, "url": item.url}


def _story(item: StoredItem) -> str | None:
    # "s<id>", as `monitor export` and `monitor stories` spell it.
    return f"s{item.story_id}" if item.story_id is not None else None


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = text[:limit]
    space = head.rfind(" ")
    # Cut at the last space unless that would lose most of the text: scripts without
    # spaces between words (and one giant URL) are cut mid-run instead.
    if space >= limit // 2:
        head = head[:space]
    return head.rstrip(" ,;:-–—") + ELLIPSIS


class _TextExtractor(HTMLParser):
    """Collects text nodes, entities decoded, with a space at block boundaries."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP_CONTENT_TAGS:
            self._dropping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_CONTENT_TAGS:
            self._dropping = max(self._dropping - 1, 0)
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._dropping:
            self.parts.append(data)
