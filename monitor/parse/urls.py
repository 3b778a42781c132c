"""URL canonicalisation: one spelling per article, so polls and sources can be compared.

Owns ``canonical_url`` (used for item identity now and story grouping later) and
``absolute_http_url`` (resolve a feed link against its base, keep only http/https).

Must not: fetch anything, follow redirects, or guess mirrors. Every rule here is
syntactic and safe to apply blindly; rules that need knowledge of a site (mirror
hosts, ``feeds.bbci.co.uk`` vs ``www.bbc.co.uk``) belong to story grouping, which can
compare text.

Choices, and why:
- ``www.`` is kept: ``example.org`` and ``www.example.org`` may serve different
  things, and a feed always spells its own links the same way.
- The scheme is kept (only lower-cased): an http->https move shows up as a new link,
  but identity prefers the guid, which does not move.
- Trailing slashes are kept: ``/feed`` and ``/feed/`` can be different resources.
- Only parameters documented as analytics by their vendors, or seen in our
  sources' feeds, are dropped (``TRACKING_PARAMS``); generic names such as ``id``,
  ``p``, ``lang``, ``src`` or ``source`` are kept because sites use them for content.
- Percent-encoding is normalised both ways: escapes of unreserved characters are
  decoded, every other escape is upper-cased, and raw non-ASCII (a Persian slug
  typed into a CMS) is encoded as UTF-8, so all three spellings of one slug agree.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

# Exact query keys (compared lower-cased) that carry analytics, not content.
# fmt: off
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid",  # ad click ids
        "igshid", "twclid", "ttclid", "li_fat_id",  # social click ids
        "mc_cid", "mc_eid",  # Mailchimp
        "_hsenc", "_hsmi", "mkt_tok",  # HubSpot, Marketo
        "ocid",  # Microsoft Start / MSN
        "maca",  # DW: ?maca=en-rss-en-ger-1023-rdf
        "cmp", "cmpid",  # Guardian ?CMP=share_btn_tw, others
        "wt_mc", "wt.mc_id", "wt_zmc",  # Webtrekk (heise ?wt_mc=rss.ho.beitrag.rdf)
        "xtor",  # AT Internet on RFI / France Medias Monde (?xtor=RSS-...)
        "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee",  # BBC comScore
        "ito",  # Telegraph
        "sr_share",  # Reuters
        "ref", "ref_src", "ref_url",  # "where did you come from" markers (Ghost, Twitter)
        "rss", "rss_feed",  # "came from RSS" markers
        "amp",  # AMP variant switch: ?amp, ?amp=1, ?amp=true
    }
)
# fmt: on
# Key prefixes (lower-cased): Google Analytics campaigns, AT Internet (BBC at_medium...).
TRACKING_PREFIXES = ("utm_", "at_")
# key=value pairs that select an AMP rendering (Washington Post and others).
_AMP_PAIRS = frozenset({("outputtype", "amp")})

_DEFAULT_PORTS = {"http": "80", "https": "443"}
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_SUB_DELIMS = frozenset("!$&'()*+,;=")
_PATH_SAFE = _UNRESERVED | _SUB_DELIMS | frozenset(":@/")
# Escaped '&', '=' and '+' stay escaped (they are data there); raw ones stay raw.
_QUERY_SAFE = _UNRESERVED | _SUB_DELIMS | frozenset(":@/?")
_HEX = frozenset("0123456789abcdefABCDEF")
_AMP_CACHE = re.compile(r"^[a-z0-9-]+\.cdn\.ampproject\.org$")


def canonical_url(url: str) -> str:
    """Return the one spelling of ``url`` used to compare links.

    Non-http(s) URLs and strings that are not URLs come back stripped but otherwise
    unchanged: there is nothing safe to normalise in them.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return url
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.netloc:
        return url

    host, netloc = _host_and_netloc(scheme, parts.netloc)
    path = parts.path
    if _AMP_CACHE.match(host):
        unwrapped = _unwrap_amp_cache(path, parts.query)
        if unwrapped is not None:
            return canonical_url(unwrapped)
    if host.startswith("amp.") and host.count(".") >= 2:
        netloc = netloc.replace(host, host[4:], 1)
    path = _strip_amp_path(_normalise_escapes(path, _PATH_SAFE)) or "/"
    query = _canonical_query(parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))


def absolute_http_url(link: str | None, base: str | None) -> str | None:
    """Resolve ``link`` against ``base`` and return it only if it is http(s) with a host.

    Anything else (``javascript:``, ``data:``, ``mailto:``, garbage) is dropped: an
    item's link ends up as a clickable link in an alert.
    """
    if not link or not link.strip():
        return None
    link = link.strip()
    try:
        resolved = urljoin(base, link) if base else link
        parts = urlsplit(resolved)
    except ValueError:
        return None
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return resolved


def _host_and_netloc(scheme: str, netloc: str) -> tuple[str, str]:
    userinfo, _, hostport = netloc.rpartition("@")
    if hostport.startswith("["):  # IPv6 literal
        host, _, port = hostport[1:].partition("]")
        port = port.removeprefix(":")
        host_out = f"[{host.lower()}]"
    else:
        host, _, port = hostport.partition(":")
        host = host.lower().rstrip(".")
        if not host.isascii():
            try:
                host = host.encode("idna").decode("ascii")
            except UnicodeError:
                pass  # keep it as given: better than failing on one odd link
        host_out = host
    if port == _DEFAULT_PORTS[scheme] or port == "":
        port_out = ""
    else:
        port_out = ":" + port
    prefix = userinfo + "@" if userinfo else ""
    return host_out.strip("[]"), prefix + host_out + port_out


def _unwrap_amp_cache(path: str, query: str) -> str | None:
    # Google AMP cache: https://example-com.cdn.ampproject.org/c/s/example.com/a/b
    # ("/c/s/" for an https origin, "/c/" for http; "/v/" for viewer URLs).
    prefixes = (("/c/s/", "https"), ("/v/s/", "https"), ("/c/", "http"), ("/v/", "http"))
    for prefix, scheme in prefixes:
        if path.startswith(prefix) and len(path) > len(prefix):
            rest = path[len(prefix) :]
            return f"{scheme}://{rest}" + (f"?{query}" if query else "")
    return None


def _strip_amp_path(path: str) -> str:
    if path.startswith("/amp/"):  # site-wide AMP prefix: /amp/news/123
        path = path[4:]
    if path.endswith("/amp/"):  # WordPress AMP plugin: /2024/01/slug/amp/ -> /2024/01/slug/
        path = path[:-4]
    elif path.endswith("/amp"):  # the site does not use trailing slashes: keep it so
        path = path[:-4]
    elif path.endswith(".amp"):  # BBC: /persian/articles/c0abc.amp
        path = path[:-4]
    return path


def _canonical_query(query: str) -> str:
    if not query:
        return ""
    kept: list[tuple[str, str]] = []
    for piece in query.split("&"):
        if not piece:
            continue
        key, has_value, value = piece.partition("=")
        key = _normalise_escapes(key, _QUERY_SAFE)
        value = _normalise_escapes(value, _QUERY_SAFE)
        lowered = key.lower()
        if lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES):
            continue
        if (lowered, value.lower()) in _AMP_PAIRS:
            continue
        kept.append((key, "=" + value if has_value else ""))
    kept.sort()
    return "&".join(key + value for key, value in kept)


def _normalise_escapes(text: str, safe: frozenset[str]) -> str:
    """Decode escapes of unreserved characters, upper-case the rest, escape the unsafe."""
    if text.isascii() and "%" not in text and all(ch in safe for ch in text):
        return text  # the common case, kept fast
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "%" and i + 2 < n and text[i + 1] in _HEX and text[i + 2] in _HEX:
            byte = int(text[i + 1 : i + 3], 16)
            decoded = chr(byte)
            out.append(decoded if decoded in _UNRESERVED else f"%{byte:02X}")
            i += 3
        elif ch == "%":
            out.append("%25")  # a lone "%" is data, not an escape
            i += 1
        elif ch in safe:
            out.append(ch)
            i += 1
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass"))
            i += 1
    return "".join(out)
