"""``monitor feeds``: list, add, test, remove, import and export feeds (placeholder: the
commands land with the operators' issue)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Adds ``monitor feeds ACTION`` to the command parser."""
    feeds = sub.add_parser("feeds", parents=[common], help="list, add, test and remove feeds")
    feeds.add_subparsers(dest="action", required=True, metavar="ACTION")


def run(args: argparse.Namespace, environ: Mapping[str, str], config: Path) -> int:
    """Runs the ``monitor feeds`` action in ``args`` on the config file ``config``."""
    raise NotImplementedError(args.action)
