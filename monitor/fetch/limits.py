"""How many requests may be in flight: in total and per host.

Owns the two limits of ``http:`` settings (``concurrency`` in total, ``per_host`` for
each host name), enforced with asyncio semaphores around each request rather than left
to the connection pool, so that a slow host cannot take every slot and a busy site is
never hit by more than ``per_host`` requests at once.

A request takes its host slot first and then a global slot, always in that order and
never holding a global slot while it waits for a host: requests queued behind one busy
host do not block requests to other hosts, and no two requests can wait on each other.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


@dataclass
class _HostSlots:
    semaphore: asyncio.Semaphore
    users: int = field(default=0)


class RequestLimits:
    def __init__(self, total: int, per_host: int) -> None:
        if total < 1 or per_host < 1:
            raise ValueError("concurrency limits must be at least 1")
        self._total = asyncio.Semaphore(total)
        self._per_host = per_host
        # Entries live only while someone holds or waits for them, so the map stays small.
        self._hosts: dict[str, _HostSlots] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one slot for ``host`` (case-insensitive) and one global slot."""
        key = host.lower()
        entry = self._hosts.get(key)
        if entry is None:
            entry = self._hosts[key] = _HostSlots(asyncio.Semaphore(self._per_host))
        entry.users += 1
        try:
            async with entry.semaphore, self._total:
                yield
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._hosts[key]
