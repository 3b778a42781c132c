"""What is said when a source's health changes: the operator notice, the webhook body,
and which webhooks get it, as outbox messages to store with the change.

A change is one of three events: ``source.failing`` (the feed failed N polls in a
row), ``source.silent`` (nothing new far beyond its usual cadence) and
``source.recovered`` (back to ``ok`` after either). Each message's ``dedup_key``
names the episode (the feed, the state and when it began), so one episode is
announced once however many processes notice it; a recovery names the episode it
ends. The webhook body is built here, at creation, and stored: every attempt sends
the same bytes (``payload.webhook_body`` sends it as stored).

Pure: no database, network or clock (``now`` is an argument). Must not decide what a
feed's health is (``monitor.health`` does) or import ``monitor``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from alerts.digest import LABELS
from alerts.payload import utc_z
from alerts.settings import AlertSettings
from storage.records import NewMessage

EVENTS = {"failing": "source.failing", "silent": "source.silent", "ok": "source.recovered"}


@dataclass(frozen=True)
class SourceEvent:
    """A feed's health moved from ``previous`` (since ``previous_since``) to ``state``
    (since ``since``), with what was known about the feed at that moment."""

    feed_id: str
    name: str
    label: str
    url: str
    previous: str  # "ok" | "failing" | "silent"
    previous_since: datetime | None
    state: str
    since: datetime
    consecutive_failures: int
    last_error: str | None
    usual_gap: timedelta | None
    last_new_item_at: datetime | None

    @property
    def event(self) -> str:
        return EVENTS[self.state]

    @property
    def key(self) -> str:
        """The episode's identity: the same change noticed twice gives the same key."""
        if self.state == "ok":
            began = self.previous_since.isoformat() if self.previous_since else "-"
            return f"source:{self.feed_id}:recovered:{self.previous}:{began}"
        return f"source:{self.feed_id}:{self.state}:{self.since.isoformat()}"


def source_messages(
    event: SourceEvent, settings: AlertSettings, now: datetime
) -> tuple[NewMessage, ...]:
    """The operator notice (when an operator and a mail server are configured) and one
    webhook message per endpoint whose ``events`` admit this one."""
    subject = _subject(event)
    messages = []
    if settings.operator is not None and settings.smtp is not None:
        body = _notice(event)
        messages.append(NewMessage("notice", "operator", event.event, event.key, subject, body))
    hooks = [hook for hook in settings.webhooks if event.event in hook.events]
    if hooks:
        body = source_body(event, now)
        messages += [
            NewMessage("webhook", hook.id, event.event, f"webhook:{hook.id}:{event.key}",
                       subject, body)  # fmt: skip
            for hook in hooks
        ]
    return tuple(messages)


def source_body(event: SourceEvent, now: datetime) -> str:
    """The webhook body: ``{"type": "source.failing", "timestamp": ..., "data": {...}}``,
    compact JSON with the keys in a fixed order, as ``payload`` writes a match's."""
    gap = event.usual_gap.total_seconds() if event.usual_gap is not None else None
    body: dict[str, Any] = {
        "type": event.event,
        "timestamp": utc_z(now),
        "data": {
            "feed": {"id": event.feed_id, "name": event.name, "label": event.label,
                     "url": event.url},  # fmt: skip
            "state": event.state,
            "since": utc_z(event.since),
            "previous_state": event.previous,
            "previous_since": utc_z(event.previous_since) if event.previous_since else None,
            "consecutive_failures": event.consecutive_failures,
            "last_error": event.last_error,
            "usual_gap_seconds": round(gap) if gap is not None else None,
            "last_new_item_at": _z(event.last_new_item_at),
        },
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def span(seconds: float) -> str:
    """``2h``, ``3d 4h``, ``45m``: a length of time in its two largest units."""
    seconds = max(0, round(seconds))
    parts: list[str] = []
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m"), (1, "s")):
        if seconds >= size or (not parts and size == 1):
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return " ".join(parts[:2])


def _subject(event: SourceEvent) -> str:
    name = _one_line(event.name)
    if event.state == "failing":
        return f"Source failing: {name} ({event.consecutive_failures} failed polls in a row)"
    if event.state == "silent":
        return f"Source silent: {name} (nothing new since {_when(event.since)})"
    return f"Source recovered: {name}"


def _notice(event: SourceEvent) -> str:
    label = LABELS.get(event.label, event.label)
    lines = [f"Feed: {_one_line(event.name)} ({event.feed_id}, {label})"]
    lines += [f"Address: {event.url}", ""]
    cadence = (
        f"New items usually arrive every {span(event.usual_gap.total_seconds())}."
        if event.usual_gap is not None
        else "Its usual cadence is not known yet."
    )
    if event.state == "failing":
        lines += [
            f"The feed has failed {event.consecutive_failures} polls in a row, since"
            f" {_when(event.since)}.",
            f"Last error: {event.last_error or 'unknown'}",
            "",
            "It is still polled, less often while it fails (backoff), and you will be told",
            "when it recovers. Reports published meanwhile are fetched when it answers",
            "again, as long as the feed still lists them.",
            "",
            cadence,
        ]
    elif event.state == "silent":
        lines += [
            f"Nothing new has arrived from the feed since {_when(event.since)}.",
            cadence,
            "",
            "A feed that stops bringing anything new may have moved, stopped being",
            "updated, or be serving an old copy: check the site and the address above.",
        ]
    else:
        was = "failing" if event.previous == "failing" else "silent"
        lines += [
            f"The feed is back to normal; it had been {was} since {_when(event.previous_since)}.",
            f"Last new item: {_when(event.last_new_item_at)}.",
            cadence,
        ]
    lines += ["", "`monitor status` shows the health of every feed."]
    return "\n".join(lines) + "\n"


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment is not None else "never"


def _z(moment: datetime | None) -> str | None:
    return utc_z(moment) if moment is not None else None


def _one_line(value: str) -> str:
    # Feed names reach a header (the subject); mail.new_message strips breaks too.
    return " ".join(value.split())
