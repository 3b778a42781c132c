"""One item's text -> its whitespace chunks and their two memoised forms, in one pass.

``scan(memo, texts, sep, digits=None)`` splits each text as ``str.split()`` does, with
the chunk ``sep`` between two texts, and looks every chunk up as ``memo[chunk]`` (a
``Memo`` computes and keeps what it has not seen); each value is a pair, and the pairs
come back separated: ``(chunks, firsts, seconds)``. With ``digits`` (a pair), a number
(ASCII digits, maybe with ASCII punctuation around them: "1988", "(1988)", "12,") that
the memo lacks, and whose digits it lacks too, takes that value, without a call and
without being kept: numbers are most of the chunks an item brings that were never
seen, and a memo filled with them makes every other look-up slower.

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
        firsts, seconds = zip(*(_look_up(memo, c, digits) for c in chunks), strict=True)
    return chunks, firsts, seconds


# ASCII characters that are not letters or digits: what may surround a number's digits
_NOT_ALNUM = "".join(c for c in map(chr, range(128)) if not c.isalnum())


def number(chunk: str) -> str | None:
    """The digits of a number chunk ("1988", "(1988)", "12,"), None for any other."""
    if chunk.isascii():
        core = chunk.strip(_NOT_ALNUM)
        if core.isdigit():
            return core
    return None


def _look_up(memo: Mapping[str, Pair], chunk: str, digits: Pair) -> Pair:
    core = number(chunk)
    if core is not None:
        value = memo.get(chunk)
        if value is not None:
            return value
        if core == chunk or core not in memo:
            return digits
    return memo[chunk]


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
