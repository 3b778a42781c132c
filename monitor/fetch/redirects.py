"""Following redirects ourselves: where the next hop goes and what the chain means.

Owns the redirect rules (httpx runs with ``follow_redirects=False``): at most
``max_redirects`` hops, only to http and https, a relative ``Location`` resolved
against the current URL (RFC 9110 section 10.2.2), and whether the feed has moved for
good (every hop 301 or 308, so the caller may store the new address). It only computes;
the fetcher sends the requests and the connect-time guard checks every hop's address.
"""

from __future__ import annotations

import httpx

from monitor.errors import FetchError

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_STATUSES = frozenset({301, 308})
ALLOWED_SCHEMES = frozenset({"http", "https"})


def parse_feed_url(url: str) -> httpx.URL:
    """The URL as httpx will send it; FetchError if it is not an absolute http(s) URL."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as e:
        raise FetchError(f"invalid URL {url!r}: {e}") from e
    if parsed.scheme not in ALLOWED_SCHEMES:
        raise FetchError(f"refused URL {url!r}: only http and https can be fetched")
    if not parsed.host:
        raise FetchError(f"invalid URL {url!r}: no host")
    return parsed


class RedirectChain:
    """The hops taken so far for one fetch."""

    def __init__(self, start: httpx.URL, max_redirects: int) -> None:
        self.start = start
        self.current = start
        self.max_redirects = max_redirects
        self.hops = 0
        self.all_permanent = True

    def follow(self, status: int, location: str | None) -> httpx.URL:
        """Record a redirect answered by ``self.current`` and return the next URL."""
        here = str(self.current)
        if not location:
            raise FetchError(f"HTTP {status} redirect without a Location header from {here}")
        if self.hops >= self.max_redirects:
            raise FetchError(
                f"more than {self.max_redirects} redirects starting at {self.start}",
                http_status=status,
            )
        try:
            target = self.current.join(location.strip())
        except (httpx.InvalidURL, TypeError, ValueError) as e:
            raise FetchError(f"invalid redirect Location {location!r} from {here}: {e}") from e
        if target.scheme not in ALLOWED_SCHEMES or not target.host:
            raise FetchError(f"refused redirect from {here} to {target}: not an http(s) URL")
        self.hops += 1
        self.all_permanent = self.all_permanent and status in PERMANENT_STATUSES
        # The fragment never reaches the server; keep it out of stored addresses.
        self.current = target.copy_with(fragment=None)
        return self.current

    @property
    def permanent_url(self) -> str | None:
        """The final URL when every hop was permanent; None when none or any was not."""
        if self.hops and self.all_permanent:
            return str(self.current)
        return None

    def where(self) -> str:
        """The current URL for messages, with where it started when we were redirected."""
        if self.hops:
            return f"{self.current} (redirected from {self.start})"
        return str(self.current)
