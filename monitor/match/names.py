"""Names: the spelling-blind forms that people are found and confirmed by.

Each word of a name, and of the text, gets two forms (after ``text.fold``, with
apostrophes deleted rather than separating: Raja'i = Rajai):

* ``fine``: Latin transliteration variants folded: w -> v, ph -> f, kh -> k, gh -> q,
  ou/oo -> u, ee -> i, then a final v after o dropped (Persian final و: Khosrow =
  Khosrov = Khosro), y -> i (not first), doubled letters single (Hassani = Hasani,
  Nayyeri = Nayeri), a final h after a vowel dropped (Varisheh = Varishe), and a
  first v before a consonant given its vowel (Kurdish Wrisha = Varisha). Arabic script:
  the Persian letters Arabic lacks folded (پ -> ب, چ -> ج, ژ -> ز, گ -> ک: «بور محمدي»
  = «پورمحمدی»).
* ``skeleton``: the fine form with each run of vowels as one "a" (Bani Amerian = Bani
  Amarian, Mordasi = Mardasi, Eslamloo = Aslamlou, Kourkour = Korkur). Arabic script
  keeps its letters: written vowels there are not variable.

Skeletons find candidates; a candidate is then confirmed on fine forms, word by word
when the word counts agree (each word within an edit distance of 20% of its length:
Mehdi = Mahdi, but Hassani != Hosseini), else as one string within 10% (Baniamarian =
Bani-Amerian). So vowel-blind finding does not cost precision.

Variants of a name (``name_forms``): the name itself; without its last word when it has
3+ words and what is left is not only given names (Behrouz Ehsani Eslamloo -> Behrouz
Ehsani, but Mohammad Reza Moghaddam -/-> Mohammad Reza); without a leading honorific
(Seyed Mohammad Taghavi -> Mohammad Taghavi). A one-word form is dropped unless the
person allows single words. ``MORPHEMES`` are the given names and surname endings a
compound surname is made of (Nour|mohammad|zadeh): where a text may split a name word.
Must not: look at items or automata.
"""

from __future__ import annotations

import re
from functools import lru_cache

from monitor.match.text import CHUNKS, fold, is_arabic_script, words_of

# Apostrophes join (Raja'i = Rajai); Turkish/Kurdish Latin letters keep their sound.
_PRE: dict[int, str | None] = {ord(c): None for c in "'\u2019\u2018\u02bc\u02bb`\u00b4\u2032"}
_PRE.update({ord("ş"): "sh", ord("Ş"): "Sh", ord("ç"): "ch", ord("Ç"): "Ch"})
_ARABIC_FOLD = str.maketrans({"پ": "ب", "چ": "ج", "ژ": "ز", "گ": "ک"})
_LATIN_STEPS = (
    ("w", "v"),
    ("ph", "f"),
    ("kh", "k"),
    ("gh", "q"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
)
_POSSESSIVE = re.compile(r"['\u2019]s\b")  # Raisi's: the name, not "raisis"
_DOUBLE = re.compile(r"(.)\1+")
_FINAL_H = re.compile(r"(?<=[aeiouy])h$")
_FIRST_V = re.compile(r"^v(?=[^aeiouy])")
_INNER_Y = re.compile(r"(?<=.)y")
_VOWELS = re.compile(r"[aeiouy]+")


_SPECIAL = re.compile("['\u2019\u2018\u02bc\u02bb`\u00b4\u2032şŞçÇ]")


def people_words(chunk: str) -> list[str]:
    """The words of a text chunk as names see them (apostrophes join, not split)."""
    if _SPECIAL.search(chunk) is None:  # then they are the topics' words (memoised)
        return CHUNKS[chunk].split()
    if "s" in chunk:
        chunk = _POSSESSIVE.sub("", chunk)
    return words_of(fold(chunk.translate(_PRE))).split()


@lru_cache(maxsize=65_536)
def fine(word: str) -> str:
    if is_arabic_script(word):
        return word.translate(_ARABIC_FOLD)
    if not word.isascii() or not word.isalpha():  # other scripts; numbers stay exact
        return word
    for a, b in _LATIN_STEPS:
        word = word.replace(a, b)
    if word.endswith("ov"):  # a Persian final و after o (w is v by now): Khosrow = Khosro
        word = word[:-1]
    word = _DOUBLE.sub(r"\1", word)
    word = _FINAL_H.sub("", word)
    word = _FIRST_V.sub("va", word)
    return _INNER_Y.sub("i", word)


@lru_cache(maxsize=65_536)
def skeleton(word: str) -> str:
    f = fine(word)
    if not f.isascii() or not f.isalpha():
        return f
    return _VOWELS.sub("a", f)


_GIVEN_LATIN = """
mohammad mohammed muhammad mohamed ali reza hossein hosein husain hussein hassan hasan mehdi
ahmad ahmed mahmoud mostafa mustafa morteza mojtaba abbas abdollah abdullah abdolreza
abolfazl abolghasem abolhassan akbar amir ebrahim ibrahim esmaeil ismail hamid hamed javad
jafar jalal kamal karim majid masoud mansour mohsen naser nasser omid ramin rahim saeed said
sajjad salman sina taghi vahid yousef younes yaser zahra fatemeh fatima maryam narges zeinab
leila sara nasrin shirin behrouz babak farhad farshad kamran khosrow pouya saman alireza
mohammadreza mohammadali hosseinali gholamhossein gholamreza mohammadhossein mohammadmehdi
abdolhamid abdolkarim ali-akbar aliakbar shahrokh
""".split()
_HONORIFICS_LATIN = """
seyed sayed seyyed sayyed sayyid syed seyyedeh sayyida mir haj haji hajj sheikh mullah molla
mirza agha
""".split()
_GIVEN_ARABIC = """
محمد علی رضا حسین حسن مهدی احمد محمود مصطفی مرتضی مجتبی عباس عبدالله ابراهیم اسماعیل حمید
حامد جواد جعفر مجید مسعود منصور محسن ناصر امید سعید وحید یوسف یونس زهرا فاطمه مریم نرگس زینب
لیلا سارا نسرین شیرین بهروز بابک فرهاد فرشاد کامران خسرو پویا امیر اکبر محمدرضا علیرضا غلامحسین
غلامرضا علیاکبر ابوالحسن ابوالقاسم ابوالفضل
""".split()
_HONORIFICS_ARABIC = "سید سیده میر حاج حاجی شیخ السید الشیخ".split()


def _keys(words: list[str]) -> frozenset[str]:
    return frozenset(skeleton(w) for word in words for w in people_words(word))


# the endings compound surnames are built with (Mohammad|zadeh, Ali|pour, Hosseini|nejad)
_AFFIXES = """
zadeh pour poor nejad nezhad far vand doost dust kia abadi khani زاده پور نژاد فر وند دوست کیا
""".split()
GIVEN = _keys(_GIVEN_LATIN + _GIVEN_ARABIC)
HONORIFICS = _keys(_HONORIFICS_LATIN + _HONORIFICS_ARABIC)
# the parts a compound surname is made of, found inside a name word to know where a
# text may split it (Nourmohammadzadeh = Nour Mohammad Zadeh)
MORPHEMES = frozenset(m for m in GIVEN | _keys(_AFFIXES) if len(m) >= 3)


def name_forms(name: str, allow_single_word: bool) -> list[list[str]]:
    """The word lists a name is looked for as (see the module docstring).

    Only parts the name separates with spaces are dropped: Bani-Amerian and
    «احسانی‌اسلاملو» are one surname each.
    """
    parts = [people_words(p) for p in name.split()]
    parts = [p for p in parts if p]
    words = [w for p in parts for w in p]
    forms = [words]
    if len(parts) >= 3 and not _all_given(parts[:-1]):
        forms.append([w for p in parts[:-1] for w in p])
    if len(parts) >= 3 and [skeleton(w) for w in parts[0]] in [[h] for h in HONORIFICS]:
        if not _all_given(parts[1:]):
            forms.append([w for p in parts[1:] for w in p])
    return [f for f in forms if len(f) > 1 or (f and allow_single_word)]


def _all_given(parts: list[list[str]]) -> bool:
    return all(skeleton(w) in GIVEN or skeleton(w) in HONORIFICS for p in parts for w in p)


def keys(words: list[str]) -> list[str]:
    """Skeleton keys of a word list: joined, plus the forms a text that writes the words
    as one (Baniamerian) gives where a vowel run or a doubled letter meets itself."""
    parts = [skeleton(w) for w in words]
    out = [""]
    for i, part in enumerate(parts):
        merged = i > 0 and parts[i - 1][-1:] == part[:1] and part[:1].isascii()
        nxt = [k + part for k in out]
        if merged and len(out) < 8:
            nxt += [k + part[1:] for k in out]
        out = nxt
    return list(dict.fromkeys(out))


def similar(name: tuple[str, ...], text: tuple[str, ...]) -> bool:
    """Confirms a candidate on fine forms (see the module docstring)."""
    if name == text or "".join(name) == "".join(text):
        return True
    if len(name) == len(text):
        return all(a == b or _close(a, b, 0.2) for a, b in zip(name, text, strict=True))
    return _close("".join(name), "".join(text), 0.1)


def _close(a: str, b: str, ratio: float) -> bool:
    """Edit distance within ``ratio`` of the longer length; a vowel written as another
    vowel costs half (Mojahed = Mujahid), and only letters are compared fuzzily."""
    k = ratio * max(len(a), len(b))
    if k < 0.5 or abs(len(a) - len(b)) > k or not (a.isalpha() and b.isalpha()):
        return False
    if not a.isascii() or not b.isascii():
        return False
    previous = [float(j) for j in range(len(b) + 1)]
    for i, ca in enumerate(a, 1):
        row = [float(i)]
        for j, cb in enumerate(b, 1):
            swap = 0.0 if ca == cb else 0.5 if ca in _VOWEL_SET and cb in _VOWEL_SET else 1.0
            row.append(min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + swap))
        if min(row) > k:
            return False
        previous = row
    return previous[-1] <= k


_VOWEL_SET = frozenset("aeiouy")
