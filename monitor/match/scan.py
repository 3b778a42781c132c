"""One item's text -> its whitespace chunks and their two memoised forms, in one pass.

``scan(memo, texts, sep)`` splits each text as ``str.split()`` does, with the chunk
``sep`` between two texts, and looks every chunk up as ``memo[chunk]`` (a ``Memo``
computes and keeps what it has not seen); each value is a pair, and the pairs come back
separated: ``(chunks, firsts, seconds)``. The C version (``_chunks.c``, built when the
package is installed) does split, look-ups and separation in one loop, about three times
as fast as the same steps in Python; ``scan_py`` is the same function in Python, used
when the extension is not built (a compiler-less install still matches, more slowly).
Tests compare the two. Must not: know what the forms mean.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

Forms = tuple[list[str], Sequence[str], Sequence[str]]


def scan_py(memo: Mapping[str, tuple[str, str]], texts: tuple[str, ...], sep: str) -> Forms:
    chunks = texts[0].split()
    for text in texts[1:]:
        chunks.append(sep)
        chunks += text.split()
    if not chunks:
        return chunks, [], []
    firsts, seconds = zip(*map(memo.__getitem__, chunks), strict=True)
    return chunks, firsts, seconds


Scan = Callable[[Mapping[str, tuple[str, str]], tuple[str, ...], str], Forms]
try:
    from monitor.match._chunks import scan as _native
except ImportError:  # built without a C compiler: the Python version
    NATIVE = False
    scan: Scan = scan_py
else:
    NATIVE = True
    scan = _native
