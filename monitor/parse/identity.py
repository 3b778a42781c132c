"""An item's identity: the key that says "seen this one before" across polls.

Owns the rule: the entry's guid/id if it has a non-empty one, else its canonical
link, else a hash of its title and summary. The key is the SHA-256 hex digest of
"kind:value", so it has one short fixed size whatever the feed puts in its guids.

Must not: look beyond one entry (deduplicating within a document is the caller's
job) or across feeds (two feeds may reuse a guid; storage keys on feed + identity).
"""

from __future__ import annotations

import hashlib
from typing import Literal

IdentityKind = Literal["guid", "link", "hash"]


def item_identity(
    *, guid: str | None, canonical_link: str | None, title: str, summary: str
) -> tuple[str, IdentityKind]:
    """Return (identity, kind).

    ``guid`` is used as published (only stripped): a guid is opaque and two that
    differ in case or slash are, by the spec, two items. ``title`` and ``summary``
    for the hash are the feed's raw strings, so changes to our sanitiser never
    re-identify old items.
    """
    if guid and guid.strip():
        return _digest("guid", guid.strip()), "guid"
    if canonical_link:
        return _digest("link", canonical_link), "link"
    return _digest("hash", title.strip() + "\x00" + summary.strip()), "hash"


def _digest(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode("utf-8", "surrogatepass")).hexdigest()
