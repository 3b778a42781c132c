"""normalise(): every pitfall of watchlist.md section 7 as a row, plus CONTRACT.md's list."""

from __future__ import annotations

import pytest

from monitor.match import normalise

ZWNJ = "\u200c"

# (why, text, normalised)
ROWS = [
    # 1. Arabic vs Persian letters
    ("arabic yeh", "زندانى سياسى", "زندانی سیاسی"),
    ("arabic kaf", "حكم", "حکم"),
    ("alef maksura as persian final yeh", "شيبان مصطفى", "شیبان مصطفی"),
    ("persian letters in an arabic name", "مهدي حسنی", "مهدی حسنی"),
    # 2. ZWNJ is a separator (the term compiler makes it "nothing" as well)
    ("zwnj", f"اعدام{ZWNJ}ها", "اعدام ها"),
    ("zwnj in a place name", f"قزل{ZWNJ}حصار", "قزل حصار"),
    ("zwsp like zwnj", "می\u200bشود", "می شود"),
    # 3. harakat and shadda
    ("damma", "کُرد", "کرد"),
    ("kasra (ezafe)", "مرگِ", "مرگ"),
    ("shadda", "اوّلین", "اولین"),
    ("fatha", "لحكمَي", "لحکمی"),
    ("superscript alef", "هٰذا", "هذا"),
    # 4. hamza
    ("hamza on yeh after yeh", "هیئت مرگ", "هیات مرگ"),
    ("hamza on alef", "هیأت", "هیات"),
    ("ta'yid", "تأیید", "تایید"),
    ("mala' with hamza", "ملأ", "ملا"),
    ("mala' with lone hamza", "ملاء", "ملا"),
    ("hamza on waw", "مسؤول", "مسوول"),
    ("heh with yeh above", "مکاتبۀ", "مکاتبه"),
    ("heh + combining hamza", "مکاتبه\u0654", "مکاتبه"),
    ("alef with hamza below", "إحساني", "احسانی"),
    ("alef with madda", "آویز", "اویز"),
    ("alef wasla", "ٱلله", "الله"),
    ("teh marbuta", "وريشة", "وریشه"),
    # 5. tatweel and presentation forms
    ("tatweel", "اعـــدام", "اعدام"),
    ("presentation forms (PDF)", "\ufe8d\ufecb\ufeaa\ufe8e\ufee1", "اعدام"),
    ("lam-alef ligature", "\ufefb", "لا"),
    # 6. digits
    ("persian digits", "۱۴۰۴", "1404"),
    ("arabic-indic digits", "٣٠ اردیبهشت", "30 اردیبهشت"),
    ("digits glued to a word", "سال۱۳۶۷", "سال 1367"),
    ("digit before a word", "۵مرداد", "5 مرداد"),
    # 8. bidi controls and NBSP
    ("bidi marks", "\u200fEvin\u200e", "evin"),
    ("bidi embedding", "\u202bاوین\u202c", "اوین"),
    ("isolates", "\u2067Evin\u2069", "evin"),
    ("nbsp", "Ghezel\u00a0Hesar", "ghezel hesar"),
    # 9. latin side
    ("hyphen", "Etemadi-Far", "etemadi far"),
    ("apostrophe", "Raja’i", "raja i"),
    ("diacritics", "Varişe Türk", "varise turk"),
    ("case", "Behrouz EHSANI", "behrouz ehsani"),
    ("letters without decomposition", "Łódź Øresund", "lodz oresund"),
    ("nfkc", "ｆｕｌｌｗｉｄｔｈ ﬁ", "fullwidth fi"),
    ("sharp s", "Straße", "strasse"),
    ("punctuation separates", "«حکم اعدام»، (AFP)", "حکم اعدام afp"),
    ("underscore separates", "death_row", "death row"),
    ("empty", "  \u200f ", ""),
]


@pytest.mark.parametrize(("why", "text", "expected"), ROWS, ids=[r[0] for r in ROWS])
def test_normalise(why: str, text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_original_is_not_changed() -> None:
    text = "حُكم «اعدام»"
    normalise(text)
    assert text == "حُكم «اعدام»"


def test_is_idempotent() -> None:
    for _, text, _ in ROWS:
        once = normalise(text)
        assert normalise(once) == once
