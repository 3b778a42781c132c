"""Chunks.scan(): the C memo and its Python twin give the same chunks and forms, row by row."""

from __future__ import annotations

import functools
import gc
import itertools
import sys
import weakref

import pytest

from monitor.match import scan as scan_module
from monitor.match.scan import Forms, chunk_memo, ends
from monitor.match.text import SEP

IMPLEMENTATIONS = [pytest.param(False, id="python")]
if scan_module.NATIVE:
    IMPLEMENTATIONS.append(pytest.param(True, id="native"))
needs_native = pytest.mark.skipif(not scan_module.NATIVE, reason="the C extension is not built")


def forms(chunk: str) -> tuple[str, str]:
    if chunk == "-":  # forms may be empty: no room in the joined text
        return "", ""
    return chunk.upper(), f"<{chunk}>"


def split_back(got: Forms) -> tuple[list[str], list[str], list[str]]:
    """The chunks and each one's two forms, cut back out of the joined texts."""
    chunks, firsts, seconds, first_ends, second_ends = got
    out = [chunks]
    for text, packed in ((firsts, first_ends), (seconds, second_ends)):
        at = list(ends(packed))
        assert len(at) == len(chunks)
        assert (at[-1] if at else 0) == len(text)
        out.append([text[a:b] for a, b in zip([0, *at], at, strict=False)])
    return out[0], out[1], out[2]


class Counted:
    """forms, remembering every chunk it was called with."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, chunk: str) -> tuple[str, str]:
        self.calls.append(chunk)
        return forms(chunk)


# (why, texts, chunks expected)
ROWS = [
    ("empty title", ("", "a b"), ["\x1f", "a", "b"]),
    ("nothing at all", ("",), []),
    ("no texts", (), []),
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
    (
        "a latin chunk in a persian text and alone",
        ("حکم hello", "hello"),
        ["حکم", "hello", "\x1f", "hello"],
    ),
    ("astral characters", ("𝐀 😀x", "x 😀x"), ["𝐀", "😀x", "\x1f", "x", "😀x"]),
    ("one long chunk", ("x" * 10_000,), ["x" * 10_000]),
    ("the same letters, one longer", ("ab abc ab a",), ["ab", "abc", "ab", "a"]),
    ("a chunk whose forms are empty", ("a - b", "-"), ["a", "-", "b", "\x1f", "-"]),
]


@pytest.mark.parametrize("native", IMPLEMENTATIONS)
@pytest.mark.parametrize(("why", "texts", "chunks"), ROWS, ids=[r[0] for r in ROWS])
def test_chunks_and_forms(native, why, texts, chunks):
    fn = Counted()
    memo = chunk_memo(fn, {}, native=native)
    for _ in range(2):  # computed, then from the memo
        got_chunks, firsts, seconds = split_back(memo.scan(texts, SEP))
        assert got_chunks == chunks
        assert firsts == [forms(c)[0] for c in chunks]
        assert seconds == [forms(c)[1] for c in chunks]
    assert sorted(fn.calls) == sorted(set(chunks))  # each distinct chunk computed once
    assert len(memo) == len(set(chunks))


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
    ("in a persian text", ("حکم 13 (12)",), [forms("حکم"), DIGITS, forms("(12)")]),
]


@pytest.mark.parametrize("native", IMPLEMENTATIONS)
@pytest.mark.parametrize(("why", "texts", "values"), DIGIT_ROWS, ids=[r[0] for r in DIGIT_ROWS])
def test_numbers_the_memo_lacks_take_the_digits_value(native, why, texts, values):
    fn = Counted()
    memo = chunk_memo(fn, {"12": forms("12")}, DIGITS, native=native)
    chunks, firsts, seconds = split_back(memo.scan(texts, SEP))
    assert chunks == texts[0].split()
    assert list(zip(firsts, seconds, strict=True)) == values
    assert not [c for c in fn.calls if c.isascii() and c.isdigit()]  # never computed
    assert len(memo) == 1 + len(set(fn.calls))  # nor kept: only what was computed is
    numbers = [c for c in fn.calls if c.isascii() and c.strip("(),.-\x01").isdigit()]
    assert not [c for c in numbers if "12" not in c]


@pytest.mark.parametrize("native", IMPLEMENTATIONS)
def test_a_full_memo_starts_again_from_the_pinned(native):
    fn = Counted()
    memo = chunk_memo(fn, {"p": forms("p")}, limit=3, native=native)
    sizes = []
    for word in "a b c d e f".split():
        assert split_back(memo.scan((word, "p"), SEP))[1] == [word.upper(), SEP, "P"]
        sizes.append(len(memo))
    assert max(sizes) <= 3
    assert "p" not in fn.calls  # the pinned chunk is never computed
    fn.calls.clear()
    memo.scan(("f",), SEP)
    assert fn.calls == []  # the last one computed is kept


@pytest.mark.parametrize("native", IMPLEMENTATIONS)
def test_many_chunks_each_found_again(native):
    """The table grows past many sizes; every chunk is still found, none recomputed."""
    fn = Counted()
    memo = chunk_memo(fn, {}, native=native)
    words = [f"w{i}" for i in range(30_000)] + [f"ک{i}" for i in range(30_000)]
    text = " ".join(words)
    assert split_back(memo.scan((text,), SEP))[1] == [w.upper() for w in words]
    calls = len(fn.calls)
    assert split_back(memo.scan((text,), SEP))[2] == [f"<{w}>" for w in words]
    assert len(fn.calls) == calls == len(memo) == 60_000


@pytest.mark.parametrize("native", IMPLEMENTATIONS)
def test_errors_are_raised_not_swallowed(native):
    def failing(chunk: str) -> tuple[str, str]:
        raise ValueError(chunk)

    memo = chunk_memo(failing, {}, native=native)
    with pytest.raises(ValueError, match="boom"):
        memo.scan(("boom", "a"), SEP)
    assert len(memo) == 0


@needs_native
def test_native_checks_its_arguments():
    from monitor.match._chunks import Chunks

    with pytest.raises(TypeError, match="pairs of str"):
        chunk_memo(lambda c: c, {}).scan(("a",), SEP)  # type: ignore[arg-type,return-value]
    with pytest.raises(TypeError, match="pairs of str"):
        chunk_memo(lambda c: (c, 1), {}).scan(("a",), SEP)  # type: ignore[arg-type,return-value]
    with pytest.raises(TypeError, match="pinned"):
        chunk_memo(forms, {"a": ("a",)})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="pairs of str"):
        chunk_memo(forms, {}, ("a",))  # type: ignore[arg-type]
    memo = chunk_memo(forms, {})
    with pytest.raises(TypeError, match="str"):
        memo.scan(("a", 1), SEP)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        memo.scan(["a"], SEP)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        memo.scan(("a",))  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="__init__"):
        Chunks.__new__(Chunks).scan(("a",), SEP)


@needs_native
def test_native_keeps_no_references():
    made: list[tuple[str, str]] = []

    def keeping(chunk: str) -> tuple[str, str]:
        made.append(forms(chunk))
        return made[-1]

    memo = chunk_memo(keeping, {}, limit=2)
    text = "word " * 100
    chunks = memo.scan((text,), SEP)[0]  # first: fills the memo
    key, (first, second) = chunks[0], made[0]
    del chunks
    before = [sys.getrefcount(x) for x in (key, first, second, text)]
    for _ in range(100):
        memo.scan((text,), SEP)
    assert [sys.getrefcount(x) for x in (key, first, second, text)] == before
    memo.scan(("a b c d", "e f"), SEP)  # fills the memo mid-scan: it starts again
    del memo
    assert [sys.getrefcount(x) for x in (first, second)] == [before[1] - 1, before[2] - 1]


def _c_hash(seed: int, chunk: str) -> int:
    """_chunks.c's hash (FNV-1a per character, murmur3's finaliser), for the test below."""
    mask = 2**64 - 1
    h = seed
    for c in chunk:
        h = ((h ^ ord(c)) * 0x100000001B3) & mask
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & mask
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & mask
    return h ^ (h >> 33)


@needs_native
def test_chunks_made_to_collide_only_miss_the_memo():
    """A feed that knew the seed could make every chunk land on one slot: past
    MAX_PROBES a chunk is not kept, so it costs a call each time, never a longer search,
    and the table does not grow for it."""
    from monitor.match._chunks import MAX_PROBES, Chunks

    seed, extra = 1988, 8
    words = (f"w{i}" for i in itertools.count())
    colliding = [
        *itertools.islice((w for w in words if _c_hash(seed, w) % 1024 == 7), MAX_PROBES + extra)
    ]
    fn = Counted()
    memo = Chunks(fn, {}, None, 1000, seed)  # 1,024 slots until 256 chunks are kept
    text = " ".join(colliding)
    for _ in range(2):
        assert split_back(memo.scan((text, "plain"), SEP))[1] == [
            *(w.upper() for w in colliding),
            SEP,
            "PLAIN",
        ]
    assert len(memo) == MAX_PROBES + 2  # MAX_PROBES of them, the separator and "plain"
    assert len(fn.calls) == MAX_PROBES + extra + 2 + extra  # the others, computed again


@needs_native
def test_native_memo_in_a_cycle_is_collected():
    class Holder:
        memo: object = None

        def __call__(self, chunk: str) -> tuple[str, str]:
            return forms(chunk)

    fn = Holder()
    fn.memo = chunk_memo(fn, {})
    fn.memo.scan(("a b",), SEP)  # type: ignore[attr-defined]
    gone = weakref.ref(fn)
    del fn
    gc.collect()
    assert gone() is None


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


@needs_native
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
    monkeypatch.setattr(matcher_module, "chunk_memo", functools.partial(chunk_memo, native=False))
    assert Matcher.build(rules, []).match(item) == native
