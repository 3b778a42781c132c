"""docs/configuration.md documents every key of the schema table (as datasette does)."""

from __future__ import annotations

import re
from pathlib import Path

from monitor.config import SETTINGS

DOC = Path(__file__).parents[2] / "docs" / "configuration.md"


def test_every_schema_key_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [s.path for s in SETTINGS if f"`{s.path}`" not in text]
    assert not missing, f"not in {DOC.name}: {missing}"


def test_every_documented_key_exists() -> None:
    text = DOC.read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z_.\[\]]+)` \|", text, re.M)
    known = {s.path for s in SETTINGS}
    assert rows and not [row for row in rows if row not in known]
