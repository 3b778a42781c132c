"""Normalisation: the one form of text that topics and people are matched against.

``normalise(text)`` gives words separated by single spaces, after: Unicode NFKD and
case folding; Latin diacritics and Arabic harakat (U+064B-U+065F, U+0670), Quranic
marks, tatweel, bidi controls, ZWJ, soft hyphen and BOM removed; hamza forms folded to
their bare letters (أ إ آ ٱ -> ا, ؤ -> و, ئ -> ی, ۀ and ه+U+0654 -> ه, lone ء dropped,
and یئ -> یا so that هیئت = هیأت = هیات); Arabic yeh and alef maksura -> Persian yeh
(ي ى -> ی); Arabic kaf -> Persian kaf (ك -> ک); teh marbuta -> heh (ة -> ه, so Arabic
وريشة meets Persian وریشه); Persian and Arabic-Indic digits -> ASCII, and a digit run
glued to letters split off (سال۱۳۶۷ -> "سال 1367"); then anything that is not a letter or
digit (punctuation, apostrophes, hyphens, ZWNJ, ZWSP, NBSP) separates words. The result
is recomposed with NFC, so NFKD+NFC = NFKC overall.

ZWNJ is a separator here (اعدام‌ها -> "اعدام ها"); that it is *also* nothing is the
job of the term compiler (``monitor.match.terms``), which lets Persian terms match
joined and split spellings. The original text is never changed: callers keep it.

Speed: items are split on whitespace and each whitespace-delimited chunk is normalised
once and remembered (``Memo``): news text repeats its chunks, so an item costs a few
dictionary look-ups per word and the full Unicode work runs only on unseen chunks.
Must not: do I/O, or know about queries, names or items.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from typing import TypeVar

# Characters folded by str.translate after NFKD (so precomposed letters are already
# split into base + mark and only the marks need deleting).
_DELETE = (
    [*range(0x0300, 0x0370)]  # Latin/Greek/Cyrillic combining diacritics
    + [*range(0x1AB0, 0x1B00), *range(0x1DC0, 0x1E00), *range(0x20D0, 0x2100)]
    + [*range(0xFE20, 0xFE30)]
    + [*range(0x0610, 0x061B)]  # Arabic honorific marks
    + [*range(0x064B, 0x0660), 0x0670]  # harakat, shadda, sukun, hamza above/below
    + [*range(0x06D6, 0x06EE)]  # Quranic annotation marks
    + [0x0640, 0x0621, 0x0674]  # tatweel, lone hamza, high hamza
    + [0x200D, 0x200E, 0x200F, 0x061C, 0x00AD, 0xFEFF, 0x2060]  # ZWJ, bidi marks, SHY, BOM
    + [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]  # bidi embeddings and isolates
)
_MAP = {
    "\u064a": "\u06cc",  # ARABIC YEH -> FARSI YEH
    "\u0649": "\u06cc",  # ALEF MAKSURA -> FARSI YEH
    "\u06cd": "\u06cc",
    "\u06d0": "\u06cc",
    "\u0643": "\u06a9",  # ARABIC KAF -> KEHEH
    "\u06aa": "\u06a9",
    "\u0629": "\u0647",  # TEH MARBUTA -> HEH
    "\u06d5": "\u0647",  # AE (what NFKD leaves of HEH WITH YEH ABOVE) -> HEH
    "\u06c1": "\u0647",
    "\u06c2": "\u0647",
    "\u06c3": "\u0647",
    "\u06be": "\u0647",
    "\u0671": "\u0627",  # ALEF WASLA -> ALEF
    "\u0672": "\u0627",
    "\u0673": "\u0627",
    "\u0675": "\u0627",
    "\u200c": " ",  # ZWNJ: a separator here; the term compiler adds "nothing"
    "\u200b": " ",  # ZWSP, used in place of ZWNJ by some editors
    "\u066b": ".",
    "\u066c": ",",
    # Latin letters that have no decomposition
    "\u00f8": "o",
    "\u0111": "d",
    "\u0142": "l",
    "\u0127": "h",
    "\u0131": "i",
    "\u00e6": "ae",
    "\u0153": "oe",
    "\u00fe": "th",
    "\u00f0": "d",
}
_MAP.update({chr(0x0660 + i): str(i) for i in range(10)})  # Arabic-Indic digits
_MAP.update({chr(0x06F0 + i): str(i) for i in range(10)})  # Persian digits
FOLD_TABLE: dict[int, str | None] = {ord(k): v for k, v in _MAP.items()}
FOLD_TABLE.update(dict.fromkeys(_DELETE))

_HAMZA_AFTER_YEH = ("\u06cc\u064a\u0654", "\u064a\u064a\u0654")  # یئ / يئ after NFKD
_DIGIT_EDGE = re.compile(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)")
_DIGIT = re.compile(r"\d")
_NON_WORD = re.compile(r"[\W_]+")
_TAG = re.compile(r"<[^<>]*>")  # [^<>] keeps it linear even on "<<<<" with no ">"
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")


def fold(text: str) -> str:
    """Letters folded (case, marks, Arabic-script forms, digits); separators kept."""
    if unicodedata.is_normalized("NFKD", text):  # most Persian text: skip to the fold
        s = text.casefold()
        if s.isascii() or unicodedata.is_normalized("NFKD", s):
            return s.translate(FOLD_TABLE) if not s.isascii() else s
    s = unicodedata.normalize("NFKD", text).casefold()
    if not s.isascii():
        s = unicodedata.normalize("NFKD", s)
        for seq in _HAMZA_AFTER_YEH:
            if seq in s:
                s = s.replace(seq, "\u06cc\u0627")
        s = unicodedata.normalize("NFC", s.translate(FOLD_TABLE))
    return s


def words_of(folded: str) -> str:
    """Folded text -> its words separated by single spaces."""
    if _DIGIT.search(folded) is not None:
        folded = _DIGIT_EDGE.sub(" ", folded)
    return _NON_WORD.sub(" ", folded).strip()


def normalise_chunk(chunk: str) -> str:
    """One whitespace-free chunk of text -> its normalised words ("" if none)."""
    if chunk.isascii():  # nothing to fold but case: skip the Unicode work
        if chunk.isalpha() or chunk.isdigit():
            return chunk.lower()
        return words_of(chunk.lower())
    return words_of(fold(chunk))


def normalise(text: str) -> str:
    """The matching form of ``text``: normalised words separated by single spaces."""
    return " ".join(filter(None, map(CHUNKS.__getitem__, text.split())))


def is_arabic_script(word: str) -> bool:
    return ARABIC_SCRIPT.search(word) is not None


def strip_html(text: str) -> str:
    """Tags become spaces and entities characters. Cheap when there is no markup."""
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return text


V = TypeVar("V")


class Memo(dict[str, V]):
    """A bounded memo of a str -> str function, looked up with ``memo[key]``.

    When full it starts again from empty: simpler than LRU and as good for text whose
    common chunks come back within minutes.
    """

    __slots__ = ("_fn", "_limit", "_pinned")

    def __init__(
        self, fn: Callable[[str], V], limit: int = 200_000, pinned: dict[str, V] | None = None
    ) -> None:
        super().__init__(pinned or {})
        self._fn = fn
        self._limit = limit
        self._pinned = dict(pinned or {})

    def __missing__(self, key: str) -> V:
        if len(self) >= self._limit:
            self.clear()
            self.update(self._pinned)
        value = self[key] = self._fn(key)
        return value


# Between title, summary and content: a chunk no text can produce (split() eats it).
SEP = "\x1f"
CHUNKS: Memo[str] = Memo(normalise_chunk, pinned={SEP: SEP})
