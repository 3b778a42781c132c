"""What of an item's text is compared, and its word shingles.

Owns ``lead_words`` (title plus the opening of the body, as normalised words),
``shingles`` and ``numbers``. The body is the content when the feed gives one, else the summary, and
only its first ``LEAD_WORDS`` words count: one feed gives a 55-word excerpt where a
repost gives the whole article, and the opening is what both share. A Jaccard over
whole texts would call those two different.

Text is compared after HTML is reduced to text (tags are word breaks, entities are
characters, script and style bodies dropped) and after ``monitor.match.normalise``
(case folding, Persian/Arabic letter forms, digits) with ZWNJ removed, so markup, ``&nbsp;``,
``ي``/``ی`` and ``اعدام‌ها``/``اعدامها`` differences do not count as edits.
Must not: do I/O or know about stories; it only turns text into sets.
"""

from __future__ import annotations

import html
import re

from monitor.match import normalise

LEAD_WORDS = 80  # body words compared after the title (measured: bench/story_pairs.py)
SHINGLE = 3  # words per shingle

# ZWNJ (and ZWSP typed for it) joins the parts of a Persian word; many texts drop it
# (اعدام‌ها / اعدامها, قزل‌حصار / قزلحصار). The matcher splits there; here the parts are
# joined, so both spellings are one word (a space instead of ZWNJ stays two words).
_JOIN = str.maketrans({"\u200c": None, "\u200b": None})
_DROP = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^<>]*>")  # [^<>]: linear on "<<<<" with no ">"


def plain(markup: str) -> str:
    """HTML -> text; every tag is a word break (``<p>a</p><p>b</p>`` is two words)."""
    if "<" in markup:
        markup = _TAG.sub(" ", _DROP.sub(" ", markup))
    return html.unescape(markup) if "&" in markup else markup


def lead_words(title: str, summary_html: str, content_html: str) -> list[str]:
    """The normalised words of the title and the opening of the body."""
    body = content_html if content_html.strip() else summary_html
    # Cut the raw text before normalising it: an article can be long, its opening is not.
    raw = plain(body).translate(_JOIN).split()[: LEAD_WORDS * 2]
    words = normalise(" ".join(raw)).split()[:LEAD_WORDS]
    return normalise(plain(title).translate(_JOIN)).split() + words


def numbers(words: list[str]) -> frozenset[str]:
    """The numbers among normalised words (Persian and Arabic digits are ASCII by now)."""
    return frozenset(w for w in words if w.isdigit())


def shingles(words: list[str], size: int = SHINGLE) -> set[str]:
    """Overlapping runs of ``size`` words; a text shorter than that is one shingle."""
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}
