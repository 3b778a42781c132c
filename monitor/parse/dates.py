"""An item's date: the best one the feed gives, in UTC, or the fetch time.

Owns the choice published > updated > created and the rule that a missing date or
one too far in the future (a wrong server clock, a scheduled post, a typo'd year)
falls back to the fetch time, flagged so that nobody mistakes it for the source's
own date.

Must not: reimplement feedparser's date parsing. feedparser turns every format it
knows into a UTC ``time.struct_time``; this module only chooses, checks, and reads
the one common shape feedparser misses: an RFC 822 date with localised day and month
names or non-ASCII digits ("Seg, 24 Set 2018 19:42:40 -0300" on UOL, Persian digits).
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

# A feed date up to this far ahead of our clock is believed (time zones mislabelled
# by a few hours are common); beyond it the date is not trusted.
FUTURE_TOLERANCE = timedelta(days=1)
_DATE_KEYS = ("published", "updated", "created")
# Localised month abbreviations (pt, es, fr, de, it) -> the English ones RFC 822 wants.
# fmt: off
_MONTHS = {
    "fev": "Feb", "févr": "Feb", "fevr": "Feb", "abr": "Apr", "avr": "Apr", "mai": "May",
    "mag": "May", "juin": "Jun", "giu": "Jun", "juil": "Jul", "lug": "Jul", "ago": "Aug",
    "août": "Aug", "aout": "Aug", "set": "Sep", "sept": "Sep", "out": "Oct", "okt": "Oct",
    "ott": "Oct", "dez": "Dec", "dic": "Dec", "déc": "Dec", "ene": "Jan", "gen": "Jan",
    "janv": "Jan", "mär": "Mar", "mrz": "Mar", "mars": "Mar",
}
# fmt: on
# Persian and Arabic-Indic digits -> ASCII.
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_WORD = re.compile(r"[^\W\d_]+\.?")
_LEADING_DAY = re.compile(r"^\s*[^\W\d_]+\.?,?\s+(?=\d)")


def as_utc(moment: datetime) -> datetime:
    """``moment`` converted to UTC; a naive datetime is a programming error."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("fetched_at must be timezone-aware")
    return moment.astimezone(UTC)


def entry_date(entry: Mapping[str, Any], fetched_at: datetime) -> tuple[datetime, bool]:
    """Return (date in UTC, True if it is the fetch time standing in for a missing date).

    ``fetched_at`` must already be UTC (see ``as_utc``).
    """
    for key in _DATE_KEYS:
        moment = _from_struct(entry.get(key + "_parsed")) or _from_text(entry.get(key))
        if moment is None:
            continue
        if moment - fetched_at > FUTURE_TOLERANCE:
            return fetched_at, True
        return moment, False
    return fetched_at, True


def _from_struct(value: object) -> datetime | None:
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (ValueError, OverflowError):  # month 0, day 31 of February, year 0...
        return None


def _from_text(value: object) -> datetime | None:
    """An RFC 822 date that feedparser did not read because of its language or digits."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = _LEADING_DAY.sub("", value.translate(_DIGITS), count=1)
    text = _WORD.sub(lambda m: _MONTHS.get(m.group().rstrip(".").lower(), m.group()), text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:  # RFC 822 "-0000": zone unknown; UTC is the usual meaning
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
