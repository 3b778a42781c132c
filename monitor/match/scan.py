"""One item's text -> its whitespace chunks and their two memoised forms, in one pass.

``scan(memo, texts, sep, digits=None)`` splits each text as ``str.split()`` does, with
the chunk ``sep`` between two texts, and looks every chunk up as ``memo[chunk]`` (a
``Memo`` computes and keeps what it has not seen); each value is a pair, and the pairs
come back separated: ``(chunks, firsts, seconds)``. With ``digits`` (a pair), a chunk
of ASCII digits that the memo lacks takes that value, without a call and without being
kept: numbers are most of the chunks an item brings that were never seen, and a memo
filled with them makes every other look-up slower (measured: 6% of the whole match).

The C version (``_chunks.c``, built when the package is installed) does split, look-ups
and separation in one loop; ``scan_py`` is the same function in Python, used when the
extension is not built (an install without a compiler still matches the same, more
slowly). Tests compare the two. Must not: know what the forms mean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

Forms = tuple[list[str], Sequence[str], Sequence[str]]
Pair = tuple[str, str]


def scan_py(
    memo: Mapping[str, Pair], texts: tuple[str, ...], sep: str, digits: Pair | None = None
) -> Forms:
    chunks = texts[0].split()
    for text in texts[1:]:
        chunks.append(sep)
        chunks += text.split()
    if not chunks:
        return chunks, [], []
    if digits is None:
        firsts, seconds = zip(*map(memo.__getitem__, chunks), strict=True)
    else:
        get = memo.get
        firsts, seconds = zip(
            *((get(c) or digits) if c.isdigit() and c.isascii() else memo[c] for c in chunks),
            strict=True,
        )
    return chunks, firsts, seconds


class Scan(Protocol):
    def __call__(
        self,
        memo: Mapping[str, Pair],
        texts: tuple[str, ...],
        sep: str,
        digits: Pair | None = None,
        /,
    ) -> Forms: ...


try:
    from monitor.match._chunks import scan as _native
except ImportError:  # built without a C compiler: the Python version
    NATIVE = False
    scan: Scan = scan_py
else:
    NATIVE = True
    scan = _native
