"""Log set-up: one line per event, as logfmt (for people) or JSON (for machines).

Owns the formatting of log records only. Fields passed with ``extra={"fields": {...}}``
are rendered after the message, so one poll is one greppable line:
``poll feed=ihrngo-en status=ok http=200 new=3 duration_ms=412``.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

FIELDS = "fields"
_OURS = "_monitor_handler"


def _logfmt_value(value: Any) -> str:
    text = "" if value is None else str(value)
    if text == "" or any(c in text for c in ' ="\n\t'):
        return json.dumps(text, ensure_ascii=False)
    return text


class LogfmtFormatter(logging.Formatter):
    """``2026-01-01T00:00:00Z INFO poll feed=x status=ok``; tracebacks follow when present."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        parts = [stamp, record.levelname, record.getMessage()]
        fields: Mapping[str, Any] = getattr(record, FIELDS, {}) or {}
        parts.extend(f"{k}={_logfmt_value(v)}" for k, v in fields.items() if v is not None)
        line = " ".join(parts)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line with ``ts``, ``level``, ``event`` and the fields."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "event": record.getMessage(),
            "logger": record.name,
        }
        out.update(getattr(record, FIELDS, {}) or {})
        if record.exc_info:
            out["traceback"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record is emitted, not when the handler
    was made: a caller that swaps stderr (tests capturing output, an embedding program)
    and closes the old one must not leave threads logging into a closed file."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass  # always sys.stderr


def configure(*, debug: bool = False, fmt: str = "text") -> None:
    """Send monitor's logs to stderr in the chosen format; quiet noisy libraries."""
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else LogfmtFormatter())
    setattr(handler, _OURS, True)
    root = logging.getLogger()
    # Replace only our own handler, so calling this twice (tests, embedding) keeps others.
    root.handlers[:] = [h for h in root.handlers if not getattr(h, _OURS, False)] + [handler]
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    for noisy in ("httpx", "httpcore", "apscheduler", "alembic", "mail.log"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if debug else logging.WARNING)
