"""Helpers for config tests: write a snippet to a file and load it."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from monitor.config import Config, load_config
from monitor.errors import ConfigError

Loader = Callable[..., Config]
Problems = Callable[..., list[str]]


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str], Path]:
    def write(text: str, name: str = "feeds.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def problems(write: Callable[[str], Path]) -> Problems:
    """Load a snippet that must fail; return its problems as "LINE:COL: message"."""

    def problems(text: str, environ: Mapping[str, str] | None = None) -> list[str]:
        path = write(text)
        with pytest.raises(ConfigError) as caught:
            load_config(path, environ if environ is not None else {})
        assert all(p.file == str(path) for p in caught.value.problems)
        return [f"{p.line}:{p.column}: {p.message}" for p in caught.value.problems]

    return problems


@pytest.fixture
def load(write: Callable[[str], Path]) -> Loader:
    """Load a snippet that must be valid."""

    def load(text: str, environ: Mapping[str, str] | None = None) -> Config:
        return load_config(write(text), environ if environ is not None else {})

    return load
