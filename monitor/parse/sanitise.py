"""Feed HTML -> safe HTML (an allowlist, via nh3) and feed text -> plain text.

Owns the allowlist applied to every summary and content before it is stored, so
nothing downstream (digests, webhooks, pages) ever sees attacker-written markup
(hazard 9). feedparser's own sanitiser is switched off for speed (performance.md).

The allowlist keeps reading structure (paragraphs, lists, emphasis, quotes, tables)
and links with http, https or mailto targets. It drops scripts and styles with their
content, iframes, forms, event handlers and every other attribute. Images are
dropped on purpose: a remote image in a digest tells its publisher (state media
among our sources) who opened the message, when, and from which address.

Must not: fetch anything, or decide what an item is about.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import urlsplit

import nh3

# fmt: off
ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del",
        "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4",
        "h5", "h6", "hr", "i", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
        "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
        "thead", "time", "tr", "u", "ul",
    }
)
# fmt: on
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
    "*": {"dir", "lang"},  # right-to-left Persian and Arabic need dir to read correctly
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Dropped with everything inside them, not just unwrapped.
_DROP_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "noscript",
        "template",
        "svg",
        "math",
        "form",
        "select",
        "textarea",
    }
)


@lru_cache(maxsize=64)
def _cleaner(base: str | None) -> nh3.Cleaner:
    # One feed has one or two bases; building a cleaner costs more than using it.
    relative: nh3.UrlRelative = ("rewrite_with_base", base) if base else "deny"
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        clean_content_tags=_DROP_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        url_relative=relative,
        link_rel="noopener noreferrer nofollow",
    )


_TEXT_ONLY = nh3.Cleaner(tags=frozenset(), clean_content_tags=_DROP_WITH_CONTENT)


def safe_html(value: str, *, content_type: str = "text/html", base: str | None = None) -> str:
    """Return ``value`` as safe HTML; plain text is escaped, HTML goes through the allowlist.

    Relative links are resolved against ``base`` (an absolute http(s) URL); without
    one they are removed, since a relative link in an email points nowhere.
    """
    if not value:
        return ""
    if content_type == "text/plain":
        return html.escape(value, quote=False).strip()
    return _cleaner(_usable_base(base)).clean(value).strip()


# Tags that separate words when rendered: stripped without a space in their place,
# "<p>executed</p><p>today</p>" would become "executedtoday" and no rule would match it.
_WORD_BREAK = re.compile(
    r"<(?=/?(?:br|p|div|li|ul|ol|h[1-6]|tr|td|th|blockquote|hr|dd|dt|section|article)\b)",
    re.IGNORECASE,
)


def plain_text(value: str | None) -> str:
    """Tags stripped (block tags and line breaks leave a space), entities decoded, runs of
    whitespace collapsed to one space."""
    if not value:
        return ""
    if "<" in value or "&" in value:
        value = html.unescape(_TEXT_ONLY.clean(_WORD_BREAK.sub(" <", value)))
    return " ".join(value.split())


def _usable_base(base: str | None) -> str | None:
    if not base:
        return None
    try:
        parts = urlsplit(base)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return base
