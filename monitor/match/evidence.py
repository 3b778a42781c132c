"""Evidence: the words of the original item that a hit stands on.

Matching runs on normalised chunks (the item split on whitespace); a hit is known as
"chunk k0, word w0 .. chunk k1, word w1" of that form. This module cuts the same words
out of the original chunks, so evidence keeps the writer's script, case, diacritics and
ZWNJ («بهروز احسانی», "sentenced to death"). Whitespace between chunks becomes one
space. When a chunk's original words cannot be lined up one-to-one with its normalised
words (a digit glued to letters, an apostrophe in a name), the whole chunk is given,
trimmed of punctuation at both ends.
Must not: match anything; it runs only for items that have a hit.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from monitor.match.model import MAX_EVIDENCE
from monitor.match.text import Memo

# Letters, digits and what normalisation deletes inside a word (marks, tatweel, ZWJ,
# bidi controls); ZWNJ, punctuation and "_" are left out, so they separate words.
_INSIDE = (
    "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
    "\u200d-\u200f\u202a-\u202e\u2066-\u2069\u061c\u00ad\ufeff"
)
_RAW_WORD = re.compile(rf"(?:[^\W_]|[{_INSIDE}])+")


def _raw_words(chunk: str) -> tuple[tuple[int, int], ...]:
    return tuple(m.span() for m in _RAW_WORD.finditer(chunk))


_RAW_WORDS: Memo[tuple[tuple[int, int], ...]] = Memo(_raw_words, limit=50_000)


def original(chunks: list[str], k0: int, w0: int, n0: int, k1: int, w1: int, n1: int) -> str:
    """Original text from word w0 of chunk k0 to word w1 of chunk k1 (n: words in chunk)."""
    first = _RAW_WORDS[chunks[k0]]
    last = first if k1 == k0 else _RAW_WORDS[chunks[k1]]
    if not first or not last:
        return " ".join(chunks[k0 : k1 + 1])
    start = first[w0][0] if len(first) == n0 else first[0][0]
    end = last[w1][1] if len(last) == n1 else last[-1][1]
    if k0 == k1:
        return chunks[k0][start:end]
    return " ".join([chunks[k0][start:], *chunks[k0 + 1 : k1], chunks[k1][:end]])


class TopicText:
    """Maps character spans of the matched text " " + "".join(pieces) back to chunks;
    a piece is a chunk's normalised words, each followed by a space ("" for none), and
    ``ends[k]`` is where piece k ends in "".join(pieces)."""

    def __init__(self, chunks: list[str], text: str, ends: Sequence[int]) -> None:
        self.chunks = chunks
        self.text = text
        self.ends = ends

    def _where(self, pos: int) -> tuple[int, int, int]:
        # the piece that holds text[pos]: a chunk with no words ends where the one
        # before does, so bisect passes over it
        k = bisect_right(self.ends, pos - 1)
        start = 1 + (self.ends[k - 1] if k else 0)
        return k, self.text.count(" ", start, pos), self.text.count(" ", start, 1 + self.ends[k])

    def span(self, start: int, end: int) -> tuple[int, str]:
        """(position, original text) of the normalised characters start..end."""
        if self.text[start] == " ":
            start += 1
        if self.text[end] == " ":
            end -= 1
        k0, w0, n0 = self._where(start)
        if n0 == 1 and end <= self.ends[k0]:  # one word, alone in its chunk: common
            return start, _ONE_WORD[self.chunks[k0]]
        k1, w1, n1 = self._where(end)
        return start, original(self.chunks, k0, w0, n0, k1, w1, n1)


_ONE_WORD: Memo[str] = Memo(lambda chunk: original([chunk], 0, 0, 1, 0, 0, 1), limit=50_000)


def pick(found: list[tuple[int, str]]) -> tuple[str, ...]:
    """Evidence in text order, without repeats (case-blind), at most MAX_EVIDENCE."""
    if len(found) == 1:  # most hits stand on one term
        return (found[0][1],) if found[0][1] else ()
    out: list[str] = []
    seen: set[str] = set()
    for _, text in sorted(found):
        key = text.casefold()
        if text and key not in seen:
            seen.add(key)
            out.append(text)
            if len(out) == MAX_EVIDENCE:
                break
    return tuple(out)
