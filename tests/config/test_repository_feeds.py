"""The repository's own feeds.yaml loads with no problem and no secrets."""

from __future__ import annotations

from pathlib import Path

from monitor.config import load_config
from monitor.model import SourceLabel

FEEDS_YAML = Path(__file__).parents[2] / "feeds.yaml"


def test_repository_feeds_yaml_loads_without_environment() -> None:
    config = load_config(FEEDS_YAML, {})
    assert config.alerts is None
    assert len(config.feeds) >= 12
    assert {f.language for f in config.feeds} >= {"en", "fa"}
    assert {f.label for f in config.feeds} >= {SourceLabel.UN, SourceLabel.NGO,
                                               SourceLabel.NEWS}
    assert all(f.label is not SourceLabel.OTHER for f in config.feeds)
    assert any(f.enabled for f in config.feeds)


def test_every_feed_says_how_far_its_url_is_confirmed() -> None:
    lines = FEEDS_YAML.read_text(encoding="utf-8").splitlines()
    feeds = lines[lines.index("feeds:"):lines.index("topics:")]
    ids = [n for n, line in enumerate(feeds) if line.startswith("  - id: ")]
    assert len(ids) >= 12
    for number in ids:
        line = feeds[number]
        above = []
        for previous in reversed(feeds[:number]):
            if not previous.strip().startswith("#"):
                break
            above.append(previous.lower())
        comment = " ".join(above)
        assert any(status in comment for status in (
            "checked by a third party", "seen in other projects' configs", "unverified",
        )), f"no comment saying how far the URL of {line.strip()} is confirmed"
