"""ParserPool: parse untrusted documents in child processes with memory and time limits.

Owns the second wall of hazard 1 (and the CPU offload of performance.md): a fixed
number of worker processes, each capped with ``RLIMIT_AS`` and watched by a
wall-clock deadline. A worker that overruns is killed and replaced; a worker that
dies is replaced; either way only that one call fails (``ParseError``) and the
other parses carry on. Results come back as the frozen dataclasses, never
FeedParserDicts.

Workers start with "forkserver" where it exists: the service runs threads (httpx,
APScheduler), and fork() from a threaded process can copy a held lock into the
child. The fork server is a clean process that has imported the parser once, so a
new worker costs a fork, not a fresh interpreter.

Must not: parse anything itself, or share a worker between two calls at once.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import pickle
from collections import deque
from datetime import datetime
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from types import TracebackType

from monitor.errors import ParseError
from monitor.model import ParsedFeed
from monitor.parse.document import parse_document
from monitor.parse.worker import Reply, Target, serve

log = logging.getLogger(__name__)

_PRELOAD = ["monitor.parse.worker", "monitor.parse.document"]


def default_start_method() -> str:
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


class _Worker:
    """One child process and the parent's end of its pipe; restarted after any failure."""

    def __init__(self, ctx: BaseContext, memory_limit: int, target: Target) -> None:
        self._ctx = ctx
        self._memory_limit = memory_limit
        self._target = target
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self._retired = False  # the pool closed: never start again
        self._waiting: asyncio.Future[None] | None = None  # a call waiting for a reply

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> None:
        parent_end, child_end = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(  # type: ignore[attr-defined]
            target=serve,
            args=(child_end, self._memory_limit, self._target),
            name="monitor-parser",
            daemon=True,
        )
        process.start()
        child_end.close()  # else the parent never sees EOF when the child dies
        self._process, self._conn = process, parent_end

    def stop(self, *, graceful: bool = False) -> int | None:
        """Stop the process (SIGKILL unless ``graceful``) and return its exit code."""
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if self._waiting is not None and not self._waiting.done():
            # A call waits on this pipe; closing it would leave that call to its timeout.
            self._waiting.set_exception(EOFError("worker stopped"))
        if process is None:
            return None
        if graceful and conn is not None and process.is_alive():
            try:
                conn.send_bytes(pickle.dumps(None))
            except OSError:
                pass
            process.join(1.0)
        if process.is_alive():
            process.kill()
        process.join(5.0)
        if conn is not None:
            conn.close()
        return process.exitcode

    def retire(self) -> None:
        self._retired = True
        self.stop(graceful=True)

    async def call(self, request: bytes, timeout: float) -> ParsedFeed:
        if self._retired:
            raise ParseError("parser pool closed")
        if self._process is None:
            self.start()
        assert self._conn is not None
        try:
            self._conn.send_bytes(request)
        except OSError:
            # It died while idle (killed from outside): the job never started, so
            # a fresh worker may take it.
            self._replace("died while idle")
            assert self._conn is not None
            self._conn.send_bytes(request)
        conn = self._conn
        self._waiting = asyncio.get_running_loop().create_future()
        try:
            await asyncio.wait_for(_readable(conn, self._waiting), timeout)
            data = conn.recv_bytes()
        except TimeoutError:
            self._replace("timed out")
            raise ParseError(f"parse timed out after {timeout:g} s (worker killed)") from None
        except (EOFError, OSError):
            code = self._replace("died")
            if self._retired:
                raise ParseError("parser pool closed during the parse") from None
            raise ParseError(f"parser worker died (exit code {code})") from None
        except BaseException:
            # Cancelled mid-parse: its reply would be read by the next call. Start over.
            self._replace("abandoned")
            raise
        finally:
            self._waiting = None
        kind, value = _load(data)
        if kind == "ok" and isinstance(value, ParsedFeed):
            return value
        if kind == "parse_error":
            raise ParseError(str(value))
        if kind == "memory":
            self._replace("hit its memory limit", grace=1.0)  # it exits by itself
            raise ParseError(f"parse exceeded the memory limit ({self._memory_limit} bytes)")
        log.error("bug in the parser worker:\n%s", value)
        raise ParseError("internal parser error (see the log)")

    def _replace(self, why: str, *, grace: float = 0.0) -> int | None:
        pid = self.pid
        if grace and self._process is not None:
            self._process.join(grace)
        code = self.stop()
        if self._retired:  # close() stopped it under a call in flight
            return code
        log.warning("parser worker %s %s (exit code %s); starting a new one", pid, why, code)
        self.start()
        return code


class ParserPool:
    """A fixed set of parser processes behind one ``async parse()``.

    ``memory_limit`` is the address space of each worker in bytes (RLIMIT_AS: the
    interpreter and libraries count too, about 40 MB); ``timeout`` is the wall-clock
    limit of one parse in seconds. Workers start on first use.
    """

    def __init__(
        self,
        *,
        workers: int = 2,
        memory_limit: int = 512 * 1024 * 1024,
        timeout: float = 30.0,
        start_method: str | None = None,
        _target: Target = parse_document,
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        method = start_method or default_start_method()
        ctx = multiprocessing.get_context(method)
        if method == "forkserver":
            ctx.set_forkserver_preload(_PRELOAD)
        self._timeout = timeout
        self._workers = [_Worker(ctx, memory_limit, _target) for _ in range(workers)]
        self._idle: list[_Worker] = list(self._workers)
        self._waiters: deque[asyncio.Future[_Worker]] = deque()
        self._closed = False

    async def parse(
        self, body: bytes, *, base_url: str, fetched_at: datetime, max_items: int = 500
    ) -> ParsedFeed:
        """Parse ``body`` in a worker. Raises ParseError: not a feed, a limit hit, a death."""
        if not isinstance(body, bytes | bytearray | memoryview):
            raise TypeError(f"body must be bytes, not {type(body).__name__}")
        if fetched_at.tzinfo is None:
            raise ValueError("fetched_at must be timezone-aware")
        request = pickle.dumps(
            (bytes(body), base_url, fetched_at, max_items), protocol=pickle.HIGHEST_PROTOCOL
        )
        worker = await self._acquire()
        try:
            return await worker.call(request, self._timeout)
        finally:
            self._release(worker)

    def close(self) -> None:
        """Stop every worker. Calls still in flight fail with ParseError."""
        self._closed = True
        for worker in self._workers:
            worker.retire()
        while self._waiters:
            self._waiters.popleft().cancel()

    def __enter__(self) -> ParserPool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def pids(self) -> list[int | None]:
        """Process ids of the workers (None: not started); for tests and status pages."""
        return [worker.pid for worker in self._workers]

    async def _acquire(self) -> _Worker:
        if self._closed:
            raise RuntimeError("ParserPool is closed")
        if self._idle:
            return self._idle.pop()
        waiter: asyncio.Future[_Worker] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release(waiter.result())  # handed over just as we were cancelled
            raise
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    def _release(self, worker: _Worker) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self._idle.append(worker)


async def _readable(conn: Connection, ready: asyncio.Future[None]) -> None:
    """Wait until ``conn`` has data or EOF (or ``ready`` is failed by ``stop``)."""
    loop = asyncio.get_running_loop()
    fd = conn.fileno()

    def on_readable() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(fd, on_readable)
    try:
        await ready
    finally:
        loop.remove_reader(fd)


def _load(data: bytes) -> Reply:
    reply = pickle.loads(data)  # noqa: S301 (our own worker wrote it; see docs)
    if not (isinstance(reply, tuple) and len(reply) == 2 and isinstance(reply[0], str)):
        return "bug", f"malformed reply from worker: {type(reply).__name__}"
    return reply[0], reply[1]
