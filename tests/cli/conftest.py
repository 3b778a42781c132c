"""Helpers for end-to-end tests: a feeds.yaml pointing at the loopback server, and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from monitor.cli import main

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Cli:
    """Runs ``monitor`` in-process (fast) or as a real subprocess, with its own env."""

    config: Path
    env: dict[str, str]

    def __call__(self, *args: str) -> int:
        return main([*args, "--config", str(self.config)], self.env)

    def subprocess(
        self, *args: str, timeout: float = 120, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "monitor", *args, "--config", str(self.config)],
            env={**os.environ, **self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            cwd=self.config.parent,
        )

    def export(self) -> list[dict[str, object]]:
        out = self.subprocess("export")
        assert out.returncode == 0, out.stderr
        return [json.loads(line) for line in out.stdout.splitlines()]

    def status(self) -> dict[str, object]:
        out = self.subprocess("status", "--json")
        assert out.returncode == 0, out.stderr
        result: dict[str, object] = json.loads(out.stdout)
        return result


def write_config(
    path: Path, feeds: Sequence[dict[str, object]], extra: str = "", **http: object
) -> Path:
    lines = ["version: 1", "http:", "  allow_private_networks: true"]
    lines += [f"  {k}: {v}" for k, v in http.items()]
    lines += ["defaults:", "  timeout: 10s", "feeds:"]
    for feed in feeds:
        first = True
        for key, value in feed.items():
            lines.append(f"  {'- ' if first else '  '}{key}: {json.dumps(value)}")
            first = False
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


@pytest.fixture
def make_cli(tmp_path: Path, database_url: str) -> Callable[..., Cli]:
    def make(feeds: Sequence[dict[str, object]], extra: str = "", **http: object) -> Cli:
        config = write_config(tmp_path / "feeds.yaml", feeds, extra, **http)
        return Cli(
            config=config, env={"MONITOR_DATABASE_URL": database_url, "PYTHONPATH": str(REPO)}
        )

    return make


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip()


def wait_for(predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    """Polls ``predicate`` until it holds (a real ``monitor run`` works in its own time)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("condition not reached in time")


def after_next_digest(at: str, timezone: str) -> str:
    """A minute after the first ``at`` ("07:00") in ``timezone`` from now: that digest's
    period holds every item polled now, and the next one is due a day later. (Now plus
    25 hours is not: run between midnight and 07:00 it is before tomorrow's digest, and
    five hours more passes it.)"""
    zone = ZoneInfo(timezone)
    hour, minute = map(int, at.split(":"))
    local = datetime.now(zone)
    due = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if due <= local:
        due += timedelta(days=1)  # aware arithmetic keeps the wall time across DST
    return (due + timedelta(minutes=1)).astimezone(UTC).isoformat()
