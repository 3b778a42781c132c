"""Story grouping, pure: which stored story a new item reports, and why.

    p = fingerprint(title, summary_html, content_html, url, published, topics, people)
    keys = index_keys(p)          # store with the item (and its published time)
    q = lookup(p)                 # fetch stored prints: q.exact, q.people in [q.since, q.until]
    d = decide(p, [(story_id, stored_print), ...])   # d.story None: start a story
    record(item, story=d.story or new_id, reason=d.reason, score=d.score, why=d.why)

``urlkey`` folds a link's mirror and AMP forms, ``text`` picks and shingles the text,
``minhash`` signs it and gives LSH band keys, ``prints`` holds the print and its keys,
``decide`` the reasons and thresholds. DECISIONS.md beside this file says why.
Must not: do I/O, touch a database or read a clock. Imports only ``monitor.match``
(for its text normalisation).
"""

from monitor.group.decide import (
    MIN_SHINGLES,
    NEAR_DUPLICATE,
    PEOPLE_SHARE,
    Decision,
    Reason,
    decide,
    judge,
)
from monitor.group.prints import (
    EVENT_WINDOW,
    ItemPrint,
    Lookup,
    fingerprint,
    index_keys,
    is_candidate,
    lookup,
)
from monitor.group.urlkey import url_key

__all__ = [
    "EVENT_WINDOW",
    "MIN_SHINGLES",
    "NEAR_DUPLICATE",
    "PEOPLE_SHARE",
    "Decision",
    "ItemPrint",
    "Lookup",
    "Reason",
    "decide",
    "fingerprint",
    "index_keys",
    "is_candidate",
    "judge",
    "lookup",
    "url_key",
]
