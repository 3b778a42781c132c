"""What the operator gave (options, a fetched feed, an OPML outline) -> checked feed
entries to write, or a refusal that says what to change.

Values are checked with the schema's own kinds, so ``--interval 5s`` is refused with
the same words ``monitor check`` would use, before anything is fetched or written;
duplicates are found the way the config finds them (ids ignoring case) and, for
addresses, also ignoring http/https, "www." and a trailing '/'.
Must not: fetch, print, or touch files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from monitor.config import Config
from monitor.config.edit import NewFeed
from monitor.config.formats import url_problem
from monitor.config.kinds import Invalid, Kind, Tag
from monitor.config.schema import BY_PATH
from monitor.errors import MonitorError
from monitor.feed_ids import derive_id, same_feed, tag_for
from monitor.model import FeedSettings
from monitor.opml import OpmlFeed

MAX_NAME = 200


class Refused(MonitorError):
    """A value or request the feed commands will not act on (exit 2)."""


def _kind(key: str) -> Kind:
    return Tag() if key == "tags" else BY_PATH[f"feeds[].{key}"].kind


def checked(key: str, value: str, option: str) -> Any:
    """``value`` read as the feed key ``key`` is (one tag for "tags"), or ``Refused``
    naming ``option``."""
    try:
        return _kind(key).read(value)
    except Invalid as e:
        raise Refused(f"{option} {e}") from None


def lenient(key: str, value: str | None) -> str | None:
    """``value`` if it is valid for ``key`` (after fixing its case), else None: for
    values that come from a feed or a list, where a bad one is dropped, not fatal."""
    if not value:
        return None
    for candidate in (value, value.lower(), value.upper()):
        try:
            _kind(key).read(candidate)
        except Invalid:
            continue
        return candidate
    return None


def check_url(url: str, option: str = "URL") -> str:
    problem = url_problem(url.strip())
    if problem:
        raise Refused(f"{option} {problem}")
    return url.strip()


def feed_with_url(feeds: Iterable[FeedSettings], url: str) -> FeedSettings | None:
    return next((f for f in feeds if same_feed(f.url, url)), None)


def refuse_duplicate_url(config: Config, url: str) -> None:
    existing = feed_with_url(config.feeds, url)
    if existing is not None:
        same = "" if existing.url == url else f" ({existing.url})"
        raise Refused(f'{url} is already in {config.path} as feed "{existing.id}"{same}')


def refuse_duplicate_id(config: Config, feed_id: str) -> None:
    for feed in config.feeds:
        if feed.id.casefold() == feed_id.casefold():
            raise Refused(f'--id: {config.path} already has a feed "{feed.id}" ({feed.url})')


def short_name(title: str) -> str | None:
    title = " ".join(title.split())
    if len(title) > MAX_NAME:
        title = title[: MAX_NAME - 3].rstrip() + "..."
    return title or None


@dataclass(frozen=True)
class Skipped:
    url: str
    title: str
    reason: str


def entries_from_opml(
    outlines: Sequence[OpmlFeed], config: Config, label: str | None
) -> tuple[list[NewFeed], list[Skipped]]:
    """The outlines to add, and those skipped (already present, listed twice, or with
    an address that cannot be fetched), each with the reason."""
    taken = [f.id for f in config.feeds]
    urls = [f.url for f in config.feeds]
    entries: list[NewFeed] = []
    skipped: list[Skipped] = []
    for outline in outlines:
        problem = url_problem(outline.url)
        existing = feed_with_url(config.feeds, outline.url)
        if problem:
            skipped.append(Skipped(outline.url, outline.title, f"the address {problem}"))
            continue
        if existing is not None:
            skipped.append(Skipped(outline.url, outline.title,
                                   f'already in feeds.yaml as "{existing.id}"'))  # fmt: skip
            continue
        if any(same_feed(u, outline.url) for u in urls):
            skipped.append(Skipped(outline.url, outline.title, "listed twice in the file"))
            continue
        wanted = lenient("id", outline.id)
        if wanted is None or wanted.casefold() in {t.casefold() for t in taken}:
            wanted = derive_id(outline.title, outline.url, taken)
        tags = [tag_for(c) for c in outline.categories]
        entry = NewFeed(
            id=wanted,
            url=outline.url,
            name=short_name(outline.title),
            label=label or lenient("label", outline.label) or "other",
            language=lenient("language", outline.language),
            country=lenient("country", outline.country),
            interval=lenient("interval", outline.interval),
            tags=tuple(dict.fromkeys(t for t in tags if lenient("tags", t) is not None)),
            enabled=outline.enabled,
        )
        entries.append(entry)
        taken.append(entry.id)
        urls.append(entry.url)
    return entries, skipped
