"""Durations and sizes as operators write them: ``15m``, ``1h30m``, ``10MB``, ``1GiB``.

Parsing returns ``None`` for anything that is not of the form (the caller words the
error); formatting gives the shortest exact spelling back, for messages and docs.
Must not: know about keys, files or messages.
"""

from __future__ import annotations

import math
import re

DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])")
_DURATION = re.compile(r"(?:\d+(?:\.\d+)?\s*[smhd]\s*)+")

# SI prefixes are powers of 1000, IEC prefixes ("KiB") powers of 1024, as printed on disks
# and by most tools that tell them apart.
SIZE_UNITS = {
    "b": 1,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
}
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?", re.IGNORECASE)


def parse_duration(value: object) -> float | None:
    """Seconds in ``value``: a number (seconds) or text such as "30s", "2h", "1h30m"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    if not _DURATION.fullmatch(text):
        return None
    return float(sum(float(n) * DURATION_UNITS[u] for n, u in _DURATION_PART.findall(text)))


def format_duration(seconds: float) -> str:
    """The shortest spelling of ``seconds`` in one unit: 900 -> "15m", 90 -> "90s"."""
    for unit in ("d", "h", "m"):
        size = DURATION_UNITS[unit]
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


def parse_size(value: object) -> int | None:
    """Bytes in ``value``: a whole number (bytes) or text such as "512KB", "1GiB"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if not isinstance(value, str):
        return None
    match = _SIZE.fullmatch(value.strip())
    if not match:
        return None
    unit = (match[2] or "b").lower()
    return int(float(match[1]) * SIZE_UNITS[unit])


def format_size(size: int) -> str:
    """The shortest exact spelling of ``size`` bytes: 10485760 -> "10MiB"."""
    for unit in ("GiB", "GB", "MiB", "MB", "KiB", "KB"):
        factor = SIZE_UNITS[unit.lower()]
        if size >= factor and size % factor == 0:
            return f"{size // factor}{unit}"
    return f"{size}B"
