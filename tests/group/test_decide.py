"""decide: each reason with its score, the hard negatives, and the look-up contract."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitor.group import (
    EVENT_WINDOW,
    ItemPrint,
    decide,
    fingerprint,
    index_keys,
    is_candidate,
    lookup,
)

T0 = datetime(2025, 7, 27, 8, 0, tzinfo=UTC)
BODY = (
    "Political prisoners Behrouz Ehsani and Mehdi Hassani, sentenced to death on charges of"
    " baghi for alleged membership of the PMOI, were executed in Ghezel Hesar Prison in Karaj"
    " this morning after a grossly unfair trial at Branch 26 of the Tehran Revolutionary Court."
)
TEMPLATE = (
    "A man identified as {name} was executed in Ghezel Hesar Prison on drug-related charges."
    " According to information obtained by IHRNGO, {name}, {age}, was arrested three years"
    " ago and sentenced to death by the Revolutionary Court. His execution has not been"
    " reported by domestic media or officials in Iran."
)


def pr(
    summary: str = BODY,
    url: str | None = "https://iranhr.net/en/articles/1/",
    hours: float = 0,
    topics: tuple[str, ...] = ("execution",),
    people: tuple[str, ...] = ("Behrouz Ehsani", "Mehdi Hassani"),
    title: str = "",
    officials: tuple[str, ...] = (),
) -> ItemPrint:
    return fingerprint(title, summary, "", url, T0 + timedelta(hours=hours), topics, people,
                       officials)


CASES = [
    # (description, new, stored, expected reason)
    ("same link, other words", pr(), pr("Entirely different words here"), "same_url"),
    ("repost: lead-in, markup, two edits, tracking-free other link",
     pr("<p>NCRI reports: " + BODY.replace("grossly", "very").replace("morning", "week")
        + "</p>", url="https://ncr-iran.org/x/"), pr(), "near_duplicate"),
    ("other language, same people and topic, 20 h later",
     pr("حکم اعدام بهروز احسانی و مهدی حسنی اجرا شد", url="https://hra-news.org/a", hours=20),
     pr(), "same_event"),
    ("two of the six defendants join the report on all six",
     pr("x", url=None, people=("Pouya Ghobadi", "Babak Alipour")),
     pr("y", url=None, people=("Pouya Ghobadi", "Babak Alipour", "Vahid Bani-Amerian",
                               "Akbar Daneshvarkar", "Abolhassan Montazer")), "same_event"),
    ("same people, weeks apart: the sentence then the execution",
     pr("x", url=None, hours=24 * 30), pr("y", url=None), "new"),
    ("same people, no topic in common",
     pr("x", url=None, topics=("political_prisoners",)), pr("y", url=None), "new"),
    ("same court, same day, two defendants (share only the judge)",
     pr("x", url=None, people=("Pakhshan Azizi",), officials=("Iman Afshari",)),
     pr("y", url=None, people=("Varisheh Moradi",), officials=("Iman Afshari",)), "new"),
    ("the judge alone never makes an event",
     pr("x", url=None, people=("Iman Afshari",), officials=("Iman Afshari",)),
     pr("y", url=None, people=("Iman Afshari", "Pakhshan Azizi"), officials=("Iman Afshari",)),
     "new"),
    ("half the people shared is not enough",
     pr("x", url=None, people=("A B", "C D")), pr("y", url=None, people=("A B", "E F")), "new"),
    ("template, two men, one prison, one day: numbers differ",
     pr(TEMPLATE.format(name="Kamal Rostami", age=38), url=None, people=()),
     pr(TEMPLATE.format(name="Jafar Nouri", age=45), url=None, people=()), "new"),
    ("near-identical text about other tracked people",
     pr(BODY.replace("Behrouz Ehsani and Mehdi Hassani", "Pouya Ghobadi and Babak Alipour"),
        url=None, people=("Pouya Ghobadi", "Babak Alipour")), pr(url=None), "new"),
    ("identical bare headlines are two events",
     pr("", url=None, people=(), title="Man executed in Shiraz"),
     pr("", url=None, people=(), title="Man executed in Shiraz"), "new"),
]


@pytest.mark.parametrize(("new", "old", "reason"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_decisions(new: ItemPrint, old: ItemPrint, reason: str) -> None:
    d = decide(new, [("s1", old)])
    assert d.reason == reason
    assert d.story == (None if reason == "new" else "s1")
    assert (d.score > 0) == (reason != "new")
    assert d.why  # every decision says why


def test_strongest_reason_wins_then_best_score_then_oldest() -> None:
    new = pr()
    event = pr("z", url=None, hours=5)
    dup = pr(url="https://other.example/1")
    assert decide(new, [("e", event), ("d", dup), ("u", pr())]).story == "u"
    assert decide(new, [("e", event), ("d", dup)]).story == "d"
    assert decide(new, [("e1", event), ("e2", event)]).story == "e1"
    assert decide(new, []).story is None


def test_same_url_scores_one_and_near_duplicate_its_similarity() -> None:
    d = decide(pr(url="https://x.example/1"), [(1, pr(url="https://x.example/2"))])
    assert d.reason == "near_duplicate" and d.score == 1.0 and "similarity" in d.why
    assert decide(pr(), [(1, pr("other"))]).score == 1.0


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_every_join_is_found_by_the_lookup(case: tuple[str, ItemPrint, ItemPrint, str]) -> None:
    _, new, old, reason = case
    if reason != "new":
        assert is_candidate(new, old)
        q = lookup(new)
        stored = set(index_keys(old))
        by_person = set(q.people) & stored
        assert set(q.exact) & stored or (by_person and q.since and q.until
                                         and old.published
                                         and q.since <= old.published <= q.until)


def test_lookup_keys_and_window() -> None:
    p = pr()
    q = lookup(p)
    assert q.exact[0] == "url:iranhr.net/en/articles/1"
    assert all(k.startswith("band:") for k in q.exact[1:])
    assert q.people == ("person:Behrouz Ehsani", "person:Mehdi Hassani")
    assert q.since == T0 - EVENT_WINDOW and q.until == T0 + EVENT_WINDOW
    assert set(index_keys(p)) == set(q.exact) | set(q.people)
    no_time = fingerprint("t", BODY, "", None, None, ["execution"], ["Behrouz Ehsani"])
    assert lookup(no_time).people == () and lookup(no_time).since is None
    officials = pr(people=("Iman Afshari",), officials=("Iman Afshari",))
    assert lookup(officials).people == ()


def test_print_survives_its_text_form() -> None:
    p = pr(people=("Behrouz Ehsani", "Iman Afshari"), officials=("Iman Afshari",))
    back = ItemPrint.loads(p.dumps())
    assert back == p
    assert ItemPrint.loads(pr(url=None).dumps()).url_key is None
