"""Kinds of value with a format of their own: durations, sizes, addresses, codes, zones.

Each reads one value and either returns it (converted where the program needs another
form: seconds, bytes) or raises ``Invalid`` with a message that completes a sentence
starting with the key's name. The message says what was expected, what was found and,
where a near miss is likely, what was probably meant.

Must not: read files or the environment, import YAML, or echo a value that may be a
secret (``EnvName`` never repeats what it was given).
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from monitor.config.countries import COUNTRY_CODES, COUNTRY_HINTS
from monitor.config.kinds import Invalid, Kind, did_you_mean, found
from monitor.config.units import format_duration, format_size, parse_duration, parse_size

EMAIL_RE = re.compile(r"[^@\s<>(),;:\"\[\]\\]+@[\w-]+(\.[\w-]+)*")
ENV_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

LANGUAGE_HINTS = {
    "english": "en",
    "persian": "fa",
    "farsi": "fa",
    "kurdish": "ku",
    "arabic": "ar",
    "french": "fr",
    "german": "de",
    "turkish": "tr",
    "azerbaijani": "az",
}


@dataclass(frozen=True)
class Duration(Kind):
    """A length of time: 30s, 15m, 2h, 1d, 1h30m, or a plain number of seconds."""

    low: float = 0.0  # 0 means "more than nothing"; otherwise inclusive
    high: float | None = None

    def doc(self) -> str:
        return "duration"

    def expected(self) -> str:
        return "a duration such as 30s, 15m, 2h or 1d"

    def read(self, value: object) -> Any:
        seconds = parse_duration(value)
        if seconds is None:
            raise self.mismatch(value)
        shown = value.strip() if isinstance(value, str) else format_duration(seconds)
        if seconds <= 0 or seconds < self.low:
            least = f"at least {format_duration(self.low)}" if self.low else "more than 0s"
            raise Invalid(f"must be {least}; found {shown}")
        if self.high is not None and seconds > self.high:
            raise Invalid(f"must be at most {format_duration(self.high)}; found {shown}")
        return seconds


@dataclass(frozen=True)
class Size(Kind):
    """A number of bytes: 512KB, 10MB, 1GiB (KB = 1000, KiB = 1024), or plain bytes."""

    low: int
    high: int

    def doc(self) -> str:
        return "size"

    def expected(self) -> str:
        return "a size such as 512KB, 10MB or 1GiB"

    def read(self, value: object) -> Any:
        size = parse_size(value)
        if size is None:
            raise self.mismatch(value)
        if not self.low <= size <= self.high:
            raise Invalid(
                f"must be from {format_size(self.low)} to {format_size(self.high)};"
                f" found {found(value)}"
            )
        return size


def url_problem(url: str) -> str | None:
    """Why ``url`` is not a usable http(s) feed address, or None when it is."""
    if any(c.isspace() for c in url):
        return "must be an http:// or https:// address without spaces"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return f"must be an http:// or https:// address; found {found(url)}"
    if not parts.scheme:
        return (
            f'must be an absolute address starting with https:// or http://; found "{url}"'
            " (a relative address or no scheme)"
        )
    if parts.scheme.lower() not in ("http", "https"):
        return (
            f'uses the scheme "{parts.scheme}:", which is not allowed; only http and https'
            " addresses can be fetched"
        )
    if not parts.hostname:
        return f'must name a host, as in https://example.org/feed; found "{url}"'
    if parts.username is not None or parts.password is not None:
        # Not echoed: the user-info part may hold a password.
        return (
            "must not contain a user name or password (user@host); feeds.yaml holds no"
            " secrets"
        )
    return None


@dataclass(frozen=True)
class HttpUrl(Kind):
    """An absolute http:// or https:// address with a host and no credentials."""

    def doc(self) -> str:
        return "URL"

    def expected(self) -> str:
        return "an http:// or https:// address"

    def read(self, value: object) -> Any:
        if not isinstance(value, str) or not value.strip():
            raise self.mismatch(value)
        problem = url_problem(value.strip())
        if problem:
            raise Invalid(problem)
        return value.strip()


@dataclass(frozen=True)
class Language(Kind):
    """A language tag such as en, fa, ckb or pt-BR (lower-case primary subtag)."""

    def doc(self) -> str:
        return "language code"

    def expected(self) -> str:
        return "a language code such as en or fa"

    def read(self, value: object) -> Any:
        if isinstance(value, str) and re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*", value):
            return value
        hint = ""
        if isinstance(value, str):
            if value.casefold() in LANGUAGE_HINTS:
                hint = f'; did you mean "{LANGUAGE_HINTS[value.casefold()]}"?'
            elif re.fullmatch(r"[A-Za-z]{2,3}", value):
                hint = f'; did you mean "{value.lower()}"?'
        raise self.mismatch(value, hint)


@dataclass(frozen=True)
class Country(Kind):
    """An ISO 3166-1 alpha-2 code in upper case, such as IR."""

    def doc(self) -> str:
        return "country code"

    def expected(self) -> str:
        return "a two-letter ISO 3166 country code in upper case, such as IR"

    def read(self, value: object) -> Any:
        if isinstance(value, str) and value in COUNTRY_CODES:
            return value
        hint = ""
        if isinstance(value, str):
            if value.upper() in COUNTRY_CODES:
                hint = f'; did you mean "{value.upper()}"?'
            elif value.upper() in COUNTRY_HINTS:
                hint = f'; did you mean "{COUNTRY_HINTS[value.upper()]}"?'
        raise self.mismatch(value, hint)


@dataclass(frozen=True)
class Email(Kind):
    """An e-mail address; with ``display_name``, also "Name <address>"."""

    display_name: bool = False

    def doc(self) -> str:
        return "e-mail address"

    def expected(self) -> str:
        if self.display_name:
            return 'an e-mail address such as "Rights Monitor <monitor@example.org>"'
        return "an e-mail address such as desk@example.org"

    def read(self, value: object) -> Any:
        # Control characters would let a value add lines to a message header.
        if not isinstance(value, str) or any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise self.mismatch(value)
        text = value.strip()
        if EMAIL_RE.fullmatch(text):
            return text
        if self.display_name and text.endswith(">"):
            name, address = parseaddr(text)
            if name and EMAIL_RE.fullmatch(address):
                return text
        raise self.mismatch(value)


@dataclass(frozen=True)
class EnvName(Kind):
    """The name of an environment variable (never its value, never echoed back)."""

    def doc(self) -> str:
        return "environment variable name"

    def expected(self) -> str:
        return "the name of an environment variable such as SMTP_PASSWORD"

    def read(self, value: object) -> Any:
        if isinstance(value, str) and ENV_NAME_RE.fullmatch(value):
            return value
        # Not echoed: a wrong value here is often the secret itself.
        raise Invalid(
            f"must be {self.expected()} (letters, digits and _, not starting with a"
            " digit); put the secret itself in that variable, not in this file"
        )


@dataclass(frozen=True)
class TimeOfDay(Kind):
    """A time of day "HH:MM" (24-hour); returned zero-padded."""

    def doc(self) -> str:
        return "time of day"

    def expected(self) -> str:
        return 'a time of day in quotes, such as "07:00"'

    def read(self, value: object) -> Any:
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", value) if isinstance(value, str) else None
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise self.mismatch(value)
        return f"{int(match[1]):02d}:{match[2]}"


@dataclass(frozen=True)
class TimeZone(Kind):
    """An IANA time zone name such as Europe/Paris or Asia/Tehran."""

    def doc(self) -> str:
        return "time zone"

    def expected(self) -> str:
        return "a time zone name such as Asia/Tehran or UTC"

    def read(self, value: object) -> Any:
        if not isinstance(value, str) or not value:
            raise self.mismatch(value)
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            hint = did_you_mean(value, sorted(zoneinfo.available_timezones()))
            raise self.mismatch(value, hint) from None
        return value
