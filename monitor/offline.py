"""``monitor match FILE.jsonl``: the pipeline's matcher run over items from a file.

Each input line is a JSON object with ``id``, ``title``, ``summary`` and optionally
``content``, ``language`` and ``feed`` (a feed id from the config, whose label, country
and tags then apply). Each output line is ``{"id", "topics", "people"}``. A malformed
line stops the run with an error naming it (exit 2), before anything is printed for
lines after it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from monitor.errors import InputError
from monitor.match import Hit, Matcher, MatchInput
from monitor.model import FeedSettings


def _text(record: Mapping[str, Any], key: str, where: str, required: bool) -> str:
    value = record.get(key)
    if value is None:
        if required:
            raise InputError(f'{where}: missing "{key}"')
        return ""
    if not isinstance(value, str):
        raise InputError(f'{where}: "{key}" must be a string, not {type(value).__name__}')
    return value


def to_input(
    record: Mapping[str, Any], feeds: Mapping[str, FeedSettings], where: str
) -> MatchInput:
    feed_id = _text(record, "feed", where, required=False)
    feed = feeds.get(feed_id)
    language = _text(record, "language", where, required=False) or (feed.language if feed else "")
    return MatchInput(
        title=_text(record, "title", where, required=False),
        summary=_text(record, "summary", where, required=False),
        content=_text(record, "content", where, required=False),
        language=language or None,
        feed_id=feed_id,
        label=feed.label.value if feed else "",
        country=feed.country if feed else None,
        tags=feed.tags if feed else (),
    )


def result_line(item_id: Any, hits: Iterable[Hit]) -> str:
    hits = list(hits)
    return json.dumps(
        {
            "id": item_id,
            "topics": [h.key for h in hits if h.kind == "topic"],
            "people": [h.key for h in hits if h.kind == "person"],
        },
        ensure_ascii=False,
    )


def match_lines(
    lines: Iterable[str], name: str, matcher: Matcher, feeds: Mapping[str, FeedSettings]
) -> Iterator[str]:
    """Yields one output line per input object; InputError names the bad line."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{where}:{e.colno}: not valid JSON: {e.msg}") from None
        if not isinstance(record, dict):
            raise InputError(f"{where}: expected a JSON object, got {type(record).__name__}")
        if "id" not in record:
            raise InputError(f'{where}: missing "id"')
        yield result_line(record["id"], matcher.match(to_input(record, feeds, where)))
