"""Rendering of ``monitor status``, ``monitor deliveries list`` and ``monitor export``:
records in, text out.

Pure functions over storage records; the contract (CONTRACT.md) fixes the JSON field
names, so they are spelled out here and nowhere else.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from storage import FeedStatus, OutboxStatus, StoredItem

EXPORT_FIELDS = (
    "id", "feed", "label", "title", "url", "published", "fetched_at", "topics", "people", "story",
)  # fmt: skip


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def status_json(feeds: Sequence[FeedStatus], deliveries: dict[str, int]) -> dict[str, Any]:
    return {
        "feeds": [
            {
                "id": f.id,
                "name": f.name,
                "label": f.label,
                "url": f.url,
                "enabled": f.enabled,
                "ok": f.ok,
                "last_error": f.last_error if not f.ok else None,
                "last_error_at": _iso(f.last_error_at),
                "consecutive_failures": f.consecutive_failures,
                "last_success": _iso(f.last_success_at),
                "last_polled": _iso(f.last_polled_at),
                "next_poll": _iso(f.next_poll_at),
                "items": f.items,
                # Source health (docs/configuration.md, "health"): as last decided.
                "health": f.health,
                "health_since": _iso(f.health_since) if f.health != "ok" else None,
                "silent_since": _iso(f.health_since) if f.health == "silent" else None,
                "usual_gap_seconds": _seconds(f.usual_gap_seconds),
                "last_new_item": _iso(f.last_new_item_at),
            }
            for f in feeds
        ],
        "deliveries": deliveries,
    }


_UNITS = ((86400, "d"), (3600, "h"), (60, "m"), (1, "s"))


def _seconds(value: float | None) -> int | None:
    return round(value) if value is not None else None


def _span(seconds: float) -> str:
    """``2h``, ``45m``, ``3d``: a length in its largest whole unit."""
    size, unit = next(((s, u) for s, u in _UNITS if seconds >= s), _UNITS[-1])
    return f"{seconds / size:.0f}{unit}"


def _state(f: FeedStatus, now: datetime) -> str:
    """What STATE says: health first (failing, silent), then what the last poll did."""
    if not f.enabled:
        return "disabled"
    if f.health == "failing":
        return f"failing x{f.consecutive_failures}"
    if f.health == "silent" and f.health_since is not None:
        return f"silent for {_span((now - f.health_since).total_seconds())}"
    if f.last_polled_at is None:
        return "new"
    if f.consecutive_failures:  # failed, but not often enough in a row to be failing
        return f"error x{f.consecutive_failures}"
    return "ok"


def _age(value: datetime | None, now: datetime) -> str:
    """``3m ago`` for the past, ``in 12m`` for the future, in the largest whole unit."""
    if value is None:
        return "never"
    seconds = (now - value).total_seconds()
    size, unit = next(((s, u) for s, u in _UNITS if abs(seconds) >= s), _UNITS[-1])
    amount = f"{abs(seconds) / size:.0f}{unit}"
    return f"{amount} ago" if seconds >= 0 else f"in {amount}"


def status_text(feeds: Sequence[FeedStatus], deliveries: dict[str, int], now: datetime) -> str:
    rows = [("FEED", "LABEL", "STATE", "USUAL GAP", "ITEMS", "LAST SUCCESS", "NEXT POLL",
             "LAST ERROR")]  # fmt: skip
    for f in feeds:
        error = (f.last_error or "") if not f.ok else ""
        rows.append(
            (
                f.id,
                f.label,
                _state(f, now),
                _span(f.usual_gap_seconds) if f.usual_gap_seconds is not None else "-",
                str(f.items),
                _age(f.last_success_at, now),
                ("due" if f.next_poll_at is None else _age(f.next_poll_at, now))
                if f.enabled
                else "-",
                error[:100],
            )
        )
    lines = _table(rows)
    failing = sum(1 for f in feeds if f.enabled and f.health == "failing")
    silent = sum(1 for f in feeds if f.enabled and f.health == "silent")
    lines.append("")
    lines.append(f"{len(feeds)} feeds, {failing} failing, {silent} silent")
    lines.append("deliveries: " + ", ".join(f"{k} {v}" for k, v in deliveries.items()))
    if deliveries.get("failed") or deliveries.get("disabled"):
        lines.append("  see `monitor deliveries list`; `monitor deliveries retry ID` resends one")
    return "\n".join(line.rstrip() for line in lines)


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows in aligned columns; the last column is left ragged (it holds long text)."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return [
        ("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[-1]).rstrip()
        for r in rows
    ]


def outbox_json(messages: Sequence[OutboxStatus]) -> list[dict[str, Any]]:
    return [
        {
            "id": m.id,
            "kind": m.kind,
            "target": m.target,
            "event": m.event,
            "state": m.state,
            "attempts": m.attempts,
            "created_at": _iso(m.created_at),
            "next_attempt_at": _iso(m.next_attempt_at) if m.state == "pending" else None,
            "last_attempt_at": _iso(m.last_attempt_at),
            "sent_at": _iso(m.sent_at),
            "last_error": m.last_error,
            "title": m.title,
        }
        for m in messages
    ]


def outbox_text(messages: Sequence[OutboxStatus], now: datetime) -> str:
    if not messages:
        return "no deliveries"
    rows = [("ID", "KIND", "TARGET", "STATE", "TRIES", "WHEN", "WHAT / LAST ERROR")]
    for m in messages:
        if m.state == "sent":
            when = f"sent {_age(m.sent_at, now)}"
        elif m.state == "pending":
            when = "next " + ("now" if m.next_attempt_at is None or m.next_attempt_at <= now
                              else _age(m.next_attempt_at, now))  # fmt: skip
        else:
            when = _age(m.last_attempt_at or m.created_at, now)
        detail = m.title if m.state == "sent" or not m.last_error else f"{m.title}: {m.last_error}"
        rows.append((str(m.id), m.kind, m.target, m.state, str(m.attempts), when, detail[:160]))
    return "\n".join(_table(rows))


def export_record(item: StoredItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "feed": item.feed_id,
        "label": item.feed_label,
        "title": item.title,
        "url": item.url,
        "published": _iso(item.published),
        "fetched_at": _iso(item.fetched_at),
        "topics": list(item.topics),
        "people": list(item.people),
        # Items reporting the same event share it ("s123", as `monitor stories` names it).
        "story": f"s{item.story_id}" if item.story_id is not None else None,
    }


def export_jsonl(items: Iterable[StoredItem]) -> Iterator[str]:
    for item in items:
        yield json.dumps(export_record(item), ensure_ascii=False) + "\n"


def export_csv(items: Iterable[StoredItem]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    for item in items:
        record = export_record(item)
        record["topics"] = ";".join(record["topics"])
        record["people"] = ";".join(record["people"])
        writer.writerow(record)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()
