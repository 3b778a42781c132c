"""people_files: CSV watchlists, read with problems located in the CSV file."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config import load_config
from monitor.errors import ConfigError

CONFIG = """\
version: 1
feeds: []
people:
  - name: Behrouz Ehsani
people_files: [people.csv]
"""


def write(tmp_path: Path, csv_text: str, config: str = CONFIG) -> Path:
    (tmp_path / "people.csv").write_text(csv_text, encoding="utf-8")
    path = tmp_path / "feeds.yaml"
    path.write_text(config, encoding="utf-8")
    return path


def test_people_files_are_read_after_the_yaml_people(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "\ufeffname,aliases,severity,notes\n"
        "Varisheh Moradi,Verisheh Moradi; وریشه مرادی,urgent,Evin\n"
        "\n"
        "Pakhshan Azizi,پخشان عزیزی,,\n",
    )
    config = load_config(path, {})
    assert [p["name"] for p in config.all_people] == [
        "Behrouz Ehsani", "Varisheh Moradi", "Pakhshan Azizi",
    ]  # fmt: skip
    varisheh = config.file_people[0]
    assert varisheh["aliases"] == ("Verisheh Moradi", "وریشه مرادی")
    assert varisheh["severity"] == "urgent"
    assert varisheh["source"] == (str(tmp_path / "people.csv"), 2)
    assert config.file_people[1]["severity"] == "digest"
    assert config.file_people[1]["allow_single_word"] is False


@pytest.mark.parametrize(
    ("csv_text", "expected"),
    [
        ("aliases\nx\n", ['people.csv:1:1: people file needs a "name" column']),
        (
            "name,alias\nA B,x\n",
            ['people.csv:1:6: unknown column "alias"; did you mean "aliases"?'],
        ),
        ("name,severity\nA B,loud\n", ['people.csv:2:5: severity of "A B" is "loud"']),
        ("name,aliases\n,x\n", ["people.csv:2:1: empty name"]),
        ("name\nA B\na b\n", ['people.csv:3:1: "a b" is listed twice; the first is in']),
        (
            "name\nBehrouz Ehsani\n",
            ['people.csv:2:1: "Behrouz Ehsani" is listed twice; the first is in feeds.yaml'],
        ),
        ("", ["people.csv:1:1: people file is empty"]),
        ("name,allow_single_word\nA,maybe\n", ['people.csv:2:3: allow_single_word of "A"']),
        ("name,role\nA B,judge\n", ['people.csv:2:5: role of "A B" is "judge"']),
    ],
)
def test_people_file_problems_are_located_in_the_csv(
    tmp_path: Path, csv_text: str, expected: list[str]
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, csv_text), {})
    got = [str(p).replace(str(tmp_path) + "/", "") for p in caught.value.problems]
    assert len(got) == len(expected), got
    for line, want in zip(got, expected, strict=True):
        assert line.startswith(want), (line, want)


def test_invalid_utf8_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    (tmp_path / "people.csv").write_bytes(b"name\nA\n\xff\xfe bad\n")
    with pytest.raises(ConfigError, match=r"people.csv:3:1: people file is not UTF-8"):
        load_config(path, {})


def test_digest_may_name_a_person_from_a_people_file(tmp_path: Path) -> None:
    config = CONFIG + (
        "alerts:\n  smtp: {host: localhost, from: m@example.org}\n  digests:\n"
        "    - {id: d, to: [a@example.org], at: '07:00', timezone: UTC,"
        " people: [Pakhshan Azizi, Nobody Here]}\n"
    )
    path = write(tmp_path, "name\nPakhshan Azizi\n", config)
    with pytest.raises(ConfigError) as caught:
        load_config(path, {})
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == (
        9,
        89,
    ) and 'the person "Nobody Here"' in problem.message
