"""``monitor feeds import-opml`` and ``monitor feeds export-opml``: subscription lists
from and for feed readers.

Import adds every feed of the list that is not already configured (same address), in
one validated change to feeds.yaml, and reports the ones it skipped and why; it does
not fetch the feeds (``monitor feeds test ID`` tries one). Export writes every
configured feed, with what monitor knows of it, so that importing the export into an
empty feeds.yaml gives the same feeds.
Must not: edit feeds.yaml text itself (``config.edit`` does, through ``write``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from monitor.config import load_config
from monitor.config.edit import Edited, NewFeed, append_feeds
from monitor.config.units import format_duration
from monitor.errors import InputError
from monitor.feed_entries import entries_from_opml
from monitor.model import FeedSettings, SourceLabel
from monitor.opml import OpmlFeed, read_opml, write_opml

MAX_OPML = 10 * 1024 * 1024  # bytes: a list of 10,000 feeds is about 2 MB

Write = Callable[
    [Path, Mapping[str, str], Callable[[str], Edited], Callable[[list[str]], list[str]]],
    Edited,
]


def add_parsers(actions: Any, common: argparse.ArgumentParser) -> None:
    labels = tuple(label.value for label in SourceLabel)
    imp = actions.add_parser(
        "import-opml", parents=[common], help="add the feeds of an OPML subscription list"
    )
    imp.add_argument("file", type=Path, metavar="FILE", help="an OPML file; - for stdin")
    imp.add_argument("--label", choices=labels, help="label for every imported feed"
                     " (default: the list's monitorLabel, else other)")  # fmt: skip
    imp.add_argument("--yes", "-y", action="store_true", help="write without asking")
    exp = actions.add_parser(
        "export-opml", parents=[common], help="write the feeds as an OPML subscription list"
    )
    exp.add_argument("file", type=Path, metavar="FILE", nargs="?", help="default: stdout")


def run(args: argparse.Namespace, environ: Mapping[str, str], path: Path, write: Write) -> int:
    if args.action == "export-opml":
        return export(path, environ, args.file)
    return import_opml(path, environ, args, write)


def as_outline(feed: FeedSettings) -> OpmlFeed:
    return OpmlFeed(
        url=feed.url,
        title=feed.name,
        id=feed.id,
        label=feed.label.value,
        language=feed.language,
        country=feed.country,
        interval=format_duration(feed.interval),
        enabled=feed.enabled,
        categories=feed.tags,
    )


def export(path: Path, environ: Mapping[str, str], out: Path | None) -> int:
    config = load_config(path, environ)
    text = write_opml([as_outline(f) for f in config.feeds])
    if out is None or str(out) == "-":
        sys.stdout.write(text)
        return 0
    target = out.resolve()
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(name, target)
    finally:
        Path(name).unlink(missing_ok=True)
    print(f"wrote {len(config.feeds)} feeds to {out}", file=sys.stderr)
    return 0


def _read(file: Path) -> tuple[bytes, str]:
    if str(file) == "-":
        return sys.stdin.buffer.read(MAX_OPML + 1), "<stdin>"
    try:
        with file.open("rb") as f:
            return f.read(MAX_OPML + 1), str(file)
    except OSError as e:
        raise InputError(f"{file}: cannot read: {e.strerror or e}") from e


def import_opml(
    path: Path, environ: Mapping[str, str], args: argparse.Namespace, write: Write
) -> int:
    from monitor.feed_commands import confirm  # the one way of asking

    config = load_config(path, environ)
    data, name = _read(args.file)
    if len(data) > MAX_OPML:
        raise InputError(f"{name}: larger than {MAX_OPML // (1024 * 1024)} MB")
    outlines = read_opml(data, name)
    entries, skipped = entries_from_opml(outlines, config, args.label)
    print(f"{name}: {len(outlines)} feeds; {len(entries)} to add, {len(skipped)} skipped")
    for s in skipped:
        print(f"  skipped {s.url}" + (f' ("{s.title}")' if s.title else "") + f": {s.reason}")
    for entry in entries:
        print(f"  add {entry.id}: {entry.url}" + _details(entry))
    if not entries:
        print(f"Nothing to add; {path} not changed.")
        return 0
    if not confirm(f"Add {len(entries)} feeds to {path}?", args.yes):
        print(f"monitor: {path} not changed (answer y, or pass --yes)", file=sys.stderr)
        return 1
    ids = [e.id for e in entries]
    edited = write(path, environ, lambda text: append_feeds(text, entries),
                   lambda before: [*before, *ids])  # fmt: skip
    lines = edited.new_lines
    print(f"added {len(entries)} feeds to {path} (lines {lines.start + 1}-{lines.stop}).")
    return 0


def _details(entry: NewFeed) -> str:
    parts = [entry.label or "other"]
    if entry.language:
        parts.append(entry.language)
    if entry.tags:
        parts.append("tags " + ", ".join(entry.tags))
    if not entry.enabled:
        parts.append("disabled")
    return " (" + "; ".join(parts) + ")"
