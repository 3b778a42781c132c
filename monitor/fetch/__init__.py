"""Stage 1 of the pipeline: fetch a feed's bytes, or learn that it has not changed.

Owns everything HTTP for feeds; httpx and httpcore are imported nowhere else in
``monitor``. It never parses, stores or schedules. One module per concept:

    fetcher.py     Fetcher: client, headers, deadline, redirect loop, error boundary
    limits.py      concurrency slots: in total and per host
    redirects.py   following redirects: next hop, permanent moves
    statuses.py    non-success statuses: Retry-After, messages
    decoding.py    Content-Encoding with bounded output, the body cap
    transport.py   httpx transport over httpcore's pool with the guarded backend
    guard.py       connect-time resolution and address check (no rebinding window)
    addresses.py   which IP addresses are private (pure)
"""

from monitor.fetch.fetcher import Fetcher

__all__ = ["Fetcher"]
