"""A feed that is not in feeds.yaml, with the file's ``defaults`` applied, for trying
an address before adding it (``monitor feeds test URL``).

``Config`` keeps the defaults only inside each feed, so they are read here from the
(already validated) file, through the same schema kinds that ``load_config`` uses.
Must not: report problems (the file is valid) or write anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from monitor.config.kinds import Invalid
from monitor.config.located import Problems
from monitor.config.schema import BY_PATH
from monitor.config.settings import Config
from monitor.config.source import read_document
from monitor.model import FeedSettings


def unlisted_feed(config: Config, feed_id: str, url: str, name: str) -> FeedSettings:
    """``url`` as a feed with every optional key left to its default."""
    document = read_document(config.path, Problems(str(config.path)))
    data = document.data if document is not None else None
    raw = data.get("defaults") if isinstance(data, Mapping) else None
    defaults: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    return FeedSettings(
        id=feed_id,
        url=url,
        name=name,
        language=_default(defaults, "language"),
        interval=_default(defaults, "interval"),
        timeout=_default(defaults, "timeout"),
    )


def _default(defaults: Mapping[str, Any], name: str) -> Any:
    setting = BY_PATH[f"defaults.{name}"]
    value = defaults.get(name)
    if value is not None:
        try:
            return setting.kind.read(value)
        except Invalid:
            pass
    return setting.default
