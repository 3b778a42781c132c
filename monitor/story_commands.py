"""``monitor stories`` and ``monitor person``: stories as researchers read them.

``stories`` lists stories (reports of one event grouped, ``storage.grouping``) with
every source and why each report joined; ``person`` is a case file: the timeline of
the stories that name one tracked person, oldest first. The name may be given in any
spelling the watchlist knows (an alias, another script, a transliteration variant):
it is matched like an item's title, by the matcher built from feeds.yaml.
Rendering is here too (records in, text out), as ``report`` does for other commands.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from monitor.config import Config
from monitor.errors import InputError
from monitor.match import MatchInput
from monitor.rules import build_matcher
from storage import Store, StoryRecord, StoryReport


def stories(store: Store, since: datetime | None, as_json: bool) -> int:
    """Print the stories first seen since ``since`` (all if None), oldest first."""
    found = store.stories(since)
    if as_json:
        print(json.dumps([story_json(s) for s in found], ensure_ascii=False, indent=2))
    else:
        print(stories_text(found) if found else "no stories")
    return 0


def person(config: Config, store: Store, name: str, as_json: bool) -> int:
    """Print the case file of the tracked person ``name`` (any spelling)."""
    canonical = resolve_person(config, name)
    found = sorted(store.person_stories(canonical), key=lambda s: (s.first_published, s.id))
    if as_json:
        body = {"person": canonical, "stories": [story_json(s) for s in found]}
        print(json.dumps(body, ensure_ascii=False, indent=2))
    elif not found:
        print(f"{canonical}: no stories")
    else:
        print(f"{canonical}: {len(found)} stor{'y' if len(found) == 1 else 'ies'}, oldest first")
        print()
        print(stories_text(found))
    return 0


def resolve_person(config: Config, name: str) -> str:
    """The canonical name of the tracked person ``name`` stands for.

    The canonical name or an alias as written (ignoring case) first; otherwise the
    matcher's reading of ``name`` as a title, so ``Mohseni Ejei``, ``محسنی اژه‌ای`` or
    ``Behrouz Ehsani-Eslamloo`` find their person. ``InputError`` (exit 2) when no one
    or several people match.
    """
    folded = " ".join(name.split()).casefold()
    for p in config.all_people:
        if folded in {p["name"].casefold(), *(a.casefold() for a in p["aliases"] or ())}:
            return str(p["name"])
    hits = build_matcher(config).match(MatchInput(title=name, summary=""))
    people = list(dict.fromkeys(h.key for h in hits if h.kind == "person"))
    if len(people) == 1:
        return people[0]
    if not people:
        raise InputError(f"{name!r} is not a tracked person (feeds.yaml people or people_files)")
    raise InputError(f"{name!r} names several tracked people: {', '.join(people)}; be more exact")


def story_id(story: StoryRecord | int) -> str:
    """``s123``: how stories are named everywhere (export, webhooks, these commands)."""
    return f"s{story if isinstance(story, int) else story.id}"


def story_json(story: StoryRecord) -> dict[str, Any]:
    return {
        "id": story_id(story),
        "first_seen": _iso(story.created_at),
        "first_published": _iso(story.first_published),
        "topics": list(story.topics),
        "people": list(story.people),
        "items": [_report_json(r) for r in story.reports],
    }


def _report_json(report: StoryReport) -> dict[str, Any]:
    item = report.item
    return {
        "id": item.id,
        "feed": item.feed_id,
        "label": item.feed_label,
        "title": item.title,
        "url": item.url,
        "published": _iso(item.published),
        "reason": report.reason,
        "score": round(report.score, 3),
        "why": report.why or None,
    }


def stories_text(found: Sequence[StoryRecord]) -> str:
    """Each story: a heading line, then one line per report with its source and reason."""
    blocks = []
    for story in found:
        first = story.reports[0].item
        head = f"{story_id(story)}  {_day(story.first_published)}  {first.title}"
        lines = [head]
        if story.topics or story.people:
            lines.append(f"    topics: {', '.join(story.topics) or '-'};"
                         f" people: {', '.join(story.people) or '-'}")  # fmt: skip
        for report in story.reports:
            item = report.item
            why = f" ({report.why})" if report.why else ""
            lines.append(f"    {_day(item.published)}  {item.feed_id} ({item.feed_label})"
                         f"  {report.reason}{why}")  # fmt: skip
            lines.append(f"        {item.url or item.title}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _day(value: datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M}"
