"""What ``monitor feeds`` prints: the feed table, what a fetched feed holds, and what
``feeds test`` found. Pure: data in, text (or JSON-ready dicts) out.

Written for a researcher as much as for an engineer: plain words, dates in UTC, every
match with the words that made it fire and where its alert would go.
Must not: fetch, match, read files or print.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from monitor.config.units import format_duration
from monitor.discovery import FeedLink
from monitor.feed_probe import Probe, Verdict, detected_language
from monitor.model import FeedSettings, ParsedItem

NEWEST_SHOWN = 5


def feed_json(feed: FeedSettings) -> dict[str, Any]:
    return {
        "id": feed.id,
        "name": feed.name,
        "label": feed.label.value,
        "language": feed.language,
        "country": feed.country,
        "enabled": feed.enabled,
        "url": feed.url,
        "interval": format_duration(feed.interval),
        "interval_seconds": feed.interval,
        "tags": list(feed.tags),
    }


def feed_table(feeds: Sequence[FeedSettings]) -> str:
    """The feeds as aligned columns, URL last (it is the longest), and a count."""
    header = ("ID", "LABEL", "LANG", "COUNTRY", "ENABLED", "INTERVAL", "URL")
    rows = [header] + [
        (f.id, f.label.value, f.language, f.country or "-", "yes" if f.enabled else "no",
         format_duration(f.interval), f.url)  # fmt: skip
        for f in feeds
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        + "  " + row[-1]
        for row in rows
    ]
    enabled = sum(1 for f in feeds if f.enabled)
    lines.append(f"{len(feeds)} feeds, {enabled} enabled")
    return "\n".join(lines)


def when(item: ParsedItem) -> str:
    if item.published_is_fetch_time:
        return "(no date)       "
    return item.published.strftime("%Y-%m-%d %H:%M")


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def links_text(links: Sequence[FeedLink], chosen: str | None) -> list[str]:
    lines = []
    for link in links:
        mark = "*" if link.url == chosen else " "
        title = f' "{link.title}"' if link.title else ""
        lines.append(f"  {mark} {link.url}  ({link.kind}{title})")
    return lines


def probe_text(probe: Probe) -> str:
    """What ``feeds add`` shows of a fetched feed before writing anything."""
    lines = []
    if probe.page_url is not None:
        lines.append(f"{probe.page_url} is a web page; the feeds it links to:")
        lines += links_text(probe.links, probe.url)
        if len(probe.links) > 1:
            lines.append("  using the one marked *; to choose another, give its address")
    feed = probe.feed
    moved = f", answered from {probe.final_url}" if probe.final_url != probe.url else ""
    lines.append(f"{probe.url}: HTTP {probe.status}{moved}")
    lines.append(f'  title:    {feed.title or "(none)"}')
    lines.append(f"  format:   {feed.format}, {len(feed.items)} items")
    language = detected_language(feed)
    if language:
        lines.append(f"  language: {language}")
    if feed.warning:
        lines.append(f"  warning:  {feed.warning}")
    if feed.items:
        lines.append("  newest items:")
        for item in feed.items[:NEWEST_SHOWN]:
            lines.append(f"    {when(item)}  {item.title or item.url or '(no title)'}")
    return "\n".join(lines)


def _matched(verdict: Verdict) -> list[str]:
    lines = []
    for m in verdict.matches:
        words = ", ".join(f'"{e}"' for e in m.evidence)
        lines.append(f"    {m.kind} {m.key} ({m.severity}): {words}")
    return lines


def _alerts(verdict: Verdict, has_alerts: bool) -> str:
    hooks = [r.target for r in verdict.routes if r.kind == "webhook"]
    digests = [r.target for r in verdict.routes if r.kind == "digest"]
    if not has_alerts:
        return "    alerts: none (feeds.yaml has no alerts section)"
    parts = []
    if hooks:
        parts.append(("webhooks " if len(hooks) > 1 else "webhook ") + ", ".join(hooks)
                     + " (at once)")  # fmt: skip
    if digests:
        parts.append(("digests " if len(digests) > 1 else "digest ") + ", ".join(digests))
    return "    alerts: " + ("; ".join(parts) if parts else "none (no webhook or digest takes it)")


def test_text(
    feed: FeedSettings, configured: bool, probe: Probe, verdicts: Sequence[Verdict],
    has_alerts: bool,
) -> str:
    """What ``feeds test`` prints: the feed's status, then every item that would match."""
    where = f'feed "{feed.id}"' if configured else "this address (not in feeds.yaml; defaults)"
    lines = [f"{where}: {probe.url}"]
    if not feed.enabled:
        lines.append("  (disabled in feeds.yaml: not polled until enabled)")
    lines.append(f"  HTTP {probe.status}, {len(probe.feed.items)} items ({probe.feed.format})"
                 + (f', "{probe.feed.title}"' if probe.feed.title else ""))  # fmt: skip
    if probe.feed.warning:
        lines.append(f"  warning: {probe.feed.warning}")
    if not verdicts:
        lines.append("No item would match the topics and people in feeds.yaml.")
    else:
        lines.append(f"{len(verdicts)} of {len(probe.feed.items)} items would match:")
    for v in verdicts:
        lines.append("")
        lines.append(f"  {when(v.item)}  {v.item.title or '(no title)'}")
        if v.item.url:
            lines.append(f"    {v.item.url}")
        lines += _matched(v)
        lines.append(_alerts(v, has_alerts))
    lines.append("")
    lines.append("Nothing was stored and no alert was sent.")
    return "\n".join(lines)


def test_json(
    feed: FeedSettings, configured: bool, probe: Probe | None, verdicts: Sequence[Verdict],
    error: str | None = None,
) -> dict[str, Any]:
    """``feeds test --json``: one object."""
    out: dict[str, Any] = {
        "feed": {"id": feed.id, "name": feed.name, "url": feed.url, "label": feed.label.value,
                 "configured": configured, "enabled": feed.enabled},  # fmt: skip
        "ok": probe is not None,
        "error": error,
        "stored": False,
    }
    if probe is None:
        return out
    out.update({
        "url": probe.url,
        "http_status": probe.status,
        "final_url": probe.final_url,
        "title": probe.feed.title,
        "format": probe.feed.format,
        "items": len(probe.feed.items),
        "warning": probe.feed.warning,
        "matches": [_verdict_json(v) for v in verdicts],
    })  # fmt: skip
    return out


def _verdict_json(v: Verdict) -> dict[str, Any]:
    def one(kind: str, key_name: str) -> list[dict[str, Any]]:
        return [{key_name: m.key, "severity": m.severity, "evidence": list(m.evidence)}
                for m in v.matches if m.kind == kind]  # fmt: skip

    return {
        "title": v.item.title,
        "url": v.item.url,
        "published": None if v.item.published_is_fetch_time else _iso(v.item.published),
        "topics": one("topic", "id"),
        "people": one("person", "name"),
        "webhooks": [r.target for r in v.routes if r.kind == "webhook"],
        "digests": [r.target for r in v.routes if r.kind == "digest"],
    }
