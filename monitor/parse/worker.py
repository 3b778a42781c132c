"""The child side of ParserPool: one process, one document at a time, under limits.

Owns what happens inside a parser process: capping its address space
(``RLIMIT_AS``), then answering parse requests on its pipe until told to stop.
Each reply is a small pickled tuple ``(kind, value)``:

    ("ok", ParsedFeed)         the document parsed
    ("parse_error", message)   not a feed (ParseError)
    ("memory", message)        the address-space limit was hit; the worker then exits
    ("bug", traceback text)    anything else: a bug in our code, reported, not hidden

Must not: know about asyncio, time limits (the parent kills a worker that runs too
long: a process cannot reliably interrupt its own C code) or the pool's bookkeeping.
"""

from __future__ import annotations

import pickle
import resource
import signal
import traceback
from collections.abc import Callable
from datetime import datetime
from multiprocessing.connection import Connection

from monitor.errors import ParseError
from monitor.model import ParsedFeed

# What a worker runs on each request: parse_document, or a hostile stand-in in tests.
Target = Callable[..., ParsedFeed]
Request = tuple[bytes, str, datetime, int]
Reply = tuple[str, object]


def limit_address_space(limit: int) -> None:
    """Cap this process's virtual memory; allocations beyond it raise MemoryError.

    The hard limit is lowered too, so nothing in the worker can raise it again.
    """
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def serve(conn: Connection, memory_limit: int, target: Target) -> None:
    """Entry point of a worker process: answer requests until EOF or ``None``."""
    # Ctrl-C reaches the whole process group; the parent decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    limit_address_space(memory_limit)
    while True:
        try:
            request = conn.recv_bytes()
        except (EOFError, OSError):
            return  # the parent went away
        job: Request | None = pickle.loads(request)  # noqa: S301 (our own parent wrote it)
        if job is None:
            return
        reply = _run(target, job)
        try:
            conn.send_bytes(pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL))
        except MemoryError:
            return  # the parent sees EOF and reports a dead worker
        except (EOFError, OSError):
            return
        if reply[0] == "memory":
            return  # a heap that hit its limit is not worth trusting with the next feed


def _run(target: Target, job: Request) -> Reply:
    body, base_url, fetched_at, max_items = job
    try:
        return "ok", target(body, base_url=base_url, fetched_at=fetched_at, max_items=max_items)
    except ParseError as error:
        return "parse_error", str(error)
    except MemoryError:
        return "memory", "memory limit exceeded while parsing"
    except RecursionError:
        return "parse_error", "not a feed: nested too deeply"
    except Exception:
        return "bug", traceback.format_exc(limit=20)
