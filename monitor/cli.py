"""The ``monitor`` command: parses arguments and builds every object (composition root).

Settings are read here (feeds.yaml, environment) and passed down as arguments; no other
module reads the environment. Errors a user can act on become one line each on stderr
and an exit code (2 usage/config, 1 runtime), with a traceback only under ``--debug``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path

from alerts.dispatch import DispatchReport
from alerts.errors import DeliveryError
from monitor import alert_commands, feed_commands, logs, report, story_commands
from monitor.alerting import Alerting, dispatch_options
from monitor.config import Config, load_config
from monitor.errors import ConfigError, InputError, MonitorError, UsageError
from monitor.health import check_health
from monitor.pipeline import PollReport
from monitor.rules import build_matcher
from monitor.runtime import Rules, feed_definitions
from storage import Store
from storage.errors import StorageError

DEFAULT_DATABASE_URL = "sqlite:///monitor.db"
log = logging.getLogger("monitor")


def utcnow() -> datetime:
    return datetime.now(UTC)


def _common(defaults: bool) -> argparse.ArgumentParser:
    """The options every command takes, before or after the command's name.

    The copy given to the subcommands has no defaults (SUPPRESS): otherwise argparse
    lets a subcommand's default overwrite ``monitor --config X poll``'s value.
    """

    def default(value: object) -> object:
        return value if defaults else argparse.SUPPRESS

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        type=Path,
        default=default(None),
        help="feeds.yaml (default: $MONITOR_CONFIG or ./feeds.yaml)",
    )
    common.add_argument(
        "--debug", action="store_true", default=default(False), help="debug logs and tracebacks"
    )
    common.add_argument("--log-format", choices=("text", "json"), default=default("text"))
    return common


def _parser() -> argparse.ArgumentParser:
    common = _common(defaults=False)
    parser = argparse.ArgumentParser(
        prog="monitor", parents=[_common(defaults=True)], description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("run", parents=[common], help="poll feeds on schedule until stopped")
    poll = sub.add_parser("poll", parents=[common], help="poll feeds once and exit")
    poll.add_argument(
        "--feed", action="append", default=[], metavar="ID", help="only this feed (repeatable)"
    )
    sub.add_parser("check", parents=[common], help="validate feeds.yaml")
    status = sub.add_parser("status", parents=[common], help="feed health and deliveries")
    status.add_argument("--json", action="store_true")
    match = sub.add_parser("match", parents=[common], help="match items from a JSONL file, offline")
    match.add_argument(
        "file", type=Path, metavar="FILE.jsonl", help="one JSON item per line; - for stdin"
    )
    export = sub.add_parser("export", parents=[common], help="print every stored item")
    export.add_argument(
        "--since", metavar="DATE", help="only items fetched since (ISO date or time)"
    )
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    alert_commands.add_parsers(sub, common)
    rematch = sub.add_parser(
        "rematch", parents=[common], help="apply the current topics and people to stored items"
    )
    rematch.add_argument("--since", metavar="DATE", help="only items fetched since")
    rematch.add_argument(
        "--alert", action="store_true", help="alert what is newly matched (default: store only)"
    )
    stories = sub.add_parser("stories", parents=[common], help="reports grouped by event")
    stories.add_argument("--since", metavar="DATE", help="only stories first seen since")
    stories.add_argument("--json", action="store_true")
    person = sub.add_parser("person", parents=[common], help="a tracked person's case file")
    person.add_argument("name", metavar="NAME", help="canonical name, alias or any spelling")
    person.add_argument("--json", action="store_true")
    feed_commands.add_parser(sub, common)
    return parser


def config_path(arg: Path | None, environ: Mapping[str, str]) -> Path:
    if arg is not None:
        return arg
    return Path(environ.get("MONITOR_CONFIG") or "feeds.yaml")


def parse_since(text: str | None, option: str = "--since") -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            value = datetime.combine(date.fromisoformat(text), time())
        except ValueError:
            raise UsageError(f"{option}: {text!r} is not an ISO date such as 2025-07-27") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def open_store(environ: Mapping[str, str], config: Config | None) -> Store:
    store = Store.open(environ.get("MONITOR_DATABASE_URL") or DEFAULT_DATABASE_URL)
    if config is not None:
        store.sync_feeds(feed_definitions(config), utcnow())
    return store


def cmd_check(config: Config) -> int:
    build_matcher(config)  # malformed queries and names are config errors too
    enabled = sum(1 for f in config.feeds if f.enabled)
    print(f"{config.path}: OK ({len(config.feeds)} feeds, {enabled} enabled)")
    return 0


def cmd_poll(config: Config, args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from monitor.service import poll_once

    known = {f.id for f in config.feeds}
    unknown = [i for i in args.feed if i not in known]
    if unknown:
        raise UsageError(
            f"--feed: no feed with id {', '.join(map(repr, unknown))} in {config.path}"
        )
    feeds = [f for f in config.feeds if (f.id in args.feed if args.feed else f.enabled)]
    matcher = build_matcher(config)
    alerting = Alerting(config, environ)

    async def poll_and_dispatch() -> tuple[list[PollReport], DispatchReport]:
        reports = await poll_once(config, store, matcher, feeds, utcnow, alerting.router)
        # Sources that started failing, fell silent or recovered are told in this run.
        check_health(store, config.health, alerting.settings, utcnow(),
                     feeds=[f.id for f in feeds])  # fmt: skip
        # Urgent alerts leave before the command exits, and retries that are due with them.
        async with alerting.dispatcher(store, utcnow, **dispatch_options(environ)) as d:
            return reports, await d.dispatch_due(("webhook", "notice"))

    with open_store(environ, config) as store:
        reports, sent = asyncio.run(poll_and_dispatch())
    failed = [r for r in reports if r.failed]
    for r in failed:
        print(f"{r.feed_id}: {r.error}", file=sys.stderr)
    for problem in sent.problems:
        print(problem, file=sys.stderr)
    new = sum(r.new_items for r in reports)
    print(f"polled {len(reports)} feeds: {new} new items, {len(failed)} failed")
    if sent.sent or sent.problems:
        print(f"alerts: {sent.sent} sent, {sent.retried} to retry, {sent.failed} failed")
    return 1 if reports and len(failed) == len(reports) else 0


def cmd_run(config: Config, environ: Mapping[str, str]) -> int:
    from monitor.service import run_service

    def load(current: Config | None = None) -> Rules:
        fresh = current or load_config(config.path, environ)
        return Rules(fresh, build_matcher(fresh), Alerting(fresh, environ))

    rules = load(config)

    async def run() -> None:
        async with rules.alerting.dispatcher(store, utcnow, **dispatch_options(environ)) as d:
            await run_service(rules, store, utcnow, dispatcher=d, reload=load)

    with open_store(environ, config) as store:
        asyncio.run(run())
    return 0


def cmd_rematch(config: Config, args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from monitor.rematch import rematch_command

    since = parse_since(args.since)
    with open_store(environ, config) as store:
        return rematch_command(config, store, environ, utcnow, since=since, alert=args.alert)


def cmd_digest(config: Config, args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    now = parse_since(args.now, "--now")
    clock = (lambda: now) if now is not None else utcnow
    with open_store(environ, config) as store:
        return alert_commands.digest(
            Alerting(config, environ), store, clock, only=args.digest, preview=args.preview,
            **dispatch_options(environ),
        )  # fmt: skip


def cmd_deliveries(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    with open_store(environ, None) as store:
        if args.action == "retry":
            return alert_commands.deliveries_retry(store, utcnow, args.id)
        return alert_commands.deliveries_list(
            store, utcnow, state=args.state, as_json=args.json, limit=args.limit
        )


def cmd_status(args: argparse.Namespace, environ: Mapping[str, str], config: Config | None) -> int:
    with open_store(environ, config) as store:
        feeds = store.feed_statuses()
        deliveries = store.outbox_summary()
    if args.json:
        import json

        print(json.dumps(report.status_json(feeds, deliveries), ensure_ascii=False, indent=2))
    else:
        print(report.status_text(feeds, deliveries, utcnow()))
    return 0


def cmd_export(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    since = parse_since(args.since)
    with open_store(environ, None) as store:
        render = report.export_csv if args.format == "csv" else report.export_jsonl
        for chunk in render(store.iter_items(since)):
            sys.stdout.write(chunk)
    return 0


def cmd_match(config: Config, args: argparse.Namespace) -> int:
    from monitor.offline import match_lines

    matcher = build_matcher(config)
    feeds = {f.id: f for f in config.feeds}
    name = "<stdin>" if str(args.file) == "-" else str(args.file)
    try:
        if name == "<stdin>":
            lines = sys.stdin.read().splitlines()
        else:
            lines = args.file.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{name}: cannot read: {e}") from e
    # Everything is checked before anything is printed: a bad line 900 must not leave a
    # script holding 899 results it might take for the whole file.
    for out in list(match_lines(lines, name, matcher, feeds)):
        print(out)
    return 0


def _load(args: argparse.Namespace, environ: Mapping[str, str]) -> Config:
    return load_config(config_path(args.config, environ), environ)


def _try_load(args: argparse.Namespace, environ: Mapping[str, str]) -> Config | None:
    """For read-only commands: the config if it is valid, else None (status still works)."""
    try:
        return _load(args, environ)
    except ConfigError:
        return None


def dispatch(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    match args.command:
        case "check":
            return cmd_check(_load(args, environ))
        case "poll":
            return cmd_poll(_load(args, environ), args, environ)
        case "run":
            return cmd_run(_load(args, environ), environ)
        case "status":
            return cmd_status(args, environ, _try_load(args, environ))
        case "export":
            return cmd_export(args, environ)
        case "match":
            return cmd_match(_load(args, environ), args)
        case "digest":
            return cmd_digest(_load(args, environ), args, environ)
        case "deliveries":
            return cmd_deliveries(args, environ)
        case "rematch":
            return cmd_rematch(_load(args, environ), args, environ)
        case "feeds":
            return feed_commands.run(args, environ, config_path(args.config, environ))
        case "stories":
            with open_store(environ, None) as store:
                return story_commands.stories(store, parse_since(args.since), args.json)
        case "person":
            config = _load(args, environ)
            with open_store(environ, None) as store:
                return story_commands.person(config, store, args.name, args.json)
    raise UsageError(f"unknown command {args.command!r}")


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    env = os.environ if environ is None else environ
    args = _parser().parse_args(argv)
    logs.configure(debug=args.debug, fmt=args.log_format)
    try:
        return dispatch(args, env)
    except ConfigError as e:
        for problem in e.problems:
            print(problem, file=sys.stderr)
        print(f"{len(e.problems)} problem(s) in the configuration", file=sys.stderr)
        return 2
    except (UsageError, InputError) as e:
        print(f"monitor: {e}", file=sys.stderr)
        return 2
    except (MonitorError, StorageError, DeliveryError) as e:
        if args.debug:
            log.exception("failed")
        print(f"monitor: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``monitor export | head``): not an error. Point stdout at
        # devnull so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
