"""Comment-preserving edits of feeds.yaml (table-driven on many ways of writing the
file), and the validated write that never replaces the file with an invalid one."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from monitor.config import load_config
from monitor.config.edit import (
    EditError,
    NewFeed,
    WriteError,
    append_feeds,
    read_text,
    remove_feed,
    write_checked,
    yaml_text,
)
from monitor.config.layout import LayoutError, feeds_layout

NEW = NewFeed(id="new", url="https://new.example/feed", name="New: the feed", label="ngo",
              tags=("iran",))  # fmt: skip
NEW_LINES = [
    "- id: new",
    '  name: "New: the feed"',
    "  url: https://new.example/feed",
    "  label: ngo",
    "  tags: [iran]",
]


def entry(indent: int, dash_gap: int = 1) -> str:
    first = " " * indent + "-" + " " * dash_gap + NEW_LINES[0][2:] + "\n"
    key = indent + 1 + dash_gap
    return first + "".join(" " * key + line[2:] + "\n" for line in NEW_LINES[1:])


CASES = {
    "block list, comments after": (
        "version: 1\nfeeds:\n  - id: a\n    url: https://a.example/  # c\n"
        "  # closing comment\n# topics header\ntopics: []\n",
        "version: 1\nfeeds:\n  - id: a\n    url: https://a.example/  # c\n" + entry(2)
        + "  # closing comment\n# topics header\ntopics: []\n",
    ),
    "indentless list, wide gap": (
        "version: 1\nfeeds:\n-   id: a\n    url: https://a.example/\n",
        "version: 1\nfeeds:\n-   id: a\n    url: https://a.example/\n" + entry(0, 3),
    ),
    "blank lines between entries": (
        "version: 1\nfeeds:\n  - id: a\n    url: https://a.example/\n\n"
        "  - id: b\n    url: https://b.example/\n\ntopics: []\n",
        "version: 1\nfeeds:\n  - id: a\n    url: https://a.example/\n\n"
        "  - id: b\n    url: https://b.example/\n\n" + entry(2) + "\ntopics: []\n",
    ),
    "last entry ends in a folded scalar and a block list": (
        "version: 1\nfeeds:\n  - id: a\n    url: https://a.example/\n    name: >-\n"
        "      A\n      # not a comment\n\n    tags:\n      - x\n\n# end\n",
        "version: 1\nfeeds:\n  - id: a\n    url: https://a.example/\n    name: >-\n"
        "      A\n      # not a comment\n\n    tags:\n      - x\n" + entry(2) + "\n# end\n",
    ),
    "empty feeds key with a comment": (
        "version: 1\nfeeds:   # none yet\ntopics: []\n",
        "version: 1\nfeeds:   # none yet\n" + entry(2) + "topics: []\n",
    ),
    "feeds: [] becomes a list": (
        "version: 1\nfeeds: []  # none yet\n",
        "version: 1\nfeeds:  # none yet\n" + entry(2),
    ),
    "feeds: ~": ("version: 1\nfeeds: ~\n", "version: 1\nfeeds:\n" + entry(2)),
    "no feeds key, no final newline": (
        "version: 1\ntopics: []", "version: 1\ntopics: []\nfeeds:\n" + entry(2),
    ),
}


@pytest.mark.parametrize(("before", "after"), CASES.values(), ids=CASES.keys())
def test_append(before: str, after: str, tmp_path: Path) -> None:
    edited = append_feeds(before, [NEW])
    assert edited.text == after
    path = tmp_path / "feeds.yaml"
    path.write_text(edited.text, encoding="utf-8")
    assert load_config(path, {}).feeds[-1].id == "new"


def test_remove_each_entry_gives_back_the_other_lines() -> None:
    before, after = CASES["blank lines between entries"]
    both = append_feeds(before, [NEW]).text
    assert remove_feed(both, "new").text == before.replace("\ntopics", "\n\ntopics")
    assert remove_feed(after, "a").text.startswith("version: 1\nfeeds:\n\n  - id: b\n")
    with pytest.raises(EditError, match='no feed with id "zz"'):
        remove_feed(before, "zz")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: 1\nfeeds: [{id: a, url: 'https://a.example/'}]\n", r"one \[\.\.\.\] list"),
        ("{version: 1}\n", "top level"),
        ("version: 1\nfeeds: nope\n", "not a list"),
        ("version: 1\nfeeds: [\n", "not valid YAML"),
    ],
)
def test_layouts_not_edited(text: str, message: str) -> None:
    with pytest.raises(LayoutError, match=message):
        feeds_layout(text)


@pytest.mark.parametrize(
    ("value", "written"),
    [("Iran Human Rights (IHRNGO)", "Iran Human Rights (IHRNGO)"),
     ("HRANA (هرانا)", "HRANA (هرانا)"),
     ("yes", "yes"), ("true", '"true"'), ("2024", '"2024"'), ("a: b", '"a: b"'),
     ("#1 news", '"#1 news"'), (" padded", '" padded"'), ('say "hi"\n', '"say \\"hi\\"\\n"'),
     ("https://x.example/a#frag", "https://x.example/a#frag"), ("- item", '"- item"')],
)
def test_values_are_written_so_they_read_back(value: str, written: str) -> None:
    assert yaml_text(value) == written


def test_an_invalid_result_is_never_written(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_bytes(b"\xef\xbb\xbfversion: 1\nfeeds:\n  - id: a\n    url: https://a.example/\n")
    raw, text, bom = read_text(path)
    assert bom and text.startswith("version")
    bad = append_feeds(text, [NewFeed(id="a", url="https://b.example/", interval="1s")]).text
    with pytest.raises(EditError) as caught:
        write_checked(path, raw, bad, bom=bom, environ={}, check=lambda c: None)
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith(f"{path}:5:") and 'duplicate feed id "a"' in m for m in messages)
    assert any("interval" in m and "at least 30s" in m for m in messages)
    with pytest.raises(EditError, match="did not come out as intended"):
        write_checked(path, raw, append_feeds(text, [NEW]).text, bom=bom, environ={},
                      check=lambda c: "wrong ids")  # fmt: skip
    with pytest.raises(EditError, match="changed by someone else"):
        write_checked(path, b"older", append_feeds(text, [NEW]).text, bom=bom, environ={},
                      check=lambda c: None)  # fmt: skip
    assert path.read_bytes() == raw
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feeds.yaml"]  # no temporary left
    write_checked(path, raw, append_feeds(text, [NEW]).text, bom=bom, environ={},
                  check=lambda c: None)  # fmt: skip
    assert path.read_bytes().startswith(raw) and path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_symlinked_config_keeps_its_link_and_mode(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text("version: 1\nfeeds:\n", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "feeds.yaml"
    link.symlink_to(real)
    raw, text, bom = read_text(link)
    write_checked(link, raw, append_feeds(text, [NEW]).text, bom=bom, environ={},
                  check=lambda c: None)  # fmt: skip
    assert link.is_symlink() and "id: new" in real.read_text()
    assert real.stat().st_mode & 0o777 == 0o640


def test_a_bind_mounted_file_is_written_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A container's single-file bind mount cannot be replaced (EBUSY): the checked
    # bytes are written into the file instead.
    path = tmp_path / "feeds.yaml"
    path.write_text("version: 1\nfeeds:\n", encoding="utf-8")
    inode = path.stat().st_ino

    def busy(src: object, dst: object) -> None:
        raise OSError(errno.EBUSY, "Device or resource busy")

    monkeypatch.setattr(os, "replace", busy)
    raw, text, bom = read_text(path)
    write_checked(path, raw, append_feeds(text, [NEW]).text, bom=bom, environ={},
                  check=lambda c: None)  # fmt: skip
    assert path.stat().st_ino == inode and "id: new" in path.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feeds.yaml"]


def test_a_failed_write_is_a_write_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text("version: 1\nfeeds:\n", encoding="utf-8")

    def read_only(src: object, dst: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(os, "replace", read_only)
    raw, text, bom = read_text(path)
    with pytest.raises(WriteError, match="cannot write .*Read-only file system"):
        write_checked(path, raw, append_feeds(text, [NEW]).text, bom=bom, environ={},
                      check=lambda c: None)  # fmt: skip
    assert path.read_bytes() == raw
