"""``monitor feeds``: list, add, remove and test feeds (import and export of OPML
lists are in ``opml_commands``).

Owns the arguments of ``monitor feeds ACTION``, the order of each action's steps,
asking before writing, and the words and exit codes the operator sees: 0 done, 1 the
feed could not be fetched or read, or nothing was written because the answer was no,
2 a refused request (a duplicate, a bad value, a change that would make feeds.yaml
invalid). Every change to feeds.yaml goes through ``config.edit`` (validated before
it replaces the file).
Must not: edit feeds.yaml text itself, store anything, or send alerts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from monitor import feed_report, opml_commands
from monitor.alerting import Alerting
from monitor.config import Config, load_config
from monitor.config.edit import (
    Edited,
    EditError,
    NewFeed,
    append_feeds,
    read_text,
    remove_feed,
    write_checked,
)
from monitor.config.kinds import did_you_mean
from monitor.config.layout import LayoutError
from monitor.config.unlisted import unlisted_feed
from monitor.errors import FeedError, FetchError
from monitor.feed_entries import (
    Refused,
    check_url,
    checked,
    feed_with_url,
    lenient,
    refuse_duplicate_id,
    refuse_duplicate_url,
    short_name,
)
from monitor.feed_ids import derive_id, host_slug
from monitor.feed_probe import NotAFeed, Probe, detected_language, probe, verdicts
from monitor.model import FeedSettings, SourceLabel
from monitor.rules import build_matcher

LABELS = tuple(label.value for label in SourceLabel)


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Adds ``monitor feeds ACTION`` to the command parser."""
    feeds = sub.add_parser("feeds", parents=[common], help="list, add, test and remove feeds")
    actions = feeds.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", parents=[common], help="the configured feeds")
    listing.add_argument("--json", action="store_true", help="print JSON")
    add = actions.add_parser(
        "add", parents=[common], help="fetch a feed (or a page that links to one), show it,"
        " and add it to feeds.yaml",
    )  # fmt: skip
    add.add_argument("url", metavar="URL", help="address of the feed, or of a web page")
    add.add_argument("--id", help="feed id (default: from the feed's title or host)")
    add.add_argument("--name", help="name shown in alerts (default: the feed's title)")
    add.add_argument("--label", choices=LABELS, help="kind of source (default: other)")
    add.add_argument("--language", metavar="LANG", help="language code (default: as detected)")
    add.add_argument("--country", metavar="CC", help="ISO 3166 code of the country covered")
    add.add_argument("--tag", action="append", default=[], help="a tag (repeatable)")
    add.add_argument("--interval", help="time between polls, such as 30m")
    add.add_argument("--disabled", action="store_true", help="add it with enabled: false")
    add.add_argument("--yes", "-y", action="store_true", help="write without asking")
    remove = actions.add_parser("remove", parents=[common], help="remove a feed from feeds.yaml")
    remove.add_argument("id", metavar="ID")
    test = actions.add_parser(
        "test", parents=[common], help="fetch, parse and match once, storing nothing"
    )
    test.add_argument("feed", metavar="ID|URL")
    test.add_argument("--json", action="store_true", help="print one JSON object")
    opml_commands.add_parsers(actions, common)


def run(args: argparse.Namespace, environ: Mapping[str, str], config: Path) -> int:
    """Runs the ``monitor feeds`` action in ``args`` on the config file ``config``."""
    try:
        match args.action:
            case "list":
                return cmd_list(load_config(config, environ), args.json)
            case "add":
                return cmd_add(config, environ, args)
            case "remove":
                return cmd_remove(config, environ, args.id)
            case "test":
                return cmd_test(load_config(config, environ), environ, args.feed, args.json)
            case _:
                return opml_commands.run(args, environ, config, write_feeds)
    except (Refused, LayoutError) as e:
        print(f"monitor: {e}", file=sys.stderr)
        return 2
    except EditError as e:
        print(f"monitor: {e}; nothing was written:", file=sys.stderr)
        for problem in e.problems:
            print(problem, file=sys.stderr)
        return 2


def cmd_list(config: Config, as_json: bool) -> int:
    if as_json:
        feeds = [feed_report.feed_json(f) for f in config.feeds]
        print(json.dumps({"feeds": feeds}, ensure_ascii=False, indent=2))
    else:
        print(feed_report.feed_table(config.feeds))
    return 0


def confirm(question: str, yes: bool) -> bool:
    """True with ``--yes``; else asks on stdin (no answer, or no terminal: no)."""
    if yes:
        return True
    print(f"{question} [y/N] ", end="", flush=True)
    try:
        answer = sys.stdin.readline()
    except (OSError, ValueError):
        answer = ""
    if not answer.endswith("\n"):
        print()
    return answer.strip().lower() in ("y", "yes")


def write_feeds(
    path: Path,
    environ: Mapping[str, str],
    edit: Callable[[str], Edited],
    expected: Callable[[list[str]], list[str]],
) -> Edited:
    """Applies ``edit`` to the file's current text and writes it if the result loads
    and its feed ids are ``expected(ids before)``."""
    before = [f.id for f in load_config(path, environ).feeds]
    raw, text, bom = read_text(path)
    edited = edit(text)
    want = expected(before)

    def check(config: Config) -> str | None:
        got = [f.id for f in config.feeds]
        return None if got == want else f"expected feeds {want}, got {got}"

    write_checked(path, raw, edited.text, bom=bom, environ=environ, check=check)
    return edited


def cmd_add(path: Path, environ: Mapping[str, str], args: argparse.Namespace) -> int:
    config = load_config(path, environ)
    url = check_url(args.url)
    refuse_duplicate_url(config, url)
    if args.id is not None:
        checked("id", args.id, "--id")
        refuse_duplicate_id(config, args.id)
    for key in ("language", "country", "interval"):
        if getattr(args, key) is not None:
            checked(key, getattr(args, key), f"--{key}")
    for tag in args.tag:
        checked("tags", tag, "--tag")

    timeout = unlisted_feed(config, "new", url, url).timeout  # defaults.timeout
    found = _probe(config, url, timeout, discover=True)
    if found is None:
        return 1
    print(feed_report.probe_text(found))
    if found.url != url:
        refuse_duplicate_url(config, found.url)
    detected = lenient("language", detected_language(found.feed))
    entry = NewFeed(
        id=args.id or derive_id(found.feed.title, found.url, [f.id for f in config.feeds]),
        url=found.url,
        name=args.name if args.name is not None else short_name(found.feed.title),
        label=args.label or "other",
        language=args.language or detected,
        country=args.country,
        interval=args.interval,
        tags=tuple(dict.fromkeys(args.tag)),
        enabled=not args.disabled,
    )
    print(f"\nTo add to {path}:")
    for key, value in entry.items():
        print(f"    {key}: {value}")
    if not confirm(f"Add feed {entry.id!r} to {path}?", args.yes):
        print(f"monitor: {path} not changed (answer y, or pass --yes)", file=sys.stderr)
        return 1
    edited = write_feeds(path, environ, lambda text: append_feeds(text, [entry]),
                         lambda ids: [*ids, entry.id])  # fmt: skip
    lines = edited.new_lines
    print(f'added feed "{entry.id}" to {path} (lines {lines.start + 1}-{lines.stop}).')
    print(f"See what it would match: monitor feeds test {entry.id}")
    return 0


def _probe(config: Config, url: str, timeout: float, *, discover: bool) -> Probe | None:
    """The probe, or None after printing why it failed (exit 1)."""
    try:
        return asyncio.run(probe(config.http, url, timeout, discover=discover))
    except NotAFeed as e:
        print(f"monitor: {e}", file=sys.stderr)
        for line in feed_report.links_text(e.links, None):
            print(line, file=sys.stderr)
    except FeedError as e:
        print(f"monitor: {_where(e, url)}", file=sys.stderr)
    return None


def _where(error: FeedError, url: str) -> str:
    """The error's message, with the address when the message does not name it (fetch
    errors do; parse errors do not)."""
    return str(error) if isinstance(error, FetchError | NotAFeed) else f"{url}: {error}"


def cmd_remove(path: Path, environ: Mapping[str, str], feed_id: str) -> int:
    config = load_config(path, environ)
    try:
        feed = config.feed(feed_id)
    except KeyError:
        raise Refused(_unknown(config, feed_id)) from None
    edited = write_feeds(path, environ, lambda text: remove_feed(text, feed.id),
                         lambda ids: [i for i in ids if i != feed.id])  # fmt: skip
    print(f'removed feed "{feed.id}" ({feed.url}) from {path} at line'
          f" {edited.new_lines.start + 1}.")  # fmt: skip
    print("Its items stay in the database (monitor export still lists them); adding a feed"
          f' with the id "{feed.id}" again continues its history.')  # fmt: skip
    return 0


def _unknown(config: Config, feed_id: str) -> str:
    ids = [f.id for f in config.feeds]
    return (f'no feed with id "{feed_id}" in {config.path}{did_you_mean(feed_id, ids)}'
            " (monitor feeds list shows them)")  # fmt: skip


def test_feed(config: Config, target: str) -> tuple[FeedSettings, bool]:
    """The feed ``target`` names (an id, or an address) and whether it is configured."""
    try:
        return config.feed(target), True
    except KeyError:
        pass
    if "://" not in target:
        raise Refused(_unknown(config, target))
    url = check_url(target)
    existing = feed_with_url(config.feeds, url)
    if existing is not None:
        return existing, True
    return unlisted_feed(config, host_slug(url) or "feed", url, url), False


def cmd_test(config: Config, environ: Mapping[str, str], target: str, as_json: bool) -> int:
    matcher = build_matcher(config)
    feed, configured = test_feed(config, target)
    try:
        found = asyncio.run(probe(config.http, feed.url, feed.timeout, discover=False))
    except FeedError as e:
        if as_json:
            print(json.dumps(feed_report.test_json(feed, configured, None, [], str(e)),
                             ensure_ascii=False, indent=2))  # fmt: skip
        else:
            print(f"monitor: {_where(e, feed.url)}", file=sys.stderr)
            if isinstance(e, NotAFeed):
                for line in feed_report.links_text(e.links, None):
                    print(line, file=sys.stderr)
        return 1
    found_verdicts = verdicts(feed, found.feed.items, matcher, Alerting(config, environ).router)
    if as_json:
        out = feed_report.test_json(feed, configured, found, found_verdicts)
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(feed_report.test_text(feed, configured, found, found_verdicts,
                                    has_alerts=config.alerts is not None))  # fmt: skip
    return 0
