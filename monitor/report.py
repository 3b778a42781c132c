"""Rendering of ``monitor status`` and ``monitor export``: records in, text out.

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

from storage import FeedStatus, StoredItem

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
            }
            for f in feeds
        ],
        "deliveries": deliveries,
    }


_UNITS = ((86400, "d"), (3600, "h"), (60, "m"), (1, "s"))


def _age(value: datetime | None, now: datetime) -> str:
    """``3m ago`` for the past, ``in 12m`` for the future, in the largest whole unit."""
    if value is None:
        return "never"
    seconds = (now - value).total_seconds()
    size, unit = next(((s, u) for s, u in _UNITS if abs(seconds) >= s), _UNITS[-1])
    amount = f"{abs(seconds) / size:.0f}{unit}"
    return f"{amount} ago" if seconds >= 0 else f"in {amount}"


def status_text(feeds: Sequence[FeedStatus], deliveries: dict[str, int], now: datetime) -> str:
    rows = [("FEED", "LABEL", "STATE", "ITEMS", "LAST SUCCESS", "NEXT POLL", "LAST ERROR")]
    for f in feeds:
        if not f.enabled:
            state = "disabled"
        elif f.ok:
            state = "ok"
        elif f.last_polled_at is None:
            state = "new"
        else:
            state = f"failing x{f.consecutive_failures}"
        error = (f.last_error or "") if not f.ok else ""
        rows.append(
            (
                f.id,
                f.label,
                state,
                str(f.items),
                _age(f.last_success_at, now),
                ("due" if f.next_poll_at is None else _age(f.next_poll_at, now))
                if f.enabled
                else "-",
                error[:100],
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[-1] for r in rows
    ]
    failing = sum(1 for f in feeds if f.enabled and not f.ok and f.last_polled_at is not None)
    lines.append("")
    lines.append(f"{len(feeds)} feeds, {failing} failing")
    lines.append(
        "deliveries: " + ", ".join(f"{k} {v}" for k, v in deliveries.items())
        if deliveries
        else "deliveries: none (no alerts configured yet)"
    )
    return "\n".join(line.rstrip() for line in lines)


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
        "story": None,
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
