"""One item's text -> its whitespace chunks and their two memoised forms, in one pass.

``chunk_memo(fn, pinned, digits, limit)`` makes a bounded memo of ``fn: chunk -> (str,
str)``; its ``scan(texts, sep)`` splits each text as ``str.split()`` does, with the
chunk ``sep`` between two texts, looks every chunk up (computing and keeping what it
has not seen) and gives the pairs back joined side by side: ``(chunks, firsts,
seconds, first_ends, second_ends)``, where ``firsts`` is every chunk's first joined and
``ends(first_ends)[k]`` where chunk k's first ends in it (likewise the seconds). When
``limit`` chunks are kept it starts again from ``pinned``. With ``digits`` (a pair), a
number (ASCII digits, maybe with ASCII punctuation around them: "1988", "(1988)",
"12,") that is not kept, and whose digits are not kept either, takes that value,
without a call and without being kept: numbers are most of the chunks an item brings
that were never seen, and a memo filled with them makes every other look-up slower.

The C version (``_chunks.c``, built when the package is installed) is its own hash
table, looked up with the characters where they lie in the text, so a chunk seen
before costs no new string; ``ChunksPy`` is the same memo in Python, used when the
extension is not built (an install without a compiler still matches the same, more
slowly). Tests compare the two. Must not: know what the forms mean.
"""

from __future__ import annotations

import secrets
from array import array
from collections.abc import Callable
from itertools import accumulate
from typing import Protocol

from monitor.match.text import Memo

Pair = tuple[str, str]
# chunks, firsts joined, seconds joined, and where each chunk's first and second end
Forms = tuple[list[str], str, str, bytes, bytes]


def ends(packed: bytes) -> memoryview:
    """``first_ends`` or ``second_ends`` as a sequence of ints (``bisect`` reads it)."""
    return memoryview(packed).cast("q")


def _pack(forms: tuple[str, ...]) -> bytes:
    return array("q", accumulate(map(len, forms))).tobytes()


class Chunks(Protocol):
    def scan(self, texts: tuple[str, ...], sep: str, /) -> Forms: ...

    def __len__(self) -> int: ...


class ChunksPy:
    """The memo and its scan in Python: what ``_chunks.Chunks`` does."""

    def __init__(
        self, fn: Callable[[str], Pair], pinned: dict[str, Pair], digits: Pair | None, limit: int
    ) -> None:
        self._memo = Memo(fn, limit=limit, pinned=pinned)
        self._digits = digits

    def __len__(self) -> int:
        return len(self._memo)

    def scan(self, texts: tuple[str, ...], sep: str, /) -> Forms:
        chunks = texts[0].split() if texts else []
        for text in texts[1:]:
            chunks.append(sep)
            chunks += text.split()
        if not chunks:
            return chunks, "", "", b"", b""
        get, miss = self._memo.get, self._miss
        firsts, seconds = zip(*[get(c) or miss(c) for c in chunks], strict=True)
        return chunks, "".join(firsts), "".join(seconds), _pack(firsts), _pack(seconds)

    def _miss(self, chunk: str) -> Pair:
        if self._digits is not None:
            core = number(chunk)
            if core is not None and (core == chunk or core not in self._memo):
                return self._digits
        return self._memo[chunk]


# ASCII characters that are not letters or digits: what may surround a number's digits
_NOT_ALNUM = "".join(c for c in map(chr, range(128)) if not c.isalnum())


def number(chunk: str) -> str | None:
    """The digits of a number chunk ("1988", "(1988)", "12,"), None for any other."""
    if chunk.isascii():
        core = chunk.strip(_NOT_ALNUM)
        if core.isdigit():
            return core
    return None


try:
    from monitor.match._chunks import Chunks as _Native
except ImportError:  # built without a C compiler: the Python version
    NATIVE = False
else:
    NATIVE = True


def chunk_memo(
    fn: Callable[[str], Pair],
    pinned: dict[str, Pair],
    digits: Pair | None = None,
    limit: int = 200_000,
    native: bool = NATIVE,
) -> Chunks:
    """The C memo when the extension is built (or ``native=False``: the Python one)."""
    if native:
        # the C table's hash is seeded per memo, so no feed can know which chunks collide
        return _Native(fn, pinned, digits, limit, secrets.randbits(64))
    return ChunksPy(fn, pinned, digits, limit)
