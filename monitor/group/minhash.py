"""MinHash signatures of shingle sets, their LSH band keys, and Jaccard estimates.

Owns the numbers that are stored: ``signature`` (``PERMUTATIONS`` 32-bit minima),
``band_keys`` (one string per band, indexed by storage) and ``similarity``.

Each shingle is hashed once with SHAKE-128, read as ``PERMUTATIONS`` 32-bit words:
word *i* is the shingle's value under hash function *i*. SHAKE is an extendable-output
function, so the words are independent hash functions, stable across processes and
machines (Python's ``hash`` is salted per process: stored band keys would never meet
again). One call per shingle is ~2.5 us, so a 100-shingle item costs ~0.25 ms; the
classic ``(a*x + b) mod p`` per permutation in Python costs four times that.
The signature is stored: 72 x 4 bytes. This is
why there is no ``datasketch``: it would bring numpy and scipy for ~40 lines.

LSH: ``BANDS`` bands of ``ROWS`` minima. Two items share a band key with probability
1 - (1 - J^ROWS)^BANDS: 0.96 at J = 0.5 (the near-duplicate threshold), 0.996 at 0.6,
0.024 at 0.1 and 0.0006 at 0.03 (unrelated news: 0.00-0.11 on the dev pairs), so a
near-duplicate is found by an indexed look-up of 24 keys and few unrelated items come
back as candidates (bench/stories.py counts them). Four rows per band would halve the
key count but find a J = 0.5 pair only 72% of the time. ``VERSION`` is in every key:
change any constant here or in ``text`` and old keys stop meeting new ones instead of
meeting them wrongly.
Must not: do I/O or decide anything about stories.
"""

from __future__ import annotations

import hashlib
import operator
import struct
from collections.abc import Iterable, Sequence

PERMUTATIONS = 72
BANDS = 24
ROWS = 3
VERSION = "m1"
assert BANDS * ROWS == PERMUTATIONS

_WORDS = struct.Struct(f"<{PERMUTATIONS}I")
_ROW = struct.Struct(f"<{ROWS}I")
EMPTY: tuple[int, ...] = ()


def signature(shingles: Iterable[str]) -> tuple[int, ...]:
    """The MinHash signature of a shingle set; ``()`` for an empty set."""
    rows = [_WORDS.unpack(hashlib.shake_128(s.encode()).digest(_WORDS.size)) for s in shingles]
    if not rows:
        return EMPTY
    return tuple(map(min, zip(*rows, strict=True)))


def band_keys(sig: Sequence[int]) -> tuple[str, ...]:
    """``band:<version>:<band>:<16 hex>`` for each band; none for an empty signature."""
    if not sig:
        return ()
    keys = []
    for band in range(BANDS):
        row = _ROW.pack(*sig[band * ROWS : (band + 1) * ROWS])
        digest = hashlib.blake2b(row, digest_size=8).hexdigest()
        keys.append(f"band:{VERSION}:{band:02d}:{digest}")
    return tuple(keys)


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity: the share of equal minima (0.0 if either is empty)."""
    if not a or not b or len(a) != len(b):
        return 0.0
    equal: int = sum(map(operator.eq, a, b))  # map(eq): a third of a generator's time
    return equal / len(a)
