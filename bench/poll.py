"""Benchmark: the second poll of N loopback feeds, monitor against lemon24/reader.

For each N, the feeds of ``bench/feeds.py`` are served by FeedServer (ETag,
Last-Modified, 304) in this process. Each tool first polls every feed once into its
own fresh SQLite database (the warm-up: every feed 200 and parsed, validators stored).
Then, per repeat, 30% of the feeds get a new version (1-5 new items, so a new ETag),
the same feeds for every tool, and each tool polls again from a fresh copy of its
warmed-up database: 70% of the answers are 304, 30% are 200 and must be parsed.
That second poll is what is timed; medians over the repeats are printed.

Tools, each run as a command in its own process tree:
    monitor             ``monitor poll`` (cli.main in a child process), SQLite
    reader              make_reader(db).update_feeds(scheduled=False)
    reader, workers=20  the same with 20 threads, as a user tuning it would

Every run is wrapped by a small measuring process that makes itself the
subreaper of the tree, so that monitor's fork server and parser workers, which
outlive or escape their parent, are still reaped and counted:
    wall       spawn to exit of the tool's process (interpreter start included)
    CPU        user+sys of every process of the tree (getrusage RUSAGE_CHILDREN)
    max RSS    ru_maxrss: the largest single process of the tree
    tree PSS   peak of the sum of PSS (proportional set size: a page shared by k
               processes counts 1/k in each) over the tree, sampled every 100 ms
The server's threads run in this process and are never counted, but they share
the machine's cores with the tool. Nothing leaves 127.0.0.0/8.

    PYTHONPATH=. .venv/bin/python bench/poll.py [--sizes 100,1000] [--repeats 3]
        [--hosts 1] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from hashlib import sha256
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHANGED_SHARE = 0.3
SAMPLE_EVERY = 0.1
PR_SET_CHILD_SUBREAPER = 36


# -- the measuring wrapper (a child of the benchmark; stdlib only, stays small) ----------


def measure(out: str, stdout: str, stderr: str, command: list[str]) -> int:
    import ctypes
    import resource

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(SAMPLE_EVERY):
            peak[0] = max(peak[0], _tree_pss_kb(os.getpid()))

    started = time.time()
    t0 = time.perf_counter()
    with open(stdout, "wb") as out_file, open(stderr, "wb") as err_file:
        proc = subprocess.Popen(command, stdout=out_file, stderr=err_file, stdin=subprocess.DEVNULL)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    wall = code = None
    while wall is None:  # reap until the tool's own process is gone
        pid, status, _ = os.wait4(-1, 0)
        if pid == proc.pid:
            wall, code = time.perf_counter() - t0, os.waitstatus_to_exitcode(status)
    proc.returncode = code
    deadline = time.monotonic() + 15  # then its orphans (fork server, workers)
    orphans = 0
    while True:
        try:
            pid, _, _ = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid != 0:
            orphans += 1
            continue
        if time.monotonic() > deadline:
            code = code or 99
            for orphan in _descendants(os.getpid()):
                os.kill(orphan, signal.SIGKILL)
        time.sleep(0.01)
    done.set()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {
        "started": started,
        "wall": wall,
        "exit": code,
        "cpu": usage.ru_utime + usage.ru_stime,
        "user": usage.ru_utime,
        "sys": usage.ru_stime,
        "maxrss_kb": usage.ru_maxrss,
        "tree_pss_kb": peak[0],
        "orphans_reaped": orphans,
    }
    Path(out).write_text(json.dumps(result))
    return 0


def _processes() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, RSS in pages) of every process visible in /proc."""
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            table[int(entry)] = (int(fields[1]), int(fields[21]))
    return table


def _descendants(root: int, table: dict[int, tuple[int, int]] | None = None) -> list[int]:
    table = _processes() if table is None else table
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, (ppid, _) in table.items() if ppid == parent]
        found += children
        frontier += children
    return found


def _tree_pss_kb(root: int) -> int:
    """Sum of PSS over the descendants of ``root`` (RSS where smaps_rollup is missing)."""
    table = _processes()
    total = 0
    for pid in _descendants(root, table):
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            total += table[pid][1] * os.sysconf("SC_PAGE_SIZE") // 1024
            continue
        total += next(
            (int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0
        )
    return total


# -- the tools (each the only program of its process tree) -------------------------------


def run_monitor(config: str, database_url: str, phases_out: str) -> int:
    phases: dict[str, float] = {"start": time.time()}
    from monitor import cli, service

    real_poll_once = service.poll_once

    async def timed_poll_once(*args: Any, **kwargs: Any) -> Any:
        # cmd_poll imports poll_once when it runs, so it gets this wrapper: the time
        # around it is start-up (imports, feeds.yaml, opening and syncing the store).
        phases["poll_start"], phases["cpu_before_poll"] = time.time(), time.process_time()
        try:
            return await real_poll_once(*args, **kwargs)
        finally:
            phases["poll_end"] = time.time()

    service.poll_once = timed_poll_once
    # Options after the command: `monitor --config X poll` loses X to the subparser's
    # default (argparse parents) and reads ./feeds.yaml. The environment says it too.
    environ = {"MONITOR_DATABASE_URL": database_url, "MONITOR_CONFIG": config}
    code = cli.main(["poll", "--config", config], environ)
    Path(phases_out).write_text(json.dumps(phases))
    return code


def run_reader(db: str, workers: int, add_urls: str, phases_out: str) -> int:
    phases: dict[str, float] = {"start": time.time()}
    _sgmllib_for_reader()
    from reader import make_reader

    reader = make_reader(db)
    if add_urls:  # the warm-up run subscribes
        for url in Path(add_urls).read_text().split():
            reader.add_feed(url)
    phases["poll_start"], phases["cpu_before_poll"] = time.time(), time.process_time()
    # scheduled=False: the default (True) skips feeds updated less than an hour ago,
    # which after the warm-up is all of them; `monitor poll` polls every feed.
    reader.update_feeds(scheduled=False, workers=workers)
    phases["poll_end"] = time.time()
    reader.close()
    Path(phases_out).write_text(json.dumps(phases))
    return 0


def _sgmllib_for_reader() -> None:
    """reader 3.26 vendors a feedparser that imports ``sgmllib`` (package sgmllib3k), a
    dependency it does not declare; feedparser 6.0.14 moved to ``feedparser_sgmllib``,
    the same module maintained by feedparser, so sgmllib3k is no longer installed.
    Without it reader cannot parse at all. Point the old name at the new module."""
    from importlib.util import find_spec

    if find_spec("sgmllib") is None:
        import feedparser_sgmllib

        sys.modules["sgmllib"] = feedparser_sgmllib


# -- the feeds and their servers ---------------------------------------------------------


class Servers:
    """``hosts`` FeedServers on 127.0.0.1, 127.0.0.2, ...; feed i is on server i % hosts.

    One host is what FeedServer offers. More hosts need a bound address FeedServer has
    no argument for, so ``_BoundFeedServer`` repeats its start() with another address.
    """

    def __init__(self, hosts: int) -> None:
        sys.path.insert(0, str(ROOT))
        from tests.servers.feed_server import FeedServer

        self.servers = [
            FeedServer() if h == 0 else _bound(f"127.0.0.{h + 1}") for h in range(hosts)
        ]
        self.validators: dict[str, tuple[str, str]] = {}  # url -> (etag, last-modified)

    def __enter__(self) -> Servers:
        for server in self.servers:
            server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for server in self.servers:
            server.stop()

    def url(self, feed: Any) -> str:
        return str(self.servers[feed.index % len(self.servers)].url(feed.path))

    def serve(self, feed: Any) -> None:
        body = feed.render()
        etag = '"' + sha256(body).hexdigest()[:20] + '"'
        last_modified = format_datetime(feed.updated, usegmt=True)
        server = self.servers[feed.index % len(self.servers)]
        server.add_feed(
            feed.path, body, content_type=feed.content_type, etag=etag, last_modified=last_modified
        )
        self.validators[server.url(feed.path)] = (etag, last_modified)

    def mark(self) -> list[int]:
        return [len(server.requests) for server in self.servers]

    def requests_since(self, mark: list[int]) -> dict[str, int]:
        """Requests, conditional ones, and those FeedServer answered 304 (by its rule)."""
        counts = {"requests": 0, "conditional": 0, "not_modified": 0}
        for server, start in zip(self.servers, mark, strict=True):
            for request in server.requests[start:]:
                headers = request.headers
                counts["requests"] += 1
                if "if-none-match" in headers or "if-modified-since" in headers:
                    counts["conditional"] += 1
                validators = self.validators.get(server.url(request.path.split("?")[0]))
                if validators is not None:
                    counts["not_modified"] += _would_304(headers, *validators)
        return counts


def _bound(host: str) -> Any:
    from tests.servers import feed_server as fs

    class _BoundFeedServer(fs.FeedServer):
        def start(self) -> None:
            self._stopping.clear()
            self._httpd = fs._HTTPServer((host, 0), fs._RequestHandler, self)
            self.base_url = f"http://{host}:{self._httpd.server_address[1]}"
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            self._thread.start()

    return _BoundFeedServer()


def _would_304(headers: dict[str, str], etag: str, modified: str) -> bool:
    """FeedServer's answer (RFC 9110 13.2.2): If-None-Match wins over If-Modified-Since."""
    if "if-none-match" in headers:
        tags = [t.strip().removeprefix("W/") for t in headers["if-none-match"].split(",")]
        return "*" in tags or etag in tags
    if "if-modified-since" in headers:
        try:
            return parsedate_to_datetime(modified) <= parsedate_to_datetime(
                headers["if-modified-since"]
            )
        except (TypeError, ValueError):
            return False
    return False


def feeds_yaml(feeds: list[Any], servers: Servers) -> str:
    lines = [
        "version: 1",
        "http:",
        '  user_agent: "monitor-bench/0.1 (+https://example.org)"',
        "  concurrency: 20",
        "  allow_private_networks: true",
        "defaults:",
        "  interval: 15m",
        "  timeout: 60s",
        "feeds:",
    ]
    for feed in feeds:
        lines += [
            f"  - id: feed-{feed.index:04d}",
            f"    url: {servers.url(feed)}",
            "    label: news",
            f"    language: {feed.language}",
        ]
    return "\n".join(lines) + "\n"


# -- orchestration -----------------------------------------------------------------------


@dataclass(frozen=True)
class Tool:
    name: str
    kind: str  # "monitor" | "reader"
    workers: int = 1


TOOLS = (
    Tool("monitor", "monitor"),
    Tool("reader", "reader"),
    Tool("reader, workers=20", "reader", 20),
)


@dataclass
class Run:
    wall: float
    cpu: float
    maxrss_mb: float
    tree_pss_mb: float
    startup: float  # spawn -> poll started
    poll_wall: float
    poll_cpu: float  # CPU of the tree minus the process's own CPU before the poll
    requests: int
    conditional: int
    not_modified: int
    items: int
    expected: int
    failed: int
    orphans: int  # processes reaped after the tool's own exit (monitor: its fork server)


class Bench:
    def __init__(self, work: Path, servers: Servers, feeds: list[Any]) -> None:
        self.work, self.servers, self.feeds = work, servers, feeds
        self.config = work / "feeds.yaml"
        self.config.write_text(feeds_yaml(feeds, servers))
        self.urls = work / "urls.txt"
        self.urls.write_text("\n".join(servers.url(f) for f in feeds) + "\n")
        self.env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        self.env["PYTHONPATH"] = str(ROOT)

    def db(self, tool: Tool, label: str) -> Path:
        return self.work / f"{tool.kind}-{tool.workers}-{label}.sqlite"

    def run(self, tool: Tool, db: Path, expected: int, *, warm_up: bool) -> Run:
        tag = f"{db.stem}-{time.monotonic_ns()}"
        me = [sys.executable, str(Path(__file__).resolve())]
        phases_out = self.work / f"{tag}.phases.json"
        if tool.kind == "monitor":
            command = me + ["_monitor", str(self.config), f"sqlite:///{db}", str(phases_out)]
        else:
            add = str(self.urls) if warm_up else ""
            command = me + ["_reader", str(db), str(tool.workers), add, str(phases_out)]
        out = self.work / f"{tag}.measure.json"
        stdout, stderr = self.work / f"{tag}.out", self.work / f"{tag}.err"
        mark = self.servers.mark()
        subprocess.run(
            me + ["_measure", str(out), str(stdout), str(stderr), "--", *command],
            env=self.env,
            cwd=self.work,
            check=True,
            timeout=3600,
        )
        m = json.loads(out.read_text())
        if m["exit"] != 0:
            tail = stderr.read_text(errors="replace")[-3000:]
            raise SystemExit(f"{tool.name} exited with {m['exit']}:\n{tail}")
        p = json.loads(phases_out.read_text())
        items, failed = count_items(tool, db)
        return Run(
            wall=m["wall"],
            cpu=m["cpu"],
            maxrss_mb=m["maxrss_kb"] / 1024,
            tree_pss_mb=m["tree_pss_kb"] / 1024,
            startup=p["poll_start"] - m["started"],
            poll_wall=p["poll_end"] - p["poll_start"],
            poll_cpu=m["cpu"] - p["cpu_before_poll"],
            items=items,
            expected=expected,
            failed=failed,
            orphans=m["orphans_reaped"],
            **self.servers.requests_since(mark),
        )


def count_items(tool: Tool, db: Path) -> tuple[int, int]:
    """(items stored, feeds whose last poll failed), read after the run, untimed."""
    if tool.kind == "monitor":
        from storage import Store

        with Store.open(f"sqlite:///{db}") as store:
            failed = sum(1 for s in store.feed_statuses() if not s.ok)
            return store.count_items(), failed
    from reader import make_reader

    reader = make_reader(str(db))
    try:
        return reader.get_entry_counts().total or 0, reader.get_feed_counts().broken or 0
    finally:
        reader.close()


def copy_db(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")


def bench_size(n: int, repeats: int, hosts: int, seed: int) -> None:
    from bench.feeds import corpus

    feeds = corpus(n, seed)
    sizes = sorted(len(f.render()) for f in feeds)
    base_items = sum(len(f.items) for f in feeds)
    with Servers(hosts) as servers, tempfile.TemporaryDirectory(prefix="bench-poll-") as tmp:
        for feed in feeds:
            servers.serve(feed)
        bench = Bench(Path(tmp), servers, feeds)
        warm = {t: bench.run(t, bench.db(t, "warm"), base_items, warm_up=True) for t in TOOLS}
        timed: dict[Tool, list[Run]] = {t: [] for t in TOOLS}
        changed_sets = []
        for r in range(repeats):
            rng = random.Random(seed * 7919 + r)
            changed = [
                feeds[i].advance(rng, rng.randint(1, 5))
                for i in sorted(rng.sample(range(n), round(n * CHANGED_SHARE)))
            ]
            new_items = sum(_new(c, feeds[c.index]) for c in changed)
            changed_sets.append((len(changed), new_items))
            for feed in changed:
                servers.serve(feed)
            for tool in TOOLS[r % len(TOOLS) :] + TOOLS[: r % len(TOOLS)]:  # rotate the order
                db = bench.db(tool, f"r{r}")
                copy_db(bench.db(tool, "warm"), db)
                timed[tool].append(bench.run(tool, db, base_items + new_items, warm_up=False))
            for feed in changed:
                servers.serve(feeds[feed.index])
    print_size(n, hosts, sizes, base_items, changed_sets, warm, timed)


def _new(changed: Any, original: Any) -> int:
    old = {item.key for item in original.items}
    return sum(1 for item in changed.items if item.key not in old)


# -- output ------------------------------------------------------------------------------


def _med(runs: list[Run], name: str) -> float:
    return float(statistics.median(getattr(r, name) for r in runs))


def _row(name: str, runs: list[Run]) -> str:
    def col(name: str, width: int, digits: int) -> str:
        return f"{_med(runs, name):>{width}.{digits}f}"

    check = f"{_med(runs, 'items'):,.0f}/{_med(runs, 'expected'):,.0f}"
    times = "".join(col(c, 8, 2) for c in ("wall", "poll_wall", "startup", "cpu", "poll_cpu"))
    memory = col("maxrss_mb", 9, 1) + col("tree_pss_mb", 9, 1)
    server = "".join(col(c, 6, 0) for c in ("requests", "conditional", "not_modified"))
    return f"{name:<20}{times}{memory} |{server}{check:>17}{col('failed', 5, 0)}"


HEADER = (
    f"{'':<20}{'wall':>8}{'poll':>8}{'start':>8}{'CPU':>8}{'poll':>8}{'max RSS':>9}{'tree':>9} |"
    f"{'reqs':>6}{'cond':>6}{'304':>6}{'items/expected':>17}{'fail':>5}\n"
    f"{'':<20}{'s':>8}{'s':>8}{'s':>8}{'s':>8}{'CPU s':>8}{'MB':>9}{'PSS MB':>9} |"
)


def print_size(
    n: int,
    hosts: int,
    sizes: list[int],
    base_items: int,
    changed_sets: list[tuple[int, int]],
    warm: dict[Tool, Run],
    timed: dict[Tool, list[Run]],
) -> None:
    where = "127.0.0.1" if hosts == 1 else f"127.0.0.1-127.0.0.{hosts}"
    kb = [sizes[0] / 1000, statistics.median(sizes) / 1000, sizes[-1] / 1000]
    print(
        f"\n=== N = {n} feeds on {hosts} host(s) ({where}); {base_items:,} items; "
        f"feed size {kb[0]:.0f}-{kb[2]:.0f} KB, median {kb[1]:.0f} KB"
    )
    print("\nwarm-up (first poll: every feed 200 and parsed), one run each:")
    print(HEADER)
    for tool, run in warm.items():
        print(_row(tool.name, [run]))
    changed = ", ".join(f"{c} changed/{m} new items" for c, m in changed_sets)
    print(f"\nsecond poll (30% changed, 70% 304), median of {len(changed_sets)} ({changed}):")
    print(HEADER)
    for tool, runs in timed.items():
        print(_row(tool.name, runs))
    monitor = timed[TOOLS[0]]
    for tool in TOOLS[1:]:
        runs = timed[tool]
        ratios = "  ".join(
            f"{label} {_med(runs, name) / max(_med(monitor, name), 1e-9):.2f}x"
            for label, name in (
                ("wall", "wall"),
                ("poll wall", "poll_wall"),
                ("CPU", "cpu"),
                ("poll CPU", "poll_cpu"),
                ("max RSS", "maxrss_mb"),
                ("tree PSS", "tree_pss_mb"),
            )
        )
        print(f"{tool.name + ' / monitor':<29} {ratios}")
    print("each repeat (wall s / CPU s), and processes reaped after the tool exited:")
    for tool, runs in timed.items():
        each = "  ".join(f"{r.wall:.2f}/{r.cpu:.2f}" for r in runs)
        print(f"  {tool.name:<20}{each}   orphans {','.join(str(r.orphans) for r in runs)}")
    print(f"load average now: {_load()}")


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv: list[str]) -> int:
    if argv and argv[0] == "_measure":
        return measure(argv[1], argv[2], argv[3], argv[5:])
    if argv and argv[0] == "_monitor":
        return run_monitor(*argv[1:4])
    if argv and argv[0] == "_reader":
        return run_reader(argv[1], int(argv[2]), argv[3], argv[4])
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000", help="feed counts, comma-separated")
    parser.add_argument("--repeats", type=int, default=3, help="timed second polls per size")
    parser.add_argument(
        "--hosts", type=int, default=1, help="loopback addresses to spread feeds over"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="smoke test: N=20, 1 repeat")
    args = parser.parse_args(argv)
    sizes = [20] if args.quick else [int(s) for s in args.sizes.split(",")]
    repeats = 1 if args.quick else args.repeats
    if not 1 <= args.hosts <= 254:
        parser.error("--hosts must be from 1 to 254")
    sys.path.insert(0, str(ROOT))
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress in a file
    print(
        f"poll benchmark: monitor vs reader {_version('reader')}, "
        f"feedparser {_version('feedparser')}, Python {sys.version.split()[0]}"
    )
    print(f"code: {_code()}")
    print(
        f"machine: {os.cpu_count()} cores, shared with other work (absolute numbers +-25%; "
        f"the server's threads share the cores); load average at start: {_load()}"
    )
    print(
        "wall: spawn to exit; poll: the poll call alone; start: spawn to poll call;\n"
        "CPU: user+sys of the whole process tree; max RSS: largest process (ru_maxrss);\n"
        "tree PSS: peak of the tree's summed PSS (sampled every 0.1 s)"
    )
    for n in sizes:
        bench_size(n, repeats, args.hosts, args.seed)
    return 0


def _code() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        head = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no", "--", "monitor", "storage")
    except (OSError, subprocess.CalledProcessError):
        return f"{ROOT} (not a git checkout)"
    changes = len(dirty.splitlines())
    return f"{ROOT} at {head}" + (
        f" with {changes} uncommitted file(s) in monitor/ storage/" if changes else ""
    )


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
