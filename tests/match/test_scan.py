"""scan(): the C loop and its Python twin give the same chunks and forms, row by row."""

from __future__ import annotations

import sys

import pytest

from monitor.match import scan as scan_module
from monitor.match.scan import scan_py
from monitor.match.text import SEP, Memo

IMPLEMENTATIONS = [pytest.param(scan_py, id="python")]
if scan_module.NATIVE:
    IMPLEMENTATIONS.append(pytest.param(scan_module.scan, id="native"))


def forms(chunk: str) -> tuple[str, str]:
    return chunk.upper(), f"<{chunk}>"


# (why, texts, chunks expected)
ROWS = [
    ("empty title", ("", "a b"), ["\x1f", "a", "b"]),
    ("nothing at all", ("",), []),
    ("three texts", ("t", "s", "c"), ["t", "\x1f", "s", "\x1f", "c"]),
    ("runs of spaces, tabs, newlines", ("  a \t\n b  ", ""), ["a", "b", "\x1f"]),
    ("nbsp and other unicode spaces split", ("a\u00a0b\u2003c\u3000d",), ["a", "b", "c", "d"]),
    (
        "zwnj and zwsp do not split",
        ("اعدام\u200cها می\u200bشود",),
        ["اعدام\u200cها", "می\u200bشود"],
    ),
    ("the separators \\x1c-\\x1f split, as in str.split", ("a\x1fb\x1cc",), ["a", "b", "c"]),
    ("persian and latin mixed", ("حکم اعدام for Behrouz",), ["حکم", "اعدام", "for", "Behrouz"]),
    ("astral characters", ("𝐀 😀x",), ["𝐀", "😀x"]),
    ("one long chunk", ("x" * 10_000,), ["x" * 10_000]),
]


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize(("why", "texts", "chunks"), ROWS, ids=[r[0] for r in ROWS])
def test_chunks_and_forms(implementation, why, texts, chunks):
    memo = Memo(forms)
    got_chunks, firsts, seconds = implementation(memo, texts, SEP)
    assert list(got_chunks) == chunks
    assert list(firsts) == [forms(c)[0] for c in chunks]
    assert list(seconds) == [forms(c)[1] for c in chunks]
    assert list(got_chunks) == scan_py(Memo(forms), texts, SEP)[0]


DIGITS = ("#", "##")
OTHERS = "1e3 ۱۳ ١٣ ² 1,000 1.5 , 13a a13 -"
# (why, texts, the values expected) with the memo holding "12" and the digits value
DIGIT_ROWS = [
    ("a number the memo has", ("12",), [forms("12")]),
    ("a number it lacks", ("13 1234567890123",), [DIGITS, DIGITS]),
    ("punctuation around", ("13, (13) -13- 13.\x01",), [DIGITS] * 4),
    ("around a number the memo has", ("(12) 12,",), [forms("(12)"), forms("12,")]),
    ("not a number", (OTHERS,), [forms(c) for c in OTHERS.split()]),
    ("words as usual", ("a 13",), [forms("a"), DIGITS]),
]


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize(("why", "texts", "values"), DIGIT_ROWS, ids=[r[0] for r in DIGIT_ROWS])
def test_numbers_the_memo_lacks_take_the_digits_value(implementation, why, texts, values):
    calls: list[str] = []

    def counted(chunk: str) -> tuple[str, str]:
        calls.append(chunk)
        return forms(chunk)

    memo = Memo(counted, pinned={"12": forms("12")})
    _, firsts, seconds = implementation(memo, texts, SEP, DIGITS)
    assert list(zip(firsts, seconds, strict=True)) == values
    assert not [c for c in calls if c.isascii() and c.isdigit()]  # never computed
    assert not [c for c in memo if c != "12" and c.isascii() and c.isdigit()]  # nor kept
    numbers = [c for c in calls if c.isascii() and c.strip("(),.-\x01").isdigit()]
    assert not [c for c in numbers if "12" not in c]


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_a_memo_computes_once_and_keeps(implementation):
    calls: list[str] = []

    def counted(chunk: str) -> tuple[str, str]:
        calls.append(chunk)
        return forms(chunk)

    memo = Memo(counted)
    implementation(memo, ("a b a", "b"), SEP)
    assert calls == ["a", "b", SEP]
    assert set(memo) == {"a", "b", SEP}


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_errors_are_raised_not_swallowed(implementation):
    with pytest.raises(KeyError):  # a plain dict has no __missing__
        implementation({}, ("a",), SEP)

    def failing(chunk: str) -> tuple[str, str]:
        raise ValueError(chunk)

    with pytest.raises(ValueError, match="boom"):
        implementation(Memo(failing), ("boom",), SEP)


@pytest.mark.skipif(not scan_module.NATIVE, reason="the C extension is not built")
def test_native_checks_its_arguments():
    native = scan_module.scan
    with pytest.raises(TypeError, match="2-tuples"):
        native(Memo(lambda c: c), ("a",), SEP)  # type: ignore[arg-type,return-value]
    with pytest.raises(TypeError, match="str"):
        native(Memo(forms), ("a", 1), SEP)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        native(Memo(forms), ["a"], SEP)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        native(Memo(forms), ("a",))  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="dict"):
        native(MappingOnly(), ("1",), SEP, DIGITS)  # type: ignore[arg-type]


class MappingOnly:
    def __getitem__(self, key: str) -> tuple[str, str]:
        return forms(key)


@pytest.mark.skipif(not scan_module.NATIVE, reason="the C extension is not built")
def test_native_keeps_no_references():
    memo = Memo(forms)
    text = "word " * 100
    implementation = scan_module.scan
    implementation(memo, (text,), SEP)  # first: fills the memo
    value = memo["word"]
    before = sys.getrefcount(value), sys.getrefcount(value[0]), sys.getrefcount(text)
    for _ in range(100):
        implementation(memo, (text,), SEP)
    assert (sys.getrefcount(value), sys.getrefcount(value[0]), sys.getrefcount(text)) == before


def test_the_extension_is_built_where_a_compiler_is():
    """The install (scripts/test, CI, Docker) compiles it; without it matching is slower.
    Set MONITOR_ALLOW_PURE_PYTHON=1 to run the suite on an install that cannot."""
    import os

    if os.environ.get("MONITOR_ALLOW_PURE_PYTHON") == "1":
        pytest.skip("pure Python allowed")
    assert scan_module.NATIVE


TOPICS = [
    ("massacre", '"1988 massacre" OR (1988 NEAR/3 executions)'),
    ("count", '"12 people" OR "کشتار ۶۷"'),
    ("decade", "198* killings"),
]
TEXTS = [
    "In 1988 (the 1988 massacre) 4,000 were executed; 12 people, 12, (12) and 13 people.",
    "Executions of 1988, (1988), 1988. 1988massacre 19880 198 1987 killings.",
    "کشتار ۶۷ و ۱۳۶۷ (67) 67، 1367: ۱۲ people",
    "1 22 333 4444 55555 666666 (7) 8, 9. -10- 11a a11 1,000 1.5 12 people",
]


@pytest.mark.skipif(not scan_module.NATIVE, reason="the C extension is not built")
@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("topics", [TOPICS[:2], TOPICS], ids=["digits value", "digit prefix"])
def test_the_matcher_finds_the_same_with_either_scan(monkeypatch, text, topics):
    """End to end, numbers included: neither the C loop nor the digits value (off when
    a prefix term is digits) may change a single hit."""
    from monitor.match import Matcher, MatchInput, TopicRule
    from monitor.match import matcher as matcher_module

    rules = [TopicRule(i, q) for i, q in topics]
    item = MatchInput(title=text[:20], summary=text)
    native = Matcher.build(rules, []).match(item)
    assert native  # every text has something to find
    monkeypatch.setattr(matcher_module, "scan", scan_py)
    assert Matcher.build(rules, []).match(item) == native
