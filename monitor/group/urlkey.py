"""The story URL key: one spelling for every address of one article.

Owns ``url_key``: it takes a link that ``monitor.parse.canonical_url`` has already
cleaned (tracking parameters, ``?amp``, AMP caches, ``/amp``, fragments, escapes) and
folds the differences that are safe *for grouping* but not for item identity:

- the scheme is dropped (http and https of one page are one report);
- a leading ``www.``, ``m.``, ``mobile.`` or ``amp.`` label is dropped, as long as two
  labels remain (``m.example.org`` -> ``example.org``, but ``m.org`` stays);
- hosts that serve the same articles under another name are folded by ``MIRRORS``
  (``feeds.bbci.co.uk``, ``bbc.co.uk`` -> ``bbc.com``; only mirrors seen in our sources);
- trailing slashes go, and a ``/amp`` or ``.amp`` suffix that survived is dropped;
- the query is kept, in canonical_url's sorted order: sites use it for content (``?p=123``).

A link with no path and no query (a site's home page, which some feeds give as every
item's link) has no key: it would join unrelated items.
Must not: fetch, follow redirects, or guess a mirror it has not been told about; text
similarity catches the mirrors this table does not know.
"""

from __future__ import annotations

from urllib.parse import urlsplit

_PREFIXES = ("www.", "m.", "mobile.", "amp.")
# host (after prefix removal) -> the host it mirrors. From shared/domain/sources.md.
MIRRORS = {
    "feeds.bbci.co.uk": "bbc.com",
    "bbc.co.uk": "bbc.com",
    "news.bbc.co.uk": "bbc.com",
}


def url_key(url: str | None) -> str | None:
    """``host/path[?query]`` for grouping, or None when the link cannot identify a report."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    for prefix in _PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    host = MIRRORS.get(host, host)
    try:
        port = f":{parts.port}" if parts.port not in (None, 80, 443) else ""
    except ValueError:  # a port that is not a number: not a link we can trust
        return None
    path = parts.path.rstrip("/")
    for suffix in ("/amp", ".amp"):
        if path.endswith(suffix):
            path = path[: -len(suffix)].rstrip("/")
    if not path and not parts.query:
        return None
    return f"{host}{port}{path}" + (f"?{parts.query}" if parts.query else "")
