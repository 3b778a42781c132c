"""Shingles and signatures: robust to markup and a few edits, apart for other texts."""

from __future__ import annotations

import pytest

from monitor.group.minhash import BANDS, PERMUTATIONS, band_keys, signature, similarity
from monitor.group.text import LEAD_WORDS, lead_words, numbers, plain, shingles

TEXT = (
    "Political prisoners Behrouz Ehsani and Mehdi Hassani, who were sentenced to death on"
    " charges of baghi for alleged membership of the PMOI, were executed in Ghezel Hesar"
    " Prison in Karaj this morning after a grossly unfair trial at Branch 26 of the Tehran"
    " Revolutionary Court, according to information obtained by Iran Human Rights."
)
PERSIAN = (
    "حکم اعدام بهروز احسانی و مهدی حسنی، دو زندانی سیاسی محبوس در زندان قزل‌حصار کرج، به"
    " اتهام بغی از طریق عضویت در سازمان مجاهدین خلق اجرا شد و اعدام‌ها ادامه دارد"
)


def sim(a: str, b: str) -> float:
    return similarity(signature(shingles(lead_words("", a, ""))),
                      signature(shingles(lead_words("", b, ""))))


@pytest.mark.parametrize(
    ("other", "at_least"),
    [
        (f"<p>{TEXT}</p>", 1.0),  # markup
        (TEXT.replace(" ", "&nbsp;", 5).replace("Prison", "<b>Prison</b>"), 1.0),  # entities
        (TEXT.upper(), 1.0),  # case
        (TEXT.replace("grossly", "very").replace("morning", "week"), 0.6),  # two edits
        ("NCRI: " + TEXT + " Read more.", 0.7),  # a lead-in and a tail
    ],
)
def test_same_text_in_other_dress_stays_similar(other: str, at_least: float) -> None:
    assert sim(TEXT, other) >= at_least


@pytest.mark.parametrize(
    "other",
    [
        PERSIAN.replace("ی", "ي").replace("ک", "ك"),  # Arabic letter forms
        PERSIAN.replace("\u200c", ""),  # ZWNJ dropped
        f"<div>{PERSIAN}</div>",
    ],
)
def test_persian_spelling_variants_are_the_same_text(other: str) -> None:
    assert sim(PERSIAN, other) == 1.0


def test_different_texts_are_not_similar() -> None:
    assert sim(TEXT, PERSIAN) == 0.0
    assert sim(TEXT, "UN convoy reaches Sumy as Mariupol access is thwarted again") < 0.1


def test_script_and_style_bodies_are_not_text() -> None:
    assert plain("<p>a</p><script>var x = 1;</script><style>p{}</style><p>b</p>").split() == [
        "a", "b"]


def test_only_the_opening_of_the_body_counts() -> None:
    long = " ".join(f"w{i}" for i in range(1000))
    assert len(lead_words("t", "", long)) == 1 + LEAD_WORDS
    assert lead_words("t", "summary words", "") == ["t", "summary", "words"]
    assert lead_words("t", "summary", "<p>content</p>") == ["t", "content"]


def test_short_texts_are_one_shingle_and_empty_ones_none() -> None:
    assert shingles(["a", "b"]) == {"a b"}
    assert shingles([]) == set()
    assert signature(set()) == ()
    assert band_keys(()) == ()
    assert similarity((), ()) == 0.0


def test_signature_and_band_keys_are_stable_across_processes() -> None:
    sig = signature({"one two three"})
    assert len(sig) == PERMUTATIONS and len(band_keys(sig)) == BANDS
    # SHAKE-128 is the same everywhere: a stored key must meet tomorrow's
    assert band_keys(sig)[0].startswith("band:m1:00:")
    assert band_keys(sig) == band_keys(signature({"one two three"}))


def test_numbers_are_found_in_any_script() -> None:
    assert numbers(lead_words("", "aged ۳۸, week 71, سال۱۴۰۴", "")) == {"38", "71", "1404"}
