"""Small frozen data objects shared by the stages and the pipeline.

They carry data only: no I/O and no behaviour beyond trivial derived values. The
stages (fetch, parse, match) exchange these; storage has its own records and the
pipeline translates between the two.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class SourceLabel(StrEnum):
    """What kind of source a feed is; shown beside every item in alerts."""

    UN = "un"
    NGO = "ngo"
    NEWS = "news"
    STATE_MEDIA = "state_media"
    GOVERNMENT = "government"
    OPPOSITION = "opposition"
    OTHER = "other"


@dataclass(frozen=True)
class HttpSettings:
    """Global fetch settings (``http:`` in feeds.yaml)."""

    user_agent: str = "monitor/0.1 (+https://github.com/monitor)"
    max_body: int = 10 * 1024 * 1024  # bytes, after decompression
    concurrency: int = 20
    per_host: int = 2
    max_redirects: int = 5
    allow_private_networks: bool = False


@dataclass(frozen=True)
class HealthSettings:
    """When a source counts as broken or silent (``health:`` in feeds.yaml)."""

    failures: int = 3  # failed polls in a row before a feed is failing
    silence: float = 4.0  # silent after this many usual gaps with nothing new...
    min_silence: float = 2 * 86400.0  # ...and never sooner than this, in seconds


@dataclass(frozen=True)
class FeedSettings:
    """One configured feed, with defaults already applied."""

    id: str
    url: str
    name: str
    label: SourceLabel = SourceLabel.OTHER
    language: str = "en"
    country: str | None = None
    interval: float = 900.0  # seconds between polls
    timeout: float = 20.0  # one overall deadline per request, seconds
    tags: tuple[str, ...] = ()
    enabled: bool = True


@dataclass(frozen=True)
class FetchRequest:
    """What the fetch stage needs for one conditional GET."""

    url: str
    timeout: float
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchResult:
    """A successful fetch: either a new body or "not modified" (HTTP 304).

    ``permanent_url`` is set when the request followed a permanent redirect (301/308)
    so the caller can record the feed's new address.
    """

    url: str  # the URL finally answered
    status: int
    body: bytes | None  # None when not modified
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    permanent_url: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.body is None


@dataclass(frozen=True)
class ParsedItem:
    """One entry of a feed, cleaned: text sanitised, link canonical, date in UTC.

    ``identity`` is stable across polls (from guid, else canonical link, else a hash
    of the content); ``identity_kind`` says which.
    """

    identity: str
    identity_kind: str  # "guid" | "link" | "hash"
    title: str
    url: str | None
    summary: str  # sanitised HTML
    content: str  # sanitised HTML, may be empty
    published: datetime  # timezone-aware UTC
    published_is_fetch_time: bool  # the feed gave no usable date (or one in the future)
    guid: str | None = None
    author: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class ParsedFeed:
    """A whole parsed document. ``warning`` keeps a non-fatal parser complaint."""

    title: str
    link: str | None
    format: str  # e.g. "rss20", "atom10", "rss10", "rss090"
    items: tuple[ParsedItem, ...] = field(default=())
    warning: str | None = None
