"""Stand-ins for parse_document that misbehave on cue, for ParserPool tests.

They run inside worker processes (imported there by name), so they live in a module
of their own rather than in a test file. A body that starts with a cue word
misbehaves; any other body is parsed normally, so one worker can do both.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import datetime

from monitor.model import ParsedFeed
from monitor.parse import parse_document
from monitor.parse.document import parse_prepared
from monitor.parse.prepare import prepare


def misbehave(body: bytes, *, base_url: str, fetched_at: datetime, max_items: int) -> ParsedFeed:
    if body.startswith(b"hang"):
        time.sleep(3600)
    if body.startswith(b"spin"):
        while True:  # pure CPU, never returns to the interpreter's signal checks cheaply
            pass
    if body.startswith(b"allocate"):
        hoard = []
        while True:
            hoard.append(bytearray(16 * 1024 * 1024))
    if body.startswith(b"die"):
        os.kill(os.getpid(), signal.SIGKILL)
    if body.startswith(b"exit"):
        os._exit(3)
    if body.startswith(b"bug"):
        raise KeyError("a bug in our own code")
    return parse_document(body, base_url=base_url, fetched_at=fetched_at, max_items=max_items)


def unneutralised(
    body: bytes, *, base_url: str, fetched_at: datetime, max_items: int
) -> ParsedFeed:
    """parse_document with the first wall (entity neutralisation) removed."""
    prepared = prepare(body, neutralise_entities=False)
    return parse_prepared(prepared, base_url=base_url, fetched_at=fetched_at, max_items=max_items)
