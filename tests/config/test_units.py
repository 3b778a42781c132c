"""Table-driven: durations and sizes as operators write them."""

from __future__ import annotations

import pytest

from monitor.config.units import format_duration, format_size, parse_duration, parse_size


@pytest.mark.parametrize(("text", "seconds"), [
    ("30s", 30.0), ("15m", 900.0), ("2h", 7200.0), ("1d", 86400.0), ("1h30m", 5400.0),
    ("1h 30m", 5400.0), ("2.5s", 2.5), (45, 45.0), (0.5, 0.5), ("90", 90.0), (" 15m ", 900.0),
    ("15 minutes", None), ("15M", None), ("m", None), ("", None), (True, None), ([], None),
    ("-5s", None), ("1w", None), (float("inf"), None), (float("nan"), None),
])
def test_parse_duration(text: object, seconds: float | None) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(("text", "size"), [
    ("10MB", 10_000_000), ("512KB", 512_000), ("1GiB", 1024**3), ("10MiB", 10 * 1024**2),
    ("10mb", 10_000_000), ("10 MB", 10_000_000), ("1.5MB", 1_500_000), ("100B", 100),
    (2048, 2048), ("2048", 2048), ("10 megabytes", None), ("MB", None), (1.5, None),
    (False, None), ("10TB", None),
])
def test_parse_size(text: object, size: int | None) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize(("seconds", "text"), [
    (30, "30s"), (900, "15m"), (5400, "90m"), (7200, "2h"), (86400, "1d"), (2.5, "2.5s"),
])
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize(("size", "text"), [
    (1024**3, "1GiB"), (10_000_000, "10MB"), (10 * 1024**2, "10MiB"), (1000, "1KB"),
    (1024, "1KiB"), (999, "999B"),
])
def test_format_size(size: int, text: str) -> None:
    assert format_size(size) == text
