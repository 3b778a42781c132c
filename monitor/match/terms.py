"""Terms -> the literal patterns that find them in normalised text, and their checks.

Normalised text is " w1 w2 ... wn " (``monitor.match.text``). A term is found by an
Aho-Corasick automaton, so each term becomes literal keys, each between spaces:

* Latin, Cyrillic, digits...: the words between spaces, `` execution `` (whole words:
  "execution" does not fire in "executions"); a prefix term `` execut`` has no trailing
  space (so ``execut*`` does fire in "executive": a prefix is a prefix). Apostrophes and
  hyphens separate words: "Iran's" has the word "iran"; "death-row" is "death row".
* Arabic script (Persian, Arabic): one key per allowed proclitic and suffix, so the
  text word may hold, besides the query word:
  - before: nothing, or an attached Arabic proclitic. For words of 3+ letters: the
    article ال and its combinations (وال فال بال کال لل وبال ...) and the Persian verb
    prefixes می / نمی (so اعدام fires in «الإعدام», «بالإعدام», «للإعدام», and کشند in
    «میکشند» as in «می‌کشند»); for 4+ letters also the bare و ف ب ل (و بـ لـ ...: «وإعدام»).
    A query word that starts with ال keeps it and takes و ف ب ک before it; «للإعدام»
    (ل + ال contracted) is found by a second key. Shorter words take nothing, so رای
    does not fire in «برای».
  - after: nothing, or a suffix that Persian writes with or without ZWNJ: ها های هایی تر
    ترین, and after a final ه ا و also ی ای یی (اعدام fires in «اعدام‌ها», «اعدامها»,
    «اعدام ها»; خانه in «خانه‌ای»). Other endings need ``*``: زندانی does not fire in
    «زندانیان»; write زندانی*.
  - inside a phrase, words after the first may take the article: "حکم اعدام" fires in
    «حكم الإعدام».
  - ZWNJ is both a space and nothing: words of a phrase may be joined in the text
    (قزل حصار fires in «قزلحصار»), and a word of 4+ letters may be split in two parts
    of 2+ letters (قزلحصار fires in «قزل حصار» and «قزل‌حصار»; اعدامها in «اعدام ها»).
    ``MAX_VARIANTS`` bounds the keys per term.
Must not: evaluate queries or look at items.
"""

from __future__ import annotations

from itertools import product

from monitor.match.text import is_arabic_script

MAX_VARIANTS = 64
MAX_KEYS = 2_000
ARTICLE = "\u0627\u0644"  # ال
_P3 = frozenset(
    ("", "ال", "وال", "فال", "بال", "کال", "لل", "وبال", "وکال", "فبال", "ولل", "فلل", "می", "نمی")
)
_P4 = _P3 | frozenset(("و", "ف", "ب", "ل", "وب", "ول", "فب", "فل"))
_P_ARTICLE = frozenset(("", "و", "ف", "ب", "ک", "وب", "فب"))
_P_CONTRACTED = frozenset(("لل", "ولل", "فلل"))
_NONE = frozenset(("",))
_S3 = frozenset(("", "ها", "های", "هایی", "تر", "ترین"))
_S_VOWEL = _S3 | frozenset(("ی", "ای", "یی"))


def proclitics(word: str) -> frozenset[str]:
    if word.startswith(ARTICLE) and len(word) >= 4:
        return _P_ARTICLE
    if len(word) >= 4:
        return _P4
    return _P3 if len(word) == 3 else _NONE


def suffixes(word: str) -> frozenset[str]:
    if len(word) < 3:
        return _NONE
    return _S_VOWEL if word[-1] in "\u0647\u0627\u0648" else _S3


def _word_forms(word: str, inner: bool) -> list[str]:
    """The word, then its splits in two (ZWNJ as a space the query did not write), and
    for a phrase's later words the Arabic article (حکم اعدام = حكم الإعدام)."""
    if not is_arabic_script(word):
        return [word]
    forms = [word]
    if inner and len(word) >= 3 and not word.startswith(ARTICLE):
        forms.append(ARTICLE + word)
    if len(word) >= 4:
        forms += [f"{word[:i]} {word[i:]}" for i in range(2, len(word) - 1)]
    return forms


def spellings(words: list[str]) -> list[str]:
    """Word sequences that spell the same Arabic-script phrase (joined, split), capped."""
    gaps = [" "]
    for a, b in zip(words, words[1:], strict=False):
        gaps.append(" " if not (is_arabic_script(a) and is_arabic_script(b)) else "")
    out: list[str] = []
    seen: set[str] = set()
    joins = [(" ", "") if g == "" else (" ",) for g in gaps[1:]]
    for chosen in product(*joins):
        for forms in product(*(_word_forms(w, i > 0) for i, w in enumerate(words))):
            text = forms[0] + "".join(g + f for g, f in zip(chosen, forms[1:], strict=True))
            if text not in seen:
                seen.add(text)
                out.append(text)
                if len(out) >= MAX_VARIANTS:
                    return out
    return out


def patterns(words: list[str], prefix: bool) -> list[str]:
    """The automaton keys for a term whose normalised words are ``words``.

    Every key starts with a space, and ends with one unless the term is a prefix, so a
    key occurs only where the term does: no occurrence needs checking afterwards. The
    spelling as written takes every allowed proclitic and suffix; the other spellings
    (joined, split) take none.
    """
    first, last = words[0], words[-1]
    befores = sorted(proclitics(first)) if is_arabic_script(first) else [""]
    afters = [""] if prefix or not is_arabic_script(last) else sorted(suffixes(last))
    tail = "" if prefix else " "
    keys = []
    for text in spellings(words):
        if text.count(" ") == len(words) - 1:  # as written, or with an inner article
            keys += [f" {b}{text}{a}{tail}" for b in befores for a in afters]
        else:
            keys.append(f" {text}{tail}")
    if is_arabic_script(first) and first.startswith(ARTICLE) and len(first) >= 4:
        contracted = " ".join([first[len(ARTICLE) :], *words[1:]])
        keys += [f" {b}{contracted}{a}{tail}" for b in sorted(_P_CONTRACTED) for a in afters]
    return list(dict.fromkeys(keys))[:MAX_KEYS]
