"""Topic matching, table-driven: word boundaries, Persian and Arabic boundaries,
negation, NEAR, field filters, precedence, HTML, evidence, rule problems, and queries
and texts built to be slow."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from monitor.match import Hit, Matcher, MatchInput, RulesError, TopicRule

ZWNJ = "\u200c"


@cache
def matcher(query: str) -> Matcher:
    return Matcher.build([TopicRule("t", query)], [])


def hits(query: str, summary: str = "", title: str = "", **meta: Any) -> tuple[Hit, ...]:
    return matcher(query).match(MatchInput(title=title, summary=summary, **meta))


def fires(query: str, summary: str = "", title: str = "", **meta: Any) -> bool:
    return bool(hits(query, summary, title, **meta))


WORDS = [
    # (query, text, fires)
    ("execution", "The execution of a prisoner", True),
    ("execution", "Executions continue", False),  # a word is a whole word
    ("execution*", "Executions continue", True),
    ("execut*", "the executive board", True),  # a prefix is a prefix
    ("execution OR executed", "the executive board", False),
    ("hanged", "He was HANGED.", True),
    ("iran", "Iran's judiciary", True),  # apostrophes separate words
    ("iran", "Iranian judiciary", False),
    ('"death row"', "ten years on death-row", True),  # so do hyphens
    ('"sentenced to death"', "Sentenced  to\u00a0death", True),
    ('"sentenced to death"', "sentenced to a death", False),
    ('"sentenced to death"', "not sentenced. To death", True),  # punctuation is no boundary
    ("evin", "\u200fEvin\u200f prison", True),
    ("varise", "Varişe Moradi", True),
    ("1988", "the 1988 massacre", True),
    ("1988", "the 19880 figure", False),
    ('"1988 massacre"', "the 1988massacre", True),  # digits glued to letters split off
    # numbers no key has are not remembered (scan's digits value): these must still hold
    ("198*", "the 1988 massacre", True),  # a digit prefix keeps every number it starts
    ("198*", "the 1999 massacre", False),
    ("1988 NEAR/2 massacre", "1988 12345 67890 massacre", False),  # numbers are words
    ("1988 NEAR/3 massacre", "1988 12345 67890 massacre", True),
    ("1988", "the (1988) massacre", True),
    ("1988", "the ۱۹۸۸ massacre", True),  # Persian digits are ASCII after normalising
    ('"12 people"', "12 people", True),
    ('"12 people"', "13 people", False),
]

PERSIAN_AND_ARABIC = [
    # ZWNJ as a space and as nothing
    ("اعدام", f"اعدام{ZWNJ}ها", True),
    ("اعدام", "اعدامها", True),
    ("اعدام", "اعدام ها", True),
    ("اعدامها", f"اعدام{ZWNJ}ها", True),
    ("اعدامها", "اعدامها", True),
    ("اعدامها", "اعدام ها", True),
    ("قزلحصار", f"قزل{ZWNJ}حصار", True),
    ("قزلحصار", "قزل حصار", True),
    ('"قزل حصار"', "قزلحصار", True),
    (f"قزل{ZWNJ}حصار", "قزلحصار", True),
    (f"قزل{ZWNJ}حصار", "قزل حصار", True),
    ('"کشتار ۶۷"', "کشتار۶۷", True),
    ("حکم", "حُكم", True),
    ('"زندانی سیاسی"', "زندانى سياسى", True),
    ('"هیئت مرگ"', "هیات مرگ", True),
    ('"هیات مرگ"', "هیئت مرگ", True),
    # suffixes Persian writes with or without ZWNJ; others need *
    ("اعدام", "اعدامهای", True),
    ("خانه", f"خانه{ZWNJ}ای", True),
    ("خانه", "خانهای", True),
    ("اعدام", "اعدامی", False),
    ("زندانی", "زندانیان", False),
    ("زندانی*", "زندانیان", True),
    ("اعدام", "اعدامات", False),
    # verb prefixes می / نمی, with or without ZWNJ
    ("کشند", f"می{ZWNJ}کشند", True),
    ("کشند", "میکشند", True),
    ("کشند", "نمیکشند", True),
    # Arabic proclitics: و ف ب ل and the article ال
    ("اعدام", "الإعدام", True),
    ("اعدام", "بالإعدام", True),
    ("اعدام", "للإعدام", True),
    ("اعدام", "والإعدام", True),
    ("اعدام", "وإعدام", True),
    ("الإعدام", "والإعدام", True),
    ("الإعدام", "بالإعدام", True),
    ("الإعدام", "للإعدام", True),
    ("الإعدام", "إعدام", False),
    ("بغی", "البغي", True),
    ("بغی", "وبغی", False),  # 3 letters: the article only
    ("رای", "برای", False),  # short words take no single-letter proclitic
    ("اعدام*", "بالإعدامات", True),
    ('"حکم اعدام"', "حكم الإعدام", True),
    ('"احکام اعدام"', "وأحكام الإعدام", True),
    ('"حکم اعدام"', "حکم اعدامها", True),
]

NEGATION = [
    (
        '"death sentence" -"no longer a death sentence"',
        "Cancer is no longer a death sentence",
        False,
    ),
    ('"death sentence" -"no longer a death sentence"', "A death sentence was upheld", True),
    ("death NOT cancer", "death sentence; cancer", False),
    ("NOT cancer death", "death sentence", True),
    ("hanged -(football OR فوتبال)", "hanged; فوتبال", False),
    ("hanged -(football OR فوتبال)", "hanged", True),
    ("hanged -title:football", "hanged football", True),
]

NEAR = [
    ("hanged NEAR/3 evin", "hanged in Evin", True),
    ("hanged NEAR/2 evin", "hanged in Evin", True),
    ("hanged NEAR/1 evin", "hanged in Evin", False),
    ("hanged NEAR/1 evin", "hanged, Evin", True),
    ("evin NEAR/2 hanged", "hanged in Evin", True),  # either order
    (
        'transfer* NEAR/5 (solitary OR "ghezel hesar")',
        "transferred on Sunday to Ghezel Hesar",
        True,
    ),
    (
        'transfer* NEAR/5 (solitary OR "ghezel hesar")',
        "transferred on a sunny Sunday to Ghezel Hesar",
        False,
    ),
    ('"death row" NEAR/2 hanged', "hanged after death row", True),  # phrases have extent
    ("a NEAR/1 b NEAR/1 c", "a b c", True),
    ("a NEAR/1 b NEAR/1 c", "a b x c", False),
    ("hanged NEAR/3 evin", "hanged " + "x " * 40 + "Evin, hanged in Evin", True),
    ("اعدام NEAR/3 اوین", f"اعدام{ZWNJ}ها در اوین", True),  # ZWNJ parts count as words
    ("اعدام NEAR/2 اوین", f"اعدام{ZWNJ}ها در اوین", False),
    ("اعدام NEAR/2 اوین", "اعدامها در اوین", True),
    ("hanged NEAR/2 evin", "hanged", False),
]


@pytest.mark.parametrize(
    ("query", "text", "expected"), WORDS + PERSIAN_AND_ARABIC + NEGATION + NEAR
)
def test_topic(query: str, text: str, expected: bool) -> None:
    assert fires(query, text) is expected


FIELDS: list[tuple[str, dict[str, Any], bool]] = [
    ("title:execution", {"title": "Execution in Iran"}, True),
    ("title:execution", {"summary": "Execution in Iran"}, False),
    ('title:"death row" iran', {"title": "On death row", "summary": "in Iran"}, True),
    ("title:(hanged OR executed) evin", {"title": "Executed", "summary": "in Evin"}, True),
    ("title:(hanged OR executed) evin", {"title": "Evin", "summary": "executed"}, False),
    ("lang:fa اعدام", {"summary": "اعدام", "language": "fa"}, True),
    ("lang:fa اعدام", {"summary": "اعدام", "language": "fa-IR"}, True),
    ("lang:fa اعدام", {"summary": "اعدام", "language": "en"}, False),
    ("lang:fa اعدام", {"summary": "اعدام"}, False),
    ("label:ngo hanged", {"summary": "hanged", "label": "ngo"}, True),
    ("label:NGO hanged", {"summary": "hanged", "label": "ngo"}, True),
    ("label:ngo hanged", {"summary": "hanged", "label": "news"}, False),
    ("feed:ihrngo* hanged", {"summary": "hanged", "feed_id": "ihrngo-en"}, True),
    ("feed:ihrngo-en hanged", {"summary": "hanged", "feed_id": "hengaw"}, False),
    ("(iran OR country:IR) hanged", {"summary": "hanged", "country": "IR"}, True),
    ("(iran OR country:IR) hanged", {"summary": "hanged", "country": "IQ"}, False),
    ("(iran OR country:IR) hanged", {"summary": "Iran: hanged"}, True),
    ("tag:death-penalty hanged", {"summary": "hanged", "tags": ("iran", "Death-Penalty")}, True),
    ("tag:death-penalty hanged", {"summary": "hanged", "tags": ("iran",)}, False),
    ("hanged -label:state_media", {"summary": "hanged", "label": "state_media"}, False),
]


@pytest.mark.parametrize(("query", "item", "expected"), FIELDS)
def test_field_filter(query: str, item: dict[str, Any], expected: bool) -> None:
    assert fires(query, **item) is expected


PRECEDENCE = [
    ("a OR b c", "a", True),
    ("a OR b c", "b", False),
    ("a OR b c", "b c", True),
    ("-a b", "b", True),
    ("-a b", "a b", False),
    ("a b NEAR/1 c", "a b c", True),
    ("a b NEAR/1 c", "b c", False),
    ("a b NEAR/1 c", "a b x c", False),
    ("(a OR b) NEAR/1 c", "b c", True),
]


@pytest.mark.parametrize(("query", "text", "expected"), PRECEDENCE)
def test_precedence(query: str, text: str, expected: bool) -> None:
    assert fires(query, text) is expected


# Topics evaluated only when a trigger term and a term of their check group are present
# (support.Gates), all built into one matcher so each has its own bit positions:
# (query, title, summary, fires)
GATED = [
    ("(a OR b) c", "", "b c", True),  # trigger c or {a, b}: the other is checked
    ("(a OR b) c", "", "c", False),
    ("(a OR b) c", "", "a x", False),
    ("(a OR b) (c OR d) e", "", "b d e", True),  # three needs, smallest other checked
    ("(a OR b) (c OR d) e", "", "a c", False),
    ("(a OR b) (c OR d) e", "", "d e", False),
    ("a -b", "", "a c", True),  # one need: nothing to check
    ('lang:fa (x OR "y z")', "", "y z", True),  # a field filter is no group
    ('lang:fa (x OR "y z")', "", "y q z", False),
    ("lang:fa", "", "nothing", True),  # no trigger: evaluated for every item
    ("title:a b", "a", "b", True),  # title: still needs a present anywhere
    ("title:a b", "", "a b", False),
    ("a NEAR/2 (b OR c)", "", "a q c", True),
    ("a NEAR/2 (b OR c)", "", "a q q q c", False),
    ("(a b) OR (c d)", "", "d x c", True),  # an OR of ANDs: no group for the AND
    ("(a b) OR (c d)", "", "a d", False),
]
GATED_MATCHER = Matcher.build(
    [TopicRule(f"t{i}", q) for i, q in enumerate(dict.fromkeys(r[0] for r in GATED))], []
)
GATED_IDS = {q: f"t{i}" for i, q in enumerate(dict.fromkeys(r[0] for r in GATED))}


@pytest.mark.parametrize(("query", "title", "summary", "expected"), GATED)
def test_gated_topics_fire_when_their_query_holds(
    query: str, title: str, summary: str, expected: bool
) -> None:
    got = GATED_MATCHER.match(MatchInput(title=title, summary=summary, language="fa"))
    assert (GATED_IDS[query] in {h.key for h in got}) is expected
    assert fires(query, summary, title, language="fa") is expected  # and alone


HTML = [
    ("hanged", "<p>He was <b>hanged</b></p>", True),
    ("execution", '<a href="/execution">link</a>', False),
    ("اعدام", "&#1575;&#1593;&#1583;&#1575;&#1605;", True),
    ('"sentenced to death"', "sentenced&nbsp;to<br/>death", True),
    ("hanged", "<p>hang</p><p>ed</p>", False),
]


@pytest.mark.parametrize(("query", "summary", "expected"), HTML)
def test_html_is_stripped(query: str, summary: str, expected: bool) -> None:
    assert fires(query, summary) is expected


def test_no_phrase_across_title_and_summary() -> None:
    assert not fires('"sentenced to death"', title="Sentenced to", summary="death")
    assert fires('"sentenced to death"', title="", summary="Sentenced to death")


def test_content_is_matched_too() -> None:
    item = MatchInput(title="", summary="", content="<p>hanged</p>")
    assert matcher("hanged").match(item)


def test_topics_come_in_rule_order_with_their_severity() -> None:
    m = Matcher.build(
        [
            TopicRule("b", "hanged", "urgent"),
            TopicRule("a", "evin"),
            TopicRule("c", "nothing"),
            TopicRule("d", "lang:fa"),
        ],
        [],
    )
    got = m.match(MatchInput("Evin", "hanged", language="fa"))
    assert [(h.kind, h.key, h.severity) for h in got] == [
        ("topic", "b", "urgent"),
        ("topic", "a", "digest"),
        ("topic", "d", "digest"),
    ]


def test_build_reports_every_problem() -> None:
    with pytest.raises(RulesError) as e:
        Matcher.build(
            [
                TopicRule("ok", "hanged"),
                TopicRule("paren", "(a OR b"),
                TopicRule("near", "a NEAR/x b"),
                TopicRule("sev", "a", severity="loud"),
            ],
            [],
        )
    got = [(p.kind, p.index, p.field, p.column) for p in e.value.problems]
    assert got == [("topic", 1, "query", 0), ("topic", 2, "query", 2), ("topic", 3, "severity", 0)]
    assert "never closed" in e.value.problems[0].message


def test_thousands_of_ors_build_and_match() -> None:
    # How the time grows with the text is measured in bench/match_linearity.py.
    query = " OR ".join(f"w{i}" for i in range(5000)) + ' OR "w1 w2" OR zz* OR اعدام'
    m = Matcher.build([TopicRule("t", query)], [])
    words = [f"w{i}" for i in range(0, 10_000, 7)]
    assert m.match(MatchInput("", " ".join(words[:200])))
    assert m.match(MatchInput("", " ".join(words[:200] * 10)))
    assert not m.match(MatchInput("", "v1 w5001x"))


@pytest.mark.parametrize("unit", ["aa ", "aaa ", "<", "<a ", "a ", "اعدام ", "ا"])
def test_pathological_texts_give_the_right_answer(unit: str) -> None:
    # Their cost (linear in the text) is measured in bench/match_linearity.py.
    m = Matcher.build(
        [
            TopicRule("near", "aa* NEAR/3 bb*"),
            TopicRule("phrase", '"a a a b"'),
            TopicRule("fa", "اعدام* NEAR/2 زندان*"),
        ],
        [],
    )
    assert m.match(MatchInput("", unit * 20_000)) == ()
