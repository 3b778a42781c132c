"""The watchlist index: every form of every name, found in one pass over an item.

Text reaches it as chunk skeletons (``names``): each whitespace chunk's words turned to
skeletons and joined *without* spaces, so "Bani Amerian", "Bani-Amerian" and
"Baniamerian", or «احسانی‌اسلاملو», «احسانی اسلاملو» and «احسانیاسلاملو», are the same
letters. The automaton holds the skeleton keys of every name form. A candidate must
then start and end on word boundaries (Raisi does not fire in "Raisian", nor Hassani
in "Hassanikhah"; "Raisi's" is fine), and be confirmed on fine forms
(``names.similar``). Arabic-script names may carry an attached proclitic (و ف ب ل,
«ومهدي حسني»). Candidates cost nothing for items that name nobody.
Must not: normalise text itself or know about topics.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate, combinations
from typing import NamedTuple

from monitor.match.automaton import Automaton
from monitor.match.model import SEVERITIES, Person, RuleProblem
from monitor.match.names import (
    MORPHEMES,
    fine,
    keys,
    name_forms,
    people_words,
    similar,
    skeleton,
)
from monitor.match.text import SEP, Memo, is_arabic_script

_PROCLITICS = frozenset(("و", "ف", "ب", "ل", "وب", "ول", "فب", "فل"))

# person index, fine forms of the name form, starts in Arabic script, key length
Entry = tuple[int, tuple[str, ...], bool, int]
# chunk k0, word w0, words in k0, chunk k1, word w1, words in k1
Place = tuple[int, int, int, int, int, int]


class ChunkWords(NamedTuple):
    fines: tuple[str, ...]
    bounds: tuple[int, ...]  # 0, then the end of each word's skeleton in the chunk's key


OTHER = "|"  # stands for a word no name can contain; no key holds it


def _pieces(words: list[str]) -> set[str]:
    """Skeletons a text word must have to take part in finding these words: a name word,
    several joined (Baniamerian), a word's head or tail split off (Etemadi | Far), or any
    run between two places where a text may break the name: between its words, and
    where a given name or a surname ending begins or ends inside one (Nourmohammadzadeh
    written Nour Mohammad Zadeh or Nourmohammad Zadeh)."""
    parts = [skeleton(w) for w in words]
    out = set(keys(words))
    for i in range(len(parts)):
        for j in range(i + 1, len(parts) + 1):
            out.update(keys(words[i:j]))
        out.update(parts[i][:n] for n in range(2, len(parts[i])))
        out.update(parts[i][n:] for n in range(1, len(parts[i]) - 1))
    joined = "".join(parts)
    breaks = {0, *accumulate(map(len, parts))}
    for start, part in zip(accumulate(map(len, parts), initial=0), parts, strict=False):
        for end, length in _MORPHEMES.find(part):
            breaks.update((start + end + 1 - length, start + end + 1))
    out.update(joined[a:b] for a, b in combinations(sorted(breaks), 2) if b - a >= 2)
    return out


_MORPHEMES: Automaton[int] = Automaton({m: len(m) for m in MORPHEMES})


class PeopleIndex:
    def __init__(self, people: Sequence[Person], problems: list[RuleProblem]) -> None:
        self.people = list(people)
        entries: dict[str, dict[Entry, None]] = {}
        pieces: set[str] = set()
        for index, person in enumerate(people):
            if person.severity not in SEVERITIES:
                problems.append(
                    RuleProblem(
                        "person",
                        index,
                        "severity",
                        0,
                        f"severity must be urgent or digest, not '{person.severity}'",
                    )
                )
            usable = 0
            for field, text in [("name", person.name)] + [("aliases", a) for a in person.aliases]:
                if not people_words(text):
                    problems.append(
                        RuleProblem("person", index, field, 0, f"'{text}' has no letters")
                    )
                    continue
                for form in name_forms(text, person.allow_single_word):
                    usable += 1
                    pieces |= _pieces(form)
                    entry = (index, tuple(fine(w) for w in form), is_arabic_script(form[0]), 0)
                    for key in keys(form):
                        entries.setdefault(key, {})[entry[:3] + (len(key),)] = None
            if not usable and people_words(person.name):
                problems.append(
                    RuleProblem(
                        "person",
                        index,
                        "name",
                        0,
                        f"'{person.name}' has only one-word names, which never fire alone: "
                        "add a full name as an alias or set allow_single_word",
                    )
                )
        self._pieces = frozenset(pieces)
        self.automaton: Automaton[tuple[Entry, ...]] = Automaton(
            {k: tuple(v) for k, v in entries.items()}, filler=OTHER
        )
        self.words: Memo[ChunkWords] = Memo(self._chunk_words, limit=50_000)

    def _skeleton(self, word: str) -> str:
        if word.isdigit():  # its own skeleton; kept out of skeleton()'s cache
            return word if word in self._pieces else OTHER
        s = skeleton(word)
        if s in self._pieces:
            return s
        # an Arabic proclitic glued to a name («ومهدي»): kept, _confirm decides
        if s[:1] in "وفبل" and (s[1:] in self._pieces or s[2:] in self._pieces):
            return s
        return OTHER

    def skeleton_chunk(self, chunk: str) -> str:
        """A chunk's words as skeletons, joined; words no name has become OTHER, which
        keeps the text the automaton reads short. The matcher remembers the result."""
        if chunk.isdigit() or chunk == SEP:
            return OTHER  # no name has digits, nor runs from the title into the summary
        return "".join(self._skeleton(w) for w in people_words(chunk))

    def _chunk_words(self, chunk: str) -> ChunkWords:
        words = people_words(chunk)
        bounds = tuple(accumulate((len(self._skeleton(w)) for w in words), initial=0))
        return ChunkWords(tuple(fine(w) for w in words), bounds)

    def candidates(self, text: str) -> list[tuple[int, tuple[Entry, ...]]]:
        """Name keys in ``text``, the chunks' ``skeleton_chunk`` joined."""
        return list(self.automaton.find(text))

    def confirm(
        self,
        chunks: list[str],
        text: str,
        ends: Sequence[int],
        candidates: list[tuple[int, tuple[Entry, ...]]],
    ) -> dict[int, list[Place]]:
        """Person index -> where each confirmed mention is, in text order; ``text`` is
        the chunks' ``skeleton_chunk`` joined, ``ends[k]`` where chunk k's ends in it,
        ``candidates`` what the automaton found in it."""
        found: dict[int, list[Place]] = {}
        for end, entries in candidates:
            for person, fines, arabic, length in entries:
                place = self._confirm(chunks, ends, text, end - length + 1, end, fines, arabic)
                if place is not None:
                    found.setdefault(person, []).append(place)
        return {p: _longest(places) for p, places in found.items()}

    def _confirm(
        self,
        chunks: list[str],
        ends: Sequence[int],
        text: str,
        start: int,
        end: int,
        fines: tuple[str, ...],
        arabic: bool,
    ) -> Place | None:
        k0 = bisect_right(ends, start)
        base = ends[k0 - 1] if k0 else 0
        off0 = start - base
        first = self.words[chunks[k0]]
        clitic = 0
        if off0 in first.bounds:
            w0 = first.bounds.index(off0)
        else:
            w0 = bisect_right(first.bounds, off0) - 1
            clitic = off0 - first.bounds[w0]
            if not arabic or text[base + first.bounds[w0] : start] not in _PROCLITICS:
                return None
        k1 = bisect_right(ends, end)
        last = first if k1 == k0 else self.words[chunks[k1]]
        off1 = end + 1 - (ends[k1 - 1] if k1 else 0)
        if off1 not in last.bounds:
            return None
        w1 = last.bounds.index(off1) - 1
        written: list[str] = []
        for k in range(k0, k1 + 1):
            words = first if k == k0 else last if k == k1 else self.words[chunks[k]]
            lo = w0 if k == k0 else 0
            hi = w1 + 1 if k == k1 else len(words.fines)
            written.extend(words.fines[lo:hi])
        if clitic:
            written[0] = written[0][clitic:]
        if not similar(fines, tuple(written)):
            return None
        return (k0, w0, len(first.fines), k1, w1, len(last.fines))


def _longest(places: list[Place]) -> list[Place]:
    """One place per starting word: the longest form found there (with the surname's
    trailing part rather than without it)."""
    best: dict[tuple[int, int], Place] = {}
    for place in places:
        key = place[:2]
        if key not in best or place[3:5] > best[key][3:5]:
            best[key] = place
    return list(best.values())
