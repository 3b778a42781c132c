"""Ids, tags and addresses as the feed commands derive and compare them. Pure.

Owns: the default id of a new feed (a slug of its title, else of its host, unique
against the ids in use, as the config's identifier rule allows), a tag made from a
category name, and when two addresses name the same feed.
Must not: do I/O, or know how feeds.yaml is written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

MAX_SLUG = 40  # ids are at most 64 characters; short ones read better in logs
MAX_ID = 64
_HOST_PREFIXES = ("www.", "feeds.", "feed.", "rss.")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def slugify(text: str, limit: int = MAX_SLUG) -> str:
    """Lower-case ASCII letters and digits joined by '-': "Iran Human Rights (IHRNGO)"
    -> "iran-human-rights-ihrngo". Accents are dropped; other scripts give "" (the
    caller falls back to the host). Cut at a word boundary within ``limit``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        cut = slug[:limit]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug.strip("-")


def host_slug(url: str) -> str:
    """A slug of the address's host without "www." and the top-level domain:
    https://www.hra-news.org/feed/ -> "hra-news"."""
    host = (urlsplit(url).hostname or "").lower()
    if re.fullmatch(r"[\d.]+|[\d:a-f]*:[\d:a-f.]*", host):
        return slugify(host)  # an IP address: keep every part
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix) :]
            break
    parts = host.split(".")
    return slugify("-".join(parts[:-1] if len(parts) > 1 else parts))


def derive_id(title: str, url: str, taken: Iterable[str]) -> str:
    """A new feed's id: from ``title``, else the host of ``url``, with "-2", "-3"...
    added until it differs from every id in ``taken`` (ignoring case, as the config's
    uniqueness check does)."""
    base = slugify(title) or host_slug(url) or "feed"
    used = {t.casefold() for t in taken}
    candidate, n = base, 2
    while candidate in used:
        suffix = f"-{n}"
        candidate = base[: MAX_ID - len(suffix)] + suffix
        n += 1
    return candidate


def tag_for(name: str) -> str:
    """A category name as a tag: lower case, spaces and punctuation a tag cannot hold
    replaced by '-' ("Human Rights" -> "human-rights"; other scripts are kept)."""
    return re.sub(r"[\s\"'()\[\]{},:]+", "-", name.strip().lower()).strip("-")


def url_key(url: str) -> str:
    """What must differ for two addresses to be two feeds: the scheme, "www.", a default
    port, the case of the host and a trailing '/' do not count."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip().casefold()
    host = (parts.hostname or "").lower().removeprefix("www.")
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host += f":{port}"
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"


def same_feed(a: str, b: str) -> bool:
    """Whether addresses ``a`` and ``b`` name the same feed (see ``url_key``)."""
    return url_key(a) == url_key(b)
