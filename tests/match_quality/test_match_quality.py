"""bench/match_quality.py: its arithmetic, and the repository's feeds.yaml on the obvious
cases of a small labelled subset (tests/data/labelled/subset.jsonl).

No threshold on the dev set's quality here: the bench prints those figures.
"""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from monitor.config import load_config
from monitor.match import Hit
from monitor.rules import build_matcher

ROOT = Path(__file__).resolve().parents[2]
SUBSET = ROOT / "tests" / "data" / "labelled" / "subset.jsonl"
FEEDS = ROOT / "feeds.yaml"


def _load_bench() -> ModuleType:
    path = ROOT / "bench" / "match_quality.py"
    spec = importlib.util.spec_from_file_location("match_quality", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


mq = _load_bench()


# ------------------------------------------------------------------ arithmetic

# (tp, fp, fn, precision, recall, f1)
COUNTS = [
    (8, 2, 2, 0.8, 0.8, 0.8),
    (9, 0, 1, 1.0, 0.9, 2 * 0.9 / 1.9),
    (3, 1, 0, 0.75, 1.0, 2 * 0.75 / 1.75),
    (0, 0, 0, 1.0, 1.0, 1.0),  # nothing to find, nothing found
    (0, 2, 3, 0.0, 0.0, 0.0),
]


@pytest.mark.parametrize(("tp", "fp", "fn", "precision", "recall", "f1"), COUNTS)
def test_counts(tp: int, fp: int, fn: int, precision: float, recall: float, f1: float) -> None:
    c = mq.Counts(tp, fp, fn)
    assert c.precision == pytest.approx(precision)
    assert c.recall == pytest.approx(recall)
    assert c.f1 == pytest.approx(f1)


def test_counts_add() -> None:
    c = mq.Counts()
    for expected, got in [(True, True), (True, False), (False, True), (False, False)]:
        c.add(expected, got)
    assert (c.tp, c.fp, c.fn) == (1, 1, 1)
    c.add_sets({"a", "b", "c"}, {"b", "c", "d"})
    assert (c.tp, c.fp, c.fn) == (3, 2, 2)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Farshad Etemadi-Far", "farshad etemadifar"), ("Varişe Moradi", "Varise MORADI")],
)
def test_name_key(a: str, b: str) -> None:
    assert mq.name_key(a) == mq.name_key(b)


def _item(id: str, death: bool, execution: bool, people: tuple[str, ...] = (),
          summary: str = "", uncertain: bool = False) -> Any:
    return mq.Labelled(id=id, language="en", title="", summary=summary,
                       expected={"death_sentence": death, "execution": execution},
                       people=people, uncertain=uncertain, uncertain_note="")


def _hits(*keys: str) -> tuple[Hit, ...]:
    return tuple(Hit("topic" if k.islower() else "person", k, "urgent", ()) for k in keys)


WATCHLIST = mq.Watchlist.of([
    {"name": "Pakhshan Azizi", "aliases": ["پخشان عزیزی"]},
    {"name": "Ebrahim Raisi", "aliases": []},
])


def test_score_counts_topics_and_only_watchlist_people() -> None:
    results = [
        # TP death_sentence, FN execution; Pakhshan found; "Nobody Else" is not on the
        # watchlist and is ignored
        mq.Result(_item("a", True, True, ("Pakhshan Azizi", "Nobody Else"),
                        summary="Pakhshan Azizi"), _hits("death_sentence", "Pakhshan Azizi"),
                  WATCHLIST),
        # FP on both topics; Raisi found though not labelled: a people FP
        mq.Result(_item("b", False, False), _hits("death_sentence", "execution", "Ebrahim Raisi"),
                  WATCHLIST),
        # Raisi labelled but not in the text: a FN for people, not for people in text
        mq.Result(_item("c", False, True, ("Ebrahim Raisi",), summary="nothing here"),
                  _hits("execution"), WATCHLIST),
    ]
    s = mq.score(results)
    assert s.items == 3
    ds, ex = s.topics["death_sentence"], s.topics["execution"]
    assert (ds.tp, ds.fp, ds.fn) == (1, 1, 0)
    assert (ex.tp, ex.fp, ex.fn) == (1, 1, 1)
    assert (s.people.tp, s.people.fp, s.people.fn) == (1, 1, 1)
    assert (s.people_in_text.tp, s.people_in_text.fp, s.people_in_text.fn) == (1, 1, 0)
    assert s.ignored_names == 1


def test_mentioned_in_any_script_and_close_spelling() -> None:
    wl = mq.Watchlist.of([{"name": "Amir Raesian", "aliases": ["امیر رئیسیان"]}])
    assert wl.mentioned("Amir Raesian", _item("x", False, False, summary="lawyer Amir Raisian"))
    assert wl.mentioned("Amir Raesian", _item("x", False, False, summary="وکیل، امیر رئیسیان"))
    assert not wl.mentioned("Amir Raesian", _item("x", False, False, summary="the lawyer said"))


# ------------------------------------------------------------------------ items


def test_read_items() -> None:
    items = {i.id: i for i in mq.read_items(SUBSET, ("en", "fa", "ar"))}
    assert len(items) == 13
    assert items["ev064"].title == ""  # constructed title: summary only
    assert items["ev029"].title.startswith("Report on horrific")
    assert items["ev148"].uncertain and items["ev148"].uncertain_note
    assert items["ev031"].expected == {"death_sentence": True, "execution": False}
    assert [i.id for i in mq.read_items(SUBSET, ("ar",))] == ["ev074"]


# --------------------------------------------- the repository's feeds.yaml


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    return {r.item.id: r for r in mq.measure(FEEDS, SUBSET, None)}


def test_repository_feeds_yaml_loads_and_builds() -> None:
    config = load_config(FEEDS)
    build_matcher(config)
    ids = {t["id"] for t in config.topics}
    assert {"death_sentence", "execution"} <= ids
    assert {t["severity"] for t in config.topics if t["id"] in ("death_sentence", "execution")} == {
        "urgent"
    }


# (item, topics that must fire, topics that must not, people exactly)
OBVIOUS = [
    ("ev029", {"death_sentence"}, {"execution"}, {"Ismael She Bakhsh"}),
    ("ev031", {"death_sentence", "imminent_execution"}, {"execution"},
     {"Pakhshan Azizi", "Varisheh Moradi"}),
    ("ev064", {"death_sentence", "moharebeh_charges"}, {"execution"}, {"Mai Sato"}),
    ("ev074", {"execution"}, set(), {"Behrouz Ehsani", "Mehdi Hassani"}),
    ("ev124", {"execution"}, set(), {"Jamshid Sharmahd"}),
    ("ev148", {"death_sentence"}, {"execution"}, {"Sharifeh Mohammadi", "Amir Raesian"}),
    # hard negatives
    ("ev054", set(), {"death_sentence", "execution"}, set()),
    ("ev095", set(), {"death_sentence", "execution", "massacre_1988"}, set()),
    ("ev096", set(), {"death_sentence", "execution"}, set()),
    ("ev112", set(), {"death_sentence", "execution", "massacre_1988"}, {"Ebrahim Raisi"}),
    ("ev132", set(), {"death_sentence", "execution"}, set()),
    ("ev139", set(), {"death_sentence", "execution"}, set()),
    ("ev156", set(), {"death_sentence", "execution", "political_prisoners"}, set()),
]


@pytest.mark.parametrize(("item", "fire", "quiet", "people"), OBVIOUS, ids=[o[0] for o in OBVIOUS])
def test_obvious_cases(results: dict[str, Any], item: str, fire: set[str], quiet: set[str],
                       people: set[str]) -> None:
    r = results[item]
    got = set(r.topics)
    assert fire <= got
    assert not quiet & got
    assert set(r.people_found) == people


def test_report_is_consistent_with_the_labels(results: dict[str, Any]) -> None:
    rs = list(results.values())
    s = mq.score(rs)
    for t in mq.TOPICS:
        positives = sum(r.item.expected[t] for r in rs)
        fired = sum(t in r.topics for r in rs)
        assert s.topics[t].tp + s.topics[t].fn == positives
        assert s.topics[t].tp + s.topics[t].fp == fired
    sure = mq.score(r for r in rs if not r.item.uncertain)
    assert sure.items == s.items - 1


def test_main_prints_every_section(capsys: pytest.CaptureFixture[str]) -> None:
    assert mq.main(["--data", str(SUBSET)]) == 0
    out = capsys.readouterr().out
    for heading in ("all items (13 items)", "without uncertain labels (12 items)", "[ar]",
                    "[fa]", "[en]", "uncertain labels (1 items)", "errors, death_sentence:",
                    "errors, execution:", "errors, people (watchlist only):"):
        assert heading in out
    for row in ("death_sentence", "execution", "people", "people in text"):
        assert f"\n  {row} " in out


def test_report_lists_errors_with_evidence() -> None:
    item = _item("z", False, True, summary="x")
    out = io.StringIO()
    mq.report([mq.Result(item, (Hit("topic", "death_sentence", "urgent", ("hanged",)),),
                         WATCHLIST)], out)
    text = out.getvalue()
    assert "FP z [en] expected False, got True; evidence: hanged" in text
    assert "FN z [en] expected True, got False; evidence: -" in text


def test_bad_config_is_reported_not_raised(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "feeds.yaml"
    bad.write_text("version: 1\nfeeds: []\ntopics:\n  - id: t\n    query: (a\n",
                   encoding="utf-8")
    assert mq.main(["--config", str(bad), "--data", str(SUBSET)]) == 2
    assert "never closed" in capsys.readouterr().err
