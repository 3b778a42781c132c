"""The schema table is consistent with itself: parents exist, defaults are valid."""

from __future__ import annotations

import pytest

from monitor.config import SETTINGS, Setting
from monitor.config.kinds import AllOrList, ListOf, Records, Section
from monitor.config.schema import BY_PATH


@pytest.mark.parametrize("setting", SETTINGS, ids=[s.path for s in SETTINGS])
def test_setting_sits_in_a_section_or_record(setting: Setting) -> None:
    if not setting.parent:
        return
    parent = BY_PATH[setting.parent.removesuffix("[]")]
    wanted = Records if setting.parent.endswith("[]") else Section
    assert isinstance(parent.kind, wanted)


@pytest.mark.parametrize("setting", SETTINGS, ids=[s.path for s in SETTINGS])
def test_default_is_a_valid_value(setting: Setting) -> None:
    assert not (setting.required and (setting.default is not None or setting.default_doc))
    assert setting.help.endswith(".")
    if setting.default is None or isinstance(setting.kind, Section | Records):
        return
    if isinstance(setting.kind, ListOf | AllOrList):
        default = setting.default
        assert default == "all" or (
            isinstance(default, tuple) and all(setting.kind.item.read(v) == v for v in default)
        )
        return
    assert setting.kind.read(setting.default) == setting.default
