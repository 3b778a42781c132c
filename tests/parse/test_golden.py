"""Golden files: each sample feed in tests/data/feeds beside its expected ParsedFeed.

Regenerate with ``UPDATE_GOLDEN=1 pytest tests/parse/test_golden.py`` and read the
diff before committing it: scripts intact (Urdu, Portuguese accents), dates in UTC.
Long HTML is cut to a readable prefix plus a hash of the whole, so any change shows.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from monitor.model import ParsedFeed
from monitor.parse import parse_document

FEEDS = Path(__file__).parent.parent / "data" / "feeds"
GOLDEN = Path(__file__).parent / "golden"
FETCHED_AT = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
PREFIX = 160


def html_digest(value: str) -> dict[str, object] | str:
    if len(value) <= PREFIX:
        return value
    return {
        "start": value[:PREFIX],
        "length": len(value),
        "sha256": hashlib.sha256(value.encode()).hexdigest()[:16],
    }


def as_json(feed: ParsedFeed) -> dict[str, Any]:
    return {
        "title": feed.title,
        "link": feed.link,
        "format": feed.format,
        "warning": feed.warning,
        "items": [
            {
                "identity": item.identity,
                "identity_kind": item.identity_kind,
                "guid": item.guid,
                "title": item.title,
                "url": item.url,
                "published": item.published.isoformat(),
                "published_is_fetch_time": item.published_is_fetch_time,
                "author": item.author,
                "language": item.language,
                "summary": html_digest(item.summary),
                "content": html_digest(item.content),
            }
            for item in feed.items
        ],
    }


@pytest.mark.parametrize("path", sorted(FEEDS.glob("*.xml")), ids=lambda p: p.stem)
def test_golden(path: Path) -> None:
    feed = parse_document(
        path.read_bytes(),
        base_url=f"https://feeds.example.org/{path.stem}.xml",
        fetched_at=FETCHED_AT,
    )
    actual = as_json(feed)
    golden = GOLDEN / f"{path.stem}.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", "utf-8")
    expected = json.loads(golden.read_text("utf-8"))
    assert actual == expected
